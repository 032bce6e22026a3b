"""The yearly cost-share report: members per operator at a date, signed off once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CostShareReport(models.Model):
    """The funding split of one year, as counted at ``as_of``. The counts are frozen when the
    report is drawn up, so what was signed is what stays."""

    year = models.PositiveIntegerField(_("année"), unique=True)
    as_of = models.DateField(_("date de décompte"))
    # {operator name: members}, as counted at ``as_of``.
    counts = models.JSONField(default=dict)
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    drawn_up_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("répartition des coûts")
        verbose_name_plural = _("répartitions des coûts")

    def __str__(self) -> str:
        return f"répartition {self.year}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
