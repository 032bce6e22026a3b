"""The figures, each read by aggregate SQL: a fixed number of queries whatever the data size.

Nothing here returns a person: only counts by operator, region, stage, week or month.

What reads the whole history is kept in the shared cache under a key that changes when the
history does, so that only the first reading after a change pays for it:
  * under the applications' steps' revision (``steps_revision``: a status changes with a step
    only): the funnel, the decision times, the appeals under way, the waiting lists and the
    admitted applications by region (and month); those of them whose account was closed since
    are read live and taken off (a closure takes no step; they are few);
  * under the weeks shown, for an hour at most: the activity of the weeks already over (such
    a week gains no post; an erased account may take some away);
the current week and what is overdue now are read live, through their dates' indexes. The
readings of the history run with more memory for their sorts and without JIT compilation,
which costs more than it saves on queries of a few hundred milliseconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from comcep.cache import db_scoped_key
from comcep.models import Operator, Region, RolloutPhase
from enrolment.models import APPEAL_STATES, Application, ApplicationEvent, Status
from forum.models import Post, Topic
from privatespace.models import Course, CourseFollow, CourseStatus
from resources.models import Resource

WEEKS = 12
CACHE_FORMAT = 1  # moved when what is kept changes shape


def cache_seconds() -> int:
    """How long a figure read from the history stays in the shared cache at most (0: never
    kept); the setting STATS_CACHE_SECONDS, an hour by default."""
    return getattr(settings, "STATS_CACHE_SECONDS", 3600)


@contextmanager
def reporting() -> Iterator[None]:
    """A transaction whose aggregate readings sort in memory and are not JIT-compiled."""
    within_a_transaction = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        yield
        if within_a_transaction:
            # SET LOCAL would outlive the reading in the caller's transaction.
            cursor.execute("SET LOCAL jit = DEFAULT")
            cursor.execute("SET LOCAL work_mem = DEFAULT")


# Set while the worker reads every figure again ahead of its expiry (``refreshed``).
_refreshing: ContextVar[bool] = ContextVar("stats_refreshing", default=False)


@contextmanager
def refreshed() -> Iterator[None]:
    """Every figure read inside is computed again and kept afresh, rather than taken from the
    cache: the worker's job (stats.tasks) runs the pages' readings so, before their figures
    expire, and no manager pays for reading the whole history."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def _kept(name: str, revision: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in the shared cache under ``name`` and ``revision``."""
    seconds = cache_seconds()
    if not seconds:
        return compute()
    key = db_scoped_key(f"stats:{CACHE_FORMAT}:{name}", revision)
    value = None if _refreshing.get() else cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


# A step is inserted within moments of taking its id: one committed after a step with a
# higher id (two applicants at once) is among the last ids handed out.
LATE_STEPS = 1000


def steps_revision() -> str:
    """Changes whenever an application takes a step: the steps are append-only (the database
    refuses to change or delete one), so a new one moves their last id, or (committed late)
    the number of the last ``LATE_STEPS`` ids. One query, on the primary key's index."""
    table = ApplicationEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0), count(*) FROM {table} "
                       f"WHERE id > (SELECT coalesce(max(id), 0) FROM {table}) - %s", [LATE_STEPS])
        last, recent = cursor.fetchone()
    return f"{last}-{recent}"


