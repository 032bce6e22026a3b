"""The notification outbox.

``queue_email`` writes an ``OutboxMessage`` inside the caller's transaction and
asks the worker to send it once that transaction commits. If the broker is
down at that moment the row simply waits: the beat job
``dispatch_pending_notifications`` hands it to the worker later. The worker
locks the row while sending, so a message is never sent twice by two jobs.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from comcep.models import OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render the subject, text and HTML of ``templates/emails/<template>_*``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}.txt", context)
    try:
        html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def queue_email(
    *, template: str, to: User | str, context: dict | None = None, language: str = "fr"
) -> OutboxMessage:
    """Write an email to the outbox; it is sent by the worker after commit."""
    recipient = to if isinstance(to, User) else None
    to_email = to.email if isinstance(to, User) else to
    with translation.override(language):
        subject, text, html = render_email(template, context or {})
    return queue_rendered(
        kind=template, to_email=to_email, recipient=recipient,
        subject=subject, text=text, html=html,
    )


def queue_rendered(
    *, kind: str, to_email: str, subject: str, text: str, html: str = "",
    recipient: User | None = None,
) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind=kind, recipient=recipient, to_email=to_email,
        subject=subject, body_text=text, body_html=html,
    )
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(message_id: int) -> bool:
    """Hand a message to the worker. A broker that is down is not an error here."""
    from comcep.tasks import send_notification

    try:
        send_notification.apply_async(args=[message_id], retry=False)
    except Exception:  # the sweep will dispatch it once the broker is back
        logger.warning("Broker unreachable; outbox message %s waits for the sweep", message_id)
        return False
    return True


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at six hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver(message_id: int) -> bool:
    """Send one pending message, locking its row. True when it went out now."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:  # already sent, given up, or being sent by another job
            return False
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        message.attempts += 1
        try:
            email.send()
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("Giving up on outbox message %s: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def due_message_ids(limit: int = 500) -> list[int]:
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
