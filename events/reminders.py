"""Reminders of the events a member registered for: the day before and an hour before.

The beat job (``events.tasks.send_event_reminders``) runs every few minutes. For each event
entering a window it writes one ``Reminder`` per registered member and kind (its unique
constraint makes a second run, or two jobs at once, write nothing more), which is the in-app
notification; then it claims each reminder's email (``emailed_at`` set from NULL, in the
transaction that queues the email in the outbox), so that no email goes out twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comcep import identity
from comcep.models import Member
from comcep.notifications import queue_email
from events.models import Event, Preferences, Registration, Reminder, ReminderKind

# A reminder is due once the start is this close, and no longer once the event has begun.
WINDOWS = {ReminderKind.DAY: timedelta(hours=24), ReminderKind.HOUR: timedelta(hours=1)}


def due_kind(event: Event, now) -> str | None:
    """The reminder due for ``event`` at ``now``: the hour's inside the last hour, the day's
    inside the last day before it."""
    if event.cancelled_at is not None or event.starts_at <= now:
        return None
    if event.starts_at - now <= WINDOWS[ReminderKind.HOUR]:
        return ReminderKind.HOUR
    if event.starts_at - now <= WINDOWS[ReminderKind.DAY]:
        return ReminderKind.DAY
    return None


def write_due_reminders(now=None) -> int:
    """Write the reminders now due; how many were new."""
    now = now or timezone.now()
    written = 0
    events = Event.objects.filter(cancelled_at=None, starts_at__gt=now,
                                  starts_at__lte=now + WINDOWS[ReminderKind.DAY])
    for event in events:
        kind = due_kind(event, now)
        if kind is None:
            continue
        members = list(Registration.objects.filter(event=event).values_list("member_id", flat=True))
        if not members:
            continue
        hidden = set(Preferences.objects.filter(member_id__in=members, remind_in_app=False)
                     .values_list("member_id", flat=True))
        reminded = set(Reminder.objects.filter(event=event, kind=kind).values_list("member_id", flat=True))
        fresh = [m for m in members if m not in reminded]
        # Two runs at once: the unique constraint keeps the first one's rows.
        Reminder.objects.bulk_create(
            [Reminder(event=event, member_id=m, kind=kind, created_at=now, shown=m not in hidden)
             for m in fresh],
            ignore_conflicts=True)
        written += len(fresh)
    return written


def unsent_reminder_ids(limit: int = 500) -> list[int]:
    return list(Reminder.objects.filter(emailed_at=None).order_by("pk").values_list("pk", flat=True)[:limit])


@transaction.atomic
def email_reminder(reminder_id: int) -> bool:
    """Queue the email of one reminder, once: whether one was queued."""
    now = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, emailed_at=None).update(emailed_at=now)
    if claimed != 1:
        return False
    reminder = Reminder.objects.select_related("event").get(pk=reminder_id)
    wants = Preferences.objects.filter(member_id=reminder.member_id).values_list(
        "remind_by_email", flat=True).first()
    if wants is False or reminder.event.cancelled_at is not None or reminder.event.starts_at <= now:
        return False
    member = identity.with_accounts(Member.objects.filter(pk=reminder.member_id)).first()
    account = identity.deliverable_account(member) if member is not None else None
    if account is None:
        return False
    queue_email(template="events_reminder", to=account, context={
        "member": member, "event": reminder.event, "kind": reminder.kind,
        "url": reverse("events:detail", args=[reminder.event_id]),
    })
    return True


def send_due_reminders(now=None) -> tuple[int, int]:
    """Write the reminders due and email those not yet emailed: (written, emailed)."""
    written = write_due_reminders(now)
    emailed = sum(email_reminder(pk) for pk in unsent_reminder_ids())
    return written, emailed


def unread_reminders(member: Member, limit: int = 10) -> list[Reminder]:
    return list(Reminder.objects.filter(member=member, shown=True, read_at=None)
                .select_related("event").only("pk", "kind", "created_at", "event__title",
                                              "event__starts_at")[:limit])


def mark_reminders_read(member: Member) -> None:
    Reminder.objects.filter(member=member, read_at=None).update(read_at=timezone.now())
