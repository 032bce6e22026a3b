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
