"""The notification outbox.

``queue_email`` writes an ``OutboxMessage`` inside the caller's transaction and
asks the worker to send it once that transaction commits. If the broker is
down at that moment the row simply waits: the beat job
``dispatch_pending_notifications`` hands it to the worker later. The worker
claims the row (status "sending", committed) before handing it to the relay, so
a message is never sent twice by two jobs, nor again because the database
failed after the send.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from comcep import jobs
from comcep.models import OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)


def site_url() -> str:
    """The site's configured address (``settings.SITE_URL``), without a trailing slash."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(location: str) -> str:
    """``location`` (a path, or an address of this site however it was reached) under the
    site's configured address: what links in emails must point to, never the host a request
    came by nor a default port."""
    parts = urlsplit(location)
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{site_url()}{path}{query}{fragment}"


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render the subject, text and HTML of ``templates/emails/<template>_*``."""
    context = {"site_url": site_url(), **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    try:
        html: str = render_to_string(f"emails/{template}.html", context)
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

    # A broker that is down is not an error: the sweep dispatches the message once it is back.
    return jobs.hand_over(send_notification, message_id, what=f"outbox message {message_id}")


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at six hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_cutoff():
    """A message claimed before this and still not marked sent is taken as not sent.

    Long enough for any send to have finished or timed out (``EMAIL_TIMEOUT``); the retry
    carries the same Message-ID, so even a send that did go out shows once.
    """
    return timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS)


def _claimable() -> Q:
    return Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, claimed_at__lt=claim_cutoff())


def _claim(message_id: int) -> OutboxMessage | None:
    """Mark one due message as being sent, and commit that before anything goes out.

    Two jobs never hold the same message (the row is locked, then its status moved on), and
    a database that fails after the send cannot make it pending again: at most one send per
    claim.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_claimable(), pk=message_id)
            .first()
        )
        if message is None:  # already sent, given up, or being sent by another job
            return None
        message.status = OutboxStatus.SENDING
        message.claimed_at = timezone.now()
        message.attempts += 1
        if not message.message_id:
            message.message_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
        message.save(update_fields=["status", "claimed_at", "attempts", "message_id"])
    return message


def deliver(message_id: int) -> bool:
    """Send one due message. True when it went out now."""
    message = _claim(message_id)
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    claimed = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING,
                                           claimed_at=message.claimed_at)
    try:
        email.send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            logger.error("Giving up on outbox message %s: %s", message.pk, error)
            claimed.update(status=OutboxStatus.FAILED, last_error=error)
        else:
            claimed.update(status=OutboxStatus.PENDING, last_error=error,
                           next_attempt_at=timezone.now() + backoff(message.attempts))
        return False
    # Should this fail (the database gone away), the message stays claimed: it is retried
    # only after claim_cutoff(), under the same Message-ID.
    claimed.update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


def due_message_ids(limit: int = 500) -> list[int]:
    """Messages to hand to the worker: due ones, and claims that never finished."""
    pending = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    stale = (OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=claim_cutoff())
             .order_by("claimed_at").values_list("pk", flat=True)[:limit])
    return [*pending, *stale][:limit]

