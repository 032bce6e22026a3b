"""The workflow's delays, in days; each can be overridden in settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

DEFAULTS = {
    # A pending application reminds the operator's managers after this many days…
    "ENROLMENT_REMINDER_DAYS": 5,
    # …and is escalated to the platform manager after this many.
    "ENROLMENT_ESCALATION_DAYS": 10,
    # An unanswered request for the reason of a refusal reminds both sides after this many.
    "ENROLMENT_REASON_REMINDER_DAYS": 7,
    # How long the appeal link sent with a refusal stays valid.
    "ENROLMENT_APPEAL_LINK_DAYS": 30,
}


def delay(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])


def days_ago(name: str) -> datetime:
    """The moment ``delay(name)`` days before now: what has waited since then is due."""
    return timezone.now() - timedelta(days=delay(name))
