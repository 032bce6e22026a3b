"""Jobs of the events: thin, idempotent (see ``events.reminders``)."""

from __future__ import annotations

from celery import shared_task

from events import reminders


@shared_task(acks_late=True)
def send_event_reminders() -> dict[str, int]:
    written, emailed = reminders.send_due_reminders()
    return {"written": written, "emailed": emailed}