def _rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    with reporting(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Enrolment funnel --------------------------------------------------------------------------

FUNNEL_STAGES = ["applied", "confirmed", "admitted", "refused", "appealed", "overturned"]


@dataclass(frozen=True, slots=True)
class FunnelRow:
    operator: str
    region: str
    counts: dict[str, int]


# Which steps show that an application reached a stage.
STAGE_ACTIONS = {
    "confirmed": ("confirm_email", "waitlist"), "admitted": ("approve", "overturn"),
    "refused": ("refuse",), "appealed": ("appeal",), "overturned": ("overturn",),
}


# Each step of interest sets the bits of the stages it shows reached; an application's stages
# are the OR of its steps' bits (one aggregate a step, on those steps only).
STAGE_BITS = {stage: 1 << n for n, stage in enumerate(STAGE_ACTIONS)}
ACTION_MARKS = {action: sum(bit for stage, bit in STAGE_BITS.items() if action in STAGE_ACTIONS[stage])
                for action in dict.fromkeys(itertools.chain(*STAGE_ACTIONS.values()))}


def funnel() -> list[FunnelRow]:
    """Applications by operator and region at each stage they reached, read from the events (an
    application admitted after an appeal counts as applied, confirmed, refused, appealed,
    overturned and admitted). One query (each application's stages first, then their counts),
    kept under the steps' revision."""
    def compute() -> list[tuple]:
        cases = " ".join("WHEN %s THEN %s" for _ in ACTION_MARKS)
        counted = ", ".join(f"count(*) FILTER (WHERE e.reached & {bit} <> 0) AS {stage}"
                            for stage, bit in STAGE_BITS.items())
        return _rows(f"""
            SELECT o.name, r.name, s.applied, {", ".join(f"s.{stage}" for stage in STAGE_ACTIONS)}
            FROM (SELECT a.operator_id, a.region_id, count(*) AS applied, {counted}
                  FROM {Application._meta.db_table} a
                  LEFT JOIN (SELECT application_id, bit_or(CASE action {cases} END) AS reached
                             FROM {ApplicationEvent._meta.db_table} WHERE action = ANY(%s)
                             GROUP BY application_id) e
                         ON e.application_id = a.id
                  GROUP BY a.operator_id, a.region_id) s
            JOIN {Operator._meta.db_table} o ON o.id = s.operator_id
            JOIN {Region._meta.db_table} r ON r.id = s.region_id
            ORDER BY o.name, r.name""", [*itertools.chain(*ACTION_MARKS.items()), list(ACTION_MARKS)])

    rows = _kept("funnel", steps_revision(), compute)
    return [FunnelRow(operator, region, dict(zip(FUNNEL_STAGES, counts, strict=True)))
            for operator, region, *counts in rows]


@dataclass(frozen=True, slots=True)
class DecisionTimes:
    decisions: int
    median_days: float | None
    p90_days: float | None


def decision_times() -> DecisionTimes:
    """Time from reaching the operator's queue (the application's last step into « pending »
    at or before the decision) to the operator's decision. One query, in one pass over the
    steps into the queue and the decisions in each application's order, kept under the steps'
    revision."""
    def compute() -> tuple:
        return _rows(f"""
            SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY waited),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY waited)
            FROM (SELECT action, extract(epoch FROM created_at - max(created_at)
                         FILTER (WHERE to_status = %s) OVER (PARTITION BY application_id
                                                             ORDER BY created_at)) AS waited
                  FROM {ApplicationEvent._meta.db_table}
                  WHERE to_status = %s OR action IN ('approve', 'refuse')) steps
            WHERE action IN ('approve', 'refuse')""", [Status.PENDING, Status.PENDING])[0]

    decisions, median, p90 = _kept("decisions", steps_revision(), compute)

    def days(value):
        return None if value is None else round(float(value) / 86400, 1)
    return DecisionTimes(decisions, days(median), days(p90))


def overdue_by_operator() -> dict[str, int]:
    """Applications left pending past the escalation delay, now. One query."""
    return dict(Application.objects.overdue().values("operator__name")
                .annotate(n=Count("pk")).values_list("operator__name", "n"))


def appeals_open() -> int:
    """Kept under the steps' revision: a status changes with a step only."""
    return _kept("appeals", steps_revision(),
                 Application.objects.filter(status__in=APPEAL_STATES).count)


# --- Roll-out ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RolloutRow:
    region: str
    phase: str
    members: int
    waitlist: int
    is_open: bool


def admitted_now():
    """The applications whose person is a member now: admitted, account open. Counted from the
    applications, which carry operator and region, so no count crosses the account ↔ member
    link."""
    return Application.objects.filter(status=Status.ADMITTED, user__is_active=True)


def _members_by(name: str, group, queryset=None) -> dict:
    """The members now (``admitted_now``) counted by ``group(applications)`` (a values list of
    a key and ``n``): the admitted applications' counts kept under the steps' revision, less
    those whose account was closed since, read live (a closure takes no step; they are few)."""
    queryset = Application.objects.all() if queryset is None else queryset
    admitted = queryset.filter(status=Status.ADMITTED)
    counts = dict(_kept(name, steps_revision(), lambda: list(group(admitted))))
    for key, n in group(admitted.filter(user__is_active=False)):
        counts[key] = counts.get(key, 0) - n
    return {key: n for key, n in counts.items() if n > 0}


def rollout() -> list[RolloutRow]:
    """Each region's phase, members and waitlist; opening it would release the whole waitlist.
    Four queries (two more to read the history again)."""
    def by_region(applications):
        return applications.values("region_id").annotate(n=Count("pk")).values_list("region_id", "n")

    members = _members_by("members_by_region", by_region)
    waiting = dict(_kept("waiting_by_region", steps_revision(), lambda: list(
        by_region(Application.objects.filter(status=Status.WAITLISTED)))))
    return [RolloutRow(region.name, region.get_phase_display(), members.get(region.pk, 0),
                       waiting.get(region.pk, 0), region.phase == RolloutPhase.OPEN)
            for region in Region.objects.order_by("overseas", "name")]


# --- Activity ----------------------------------------------------------------------------------

ACTIVITY_MEASURES = ["active_members", "topics", "posts", "resources_proposed",
                     "resources_published", "courses_published", "courses_followed"]


@dataclass(frozen=True, slots=True)
class ActivityRow:
    period: date
    counts: dict[str, int]


def _weeks(now: datetime) -> list[date]:
    monday = (timezone.localtime(now) - timedelta(days=timezone.localtime(now).weekday())).date()
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _by_week(queryset, field: str, **counts) -> dict[date, dict[str, int]]:
    """``counts`` (measure: aggregate) by week of ``field``. One query."""
    rows = queryset.annotate(period=TruncWeek(field)).values("period").annotate(**counts)
    return {timezone.localtime(row["period"]).date(): {measure: row[measure] for measure in counts}
            for row in rows}


def _activity(since: datetime, until: datetime | None, operator: Operator | None
              ) -> dict[date, dict[str, int]]:
    """Each week's measures from ``since`` to ``until`` (open: up to now). Six queries for
    everyone's, two for an operator's members."""
    def within(queryset, field: str):
        queryset = queryset.filter(**{f"{field}__gte": since})
        return queryset if until is None else queryset.filter(**{f"{field}__lt": until})

    posts, topics = within(Post.objects, "created_at"), within(Topic.objects, "created_at")
    if operator is not None:
        posts = posts.filter(author__operator=operator)
        topics = topics.filter(author__operator=operator)
    with reporting():
        found = [
            # count(*), not count(id): the posts' (author, date) index then answers alone.
            _by_week(posts, "created_at", posts=Count("*"), active_members=Count("author", distinct=True)),
            _by_week(topics, "created_at", topics=Count("pk")),
        ]
        if operator is None:
            found += [
                _by_week(within(Resource.objects, "created_at").filter(proposed_by__isnull=False),
                         "created_at", resources_proposed=Count("pk")),
                _by_week(within(Resource.objects, "published_at"), "published_at",
                         resources_published=Count("pk")),
                _by_week(within(Course.objects, "published_at").filter(status=CourseStatus.PUBLISHED),
                         "published_at", courses_published=Count("pk")),
                _by_week(within(CourseFollow.objects, "started_at"), "started_at",
                         courses_followed=Count("pk")),
            ]
    weeks: dict[date, dict[str, int]] = {}
    for series in found:
        for week, counts in series.items():
            weeks.setdefault(week, {}).update(counts)
    return weeks


def activity_by_week(*, operator: Operator | None = None, now: datetime | None = None
                     ) -> list[ActivityRow]:
    """The last twelve weeks of activity: everyone's, or (``operator``) the forum activity of one
    operator's members only. A query per measure (the posts and their authors in one), whatever
    the number of posts (each scans its dates' index range); the weeks already over are kept
    in the shared cache, so that a reading after the first one reads the current week only."""
    weeks = _weeks(now or timezone.now())

    def start(week: date) -> datetime:
        return timezone.make_aware(datetime.combine(week, datetime.min.time()))

    current = start(weeks[-1])
    measures = ACTIVITY_MEASURES if operator is None else OPERATOR_ACTIVITY_MEASURES
    over = _kept(f"activity:{operator.pk if operator is not None else 'all'}",
                 f"{weeks[0]}:{weeks[-1]}", lambda: _activity(start(weeks[0]), current, operator))
    counted = over | _activity(current, None, operator)
    return [ActivityRow(week, {name: counted.get(week, {}).get(name, 0) for name in measures})
            for week in weeks]


OPERATOR_ACTIVITY_MEASURES = ["active_members", "topics", "posts"]


# --- An operator's network ---------------------------------------------------------------------

def admitted_by_region_and_month(operator: Operator, year: int) -> dict[tuple[str, str], int]:
    """The operator's members admitted in ``year`` and still members, by region and month of
    admission. Three queries (``_members_by``)."""
    def by_region_and_month(applications):
        rows = (applications.annotate(month=TruncMonth("status_changed_at")).values("region__name", "month")
                .annotate(n=Count("pk")).values_list("region__name", "month", "n"))
        return [((region, f"{timezone.localtime(month):%Y-%m}"), n) for region, month, n in rows]

    return _members_by(f"admitted:{operator.pk}:{year}", by_region_and_month,
                       Application.objects.filter(operator=operator, status_changed_at__year=year))


def members_per_operator(at: date) -> dict[str, int]:
    """Members per operator at the end of ``at``: the application's state then was admitted
    (read from its last event by then), and the account was not closed by then. One query for
    the counts, one for the operators' names."""
    end = timezone.make_aware(datetime.combine(at, datetime.max.time()))
    state_then = (ApplicationEvent.objects.filter(application=OuterRef("pk"), created_at__lte=end)
                  .order_by("-created_at", "-pk").values("to_status")[:1])
    rows = (Application.objects.annotate(state_then=Subquery(state_then))
            .filter(state_then=Status.ADMITTED)
            .exclude(user__closure__closed_at__lte=end)
            .values("operator__name").annotate(n=Count("pk")).values_list("operator__name", "n"))
    counts = dict(rows)
    return {name: counts.get(name, 0)
            for name in Operator.objects.order_by("name").values_list("name", flat=True)}
