"""Writes of the statistics: drawing up and signing the yearly cost-share report."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.audit import record
from comcep.models import User
from stats import queries
from stats.models import CostShareReport


class ReportRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def draw_up_cost_share(*, year: int, as_of: date, actor: User) -> CostShareReport:
    """Count the members per operator at ``as_of`` for ``year``'s split. A year not yet signed
    is counted again; a signed one never changes."""
    existing = CostShareReport.objects.select_for_update().filter(year=year).first()
    if existing is not None and existing.is_signed:
        raise ReportRefused(_("La répartition de cette année est déjà signée : elle ne change plus."))
    counts = queries.members_per_operator(as_of)
    try:
        with transaction.atomic():
            report, _created = CostShareReport.objects.update_or_create(
                year=year, defaults={"as_of": as_of, "counts": counts, "drawn_up_by": actor,
                                     "drawn_up_at": timezone.now()})
    except IntegrityError:  # drawn up twice at once: the other one stands
        report = CostShareReport.objects.get(year=year)
    record(actor=actor, action="stats.cost_share_drawn_up", target=report,
           data={"year": year, "as_of": as_of.isoformat(), "counts": counts})
    return report


@transaction.atomic
def sign_cost_share(report: CostShareReport, *, actor: User) -> CostShareReport:
    """The platform manager signs the split off, once (the row is claimed)."""
    now = timezone.now()
    claimed = CostShareReport.objects.filter(pk=report.pk, signed_at=None).update(
        signed_by=actor, signed_at=now)
    if claimed != 1:
        raise ReportRefused(_("Cette répartition est déjà signée."))
    report.signed_by, report.signed_at = actor, now
    record(actor=actor, action="stats.cost_share_signed", target=report,
           data={"year": report.year, "as_of": report.as_of.isoformat(), "counts": report.counts})
    return report
