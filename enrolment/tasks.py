"""Jobs of enrolment. Thin and idempotent: each reminder is claimed once in the database."""

from __future__ import annotations

from celery import shared_task

from enrolment import services


@shared_task(acks_late=True)
def remind_pending_application(application_id: int) -> bool:
    return services.remind_pending(application_id)


@shared_task(acks_late=True)
def escalate_pending_application(application_id: int) -> bool:
    return services.escalate_pending(application_id)


@shared_task(acks_late=True)
def remind_unanswered_reason(application_id: int) -> bool:
    return services.remind_reason(application_id)


@shared_task
def send_enrolment_reminders() -> int:
    """Beat: hand every due reminder to the worker, one job per application."""
    due = services.due_reminders()
    for application_id in due["pending"]:
        remind_pending_application.delay(application_id)
    for application_id in due["escalate"]:
        escalate_pending_application.delay(application_id)
    for application_id in due["reason"]:
        remind_unanswered_reason.delay(application_id)
    return sum(len(ids) for ids in due.values())
