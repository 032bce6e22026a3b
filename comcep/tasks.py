"""Jobs of the shared core. Thin: they take ids and call a service."""

from celery import shared_task

from comcep import notifications


@shared_task(acks_late=True)
def send_notification(message_id: int) -> bool:
    return notifications.deliver(message_id)


@shared_task
def dispatch_pending_notifications() -> int:
    """Hand to the worker every message that is due (first try or retry)."""
    ids = notifications.due_message_ids()
    for message_id in ids:
        send_notification.delay(message_id)
    return len(ids)


@shared_task
def answer_ping(ping_id: int) -> None:
    """Proves that a job goes through the worker (``manage.py check_worker``)."""
    from django.utils import timezone

    from comcep.models import WorkerPing

    WorkerPing.objects.filter(pk=ping_id, answered_at=None).update(answered_at=timezone.now())


@shared_task(acks_late=True)
def build_data_export(export_id: int) -> bool:
    """Gather a member's data into their zip (comcep.datarights)."""
    from comcep import datarights

    return datarights.build_export(export_id)


@shared_task
def purge_expired_data() -> dict:
    """The retention job: purge what its period let expire (periods in settings)."""
    from comcep import datarights

    return datarights.purge_expired()


@shared_task
def purge_submission_tokens() -> int:
    """Delete the form submission tokens older than a day (comcep.idempotency)."""
    from comcep import idempotency

    return idempotency.purge()


@shared_task
def tell_disclosed_members() -> int:
    """Tell the members whose pseudonym was lifted, once their told-from date has come."""
    from comcep import disclosures

    return disclosures.tell_due_members()
