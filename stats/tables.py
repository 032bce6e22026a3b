"""The dashboard's tables: each one is shown as a table, drawn as a chart and exported as CSV.

Every count of people goes through ``stats.suppression`` first: what a table holds may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comcep.models import Operator
from stats import queries
from stats.suppression import TOTAL, Relation, cross_table, is_small, suppress

HIDDEN = "< 10"

STAGE_LABELS = {
    "applied": _("candidatures"), "confirmed": _("adresse confirmée"), "admitted": _("admises"),
    "refused": _("refusées"), "appealed": _("en appel"), "overturned": _("infirmées en appel"),
}
MEASURE_LABELS = {
    "active_members": _("membres actifs"), "topics": _("nouveaux sujets"),
    "posts": _("nouveaux messages"), "resources_proposed": _("ressources proposées"),
    "resources_published": _("ressources publiées"), "courses_published": _("cours publiés"),
    "courses_followed": _("cours suivis"),
}


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of figures (``None``: hidden, fewer than ten people) under their headers."""

    slug: str
    title: str | Promise
    headers: list[str | Promise]
    rows: list[list[str | int | float | None]]
    # The column a chart draws (a bar per row), or None for a table without chart.
    chart_column: int | None = 1
    notes: list[str | Promise] = field(default_factory=list)

    def display_rows(self) -> list[list[str | int | float]]:
        return [[HIDDEN if value is None else value for value in row] for row in self.rows]

    def chart_bars(self) -> list[tuple[str, int | float | None]]:
        if self.chart_column is None:
            return []
        return [(str(row[0]), row[self.chart_column]) for row in self.rows  # type: ignore[misc]
                if row[0] != str(_("Total"))]


def funnel_table() -> Table:
    rows = queries.funnel()
    stages = queries.FUNNEL_STAGES
    values: dict = {}
    for index, row in enumerate(rows):
        for stage in stages:
            values[(index, stage)] = row.counts[stage]
    for stage in stages:
        values[(TOTAL, stage)] = sum(row.counts[stage] for row in rows)
    # Stages are not additive along a row (an admitted application was also applied): only the
    # columns are sums, so only they are relations.
    relations = [Relation((TOTAL, stage), tuple((i, stage) for i in range(len(rows))))
                 for stage in stages]
    hidden = suppress(values, relations)

    def shown(key):
        return None if key in hidden else values[key]

    body: list[list] = [[f"{row.operator} · {row.region}", *[shown((i, s)) for s in stages]]
                        for i, row in enumerate(rows)]
    body.append([str(_("Total")), *[shown((TOTAL, s)) for s in stages]])
    return Table("entonnoir", _("Entonnoir des candidatures, par opérateur et région"),
                 [_("opérateur · région"), *[STAGE_LABELS[s] for s in stages]], body)


def decisions_table() -> Table:
    times = queries.decision_times()
    overdue = queries.overdue_by_operator()
    rows: list[list] = [[str(_("Décisions des opérateurs")), times.decisions],
                        [str(_("Délai médian (jours)")), times.median_days],
                        [str(_("90ᵉ centile (jours)")), times.p90_days]]
    rows += [[str(_("En retard maintenant : %(operator)s")) % {"operator": name}, n]
             for name, n in sorted(overdue.items())]
    rows.append([str(_("Appels en cours")), queries.appeals_open()])
    # Delays and the platform manager's own to-do are not counts of people shown to others.
    return Table("delais", _("Délais de décision et retards"), [_("mesure"), _("valeur")],
                 [[label, "—" if value is None else value] for label, value in rows],
                 chart_column=None)


def rollout_table() -> Table:
    body: list[list] = []
    for row in queries.rollout():
        releases = 0 if row.is_open else row.waitlist
        body.append([row.region, row.phase, row.members, row.waitlist, releases])
    # No total is shown beside these counts: primary suppression is enough.
    for cells in body:
        for column in (2, 3, 4):
            if is_small(cells[column]):
                cells[column] = None
    return Table("deploiement", _("Déploiement par région"),
                 [_("région"), _("phase"), _("membres"), _("liste d'attente"),
                  _("libérées à l'ouverture")], body, chart_column=2)


def _activity_body(rows: list[queries.ActivityRow], measures: list[str]) -> list[list]:
    body: list[list] = []
    for row in rows:
        # A week's figures all concern its active members: fewer than ten, the week is hidden.
        small = is_small(row.counts["active_members"])
        body.append([date_format(row.period, "SHORT_DATE_FORMAT"),
                     *[None if small and row.counts[m] else row.counts[m] for m in measures]])
    return body


def activity_table() -> Table:
    rows = queries.activity_by_week()
    measures = queries.ACTIVITY_MEASURES
    return Table("activite", _("Activité par semaine (semaine du lundi)"),
                 [_("semaine"), *[MEASURE_LABELS[m] for m in measures]],
                 _activity_body(rows, measures))


def operator_admitted_table(operator: Operator, year: int) -> Table:
    counts = queries.admitted_by_region_and_month(operator, year)
    regions = sorted(operator_regions(operator) | {region for region, _month in counts})
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    table = cross_table(counts, regions, months)
    body: list[list] = [[region, *[table.cell(region, m) for m in months],
                         table.cell(region, TOTAL)] for region in regions]
    body.append([str(_("Total")), *[table.cell(TOTAL, m) for m in months],
                 table.cell(TOTAL, TOTAL)])
    return Table("admissions", _("Membres admis en %(year)s, par région et par mois") % {
        "year": year}, [_("région"), *months, _("total")], body, chart_column=13)


def operator_regions(operator: Operator) -> set[str]:
    from comcep.models import Region

    if not operator.regions.exists():
        return set(Region.objects.values_list("name", flat=True))
    return set(operator.regions.values_list("name", flat=True))


def operator_activity_table(operator: Operator) -> Table:
    rows = queries.activity_by_week(operator=operator)
    measures = queries.OPERATOR_ACTIVITY_MEASURES
    return Table("activite", _("Activité du réseau par semaine"),
                 [_("semaine"), *[MEASURE_LABELS[m] for m in measures]],
                 _activity_body(rows, measures))


# The platform manager's dashboard, by the slug of each table's CSV export.
DASHBOARD_TABLES = {
    "entonnoir": funnel_table, "delais": decisions_table,
    "deploiement": rollout_table, "activite": activity_table,
}
