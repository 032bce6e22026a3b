"""The notification outbox, with a real worker on the real broker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from comcep import notifications
from comcep.models import OutboxMessage, OutboxStatus
from comcep.tasks import dispatch_pending_notifications
from tests.conftest import (
    database_url_for_current_connection,
    start_worker,
    stop_worker,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]


def test_an_email_is_written_in_the_same_transaction_as_its_event(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.queue_email(template="welcome", to="a@exemple.fr")
        raise RuntimeError("the event fails")

    assert not OutboxMessage.objects.exists()


def test_an_email_is_rendered_from_its_three_templates(db):
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    assert message.subject == "Bienvenue sur Comcep"
    assert "Votre espace Comcep vous attend" in message.body_text
    assert "<a href=" in message.body_html
    assert message.status == OutboxStatus.PENDING


def test_a_failed_send_is_retried_later_with_back_off(db, settings):
    settings.EMAIL_BACKEND = "tests.comcep.failing_backend.FailingBackend"
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    assert notifications.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "SMTP down" in message.last_error
    assert message.next_attempt_at > message.created_at


def test_a_message_is_abandoned_after_the_last_attempt(db, settings):
    settings.EMAIL_BACKEND = "tests.comcep.failing_backend.FailingBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    notifications.deliver(message.pk)
    notifications.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_a_sent_message_is_never_sent_again(db, mailoutbox):
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    assert notifications.deliver(message.pk) is True
    assert notifications.deliver(message.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.worker
def test_the_worker_sends_a_queued_email_after_commit(worker):
    with transaction.atomic():
        message = notifications.queue_email(template="welcome", to="camille@exemple.fr")

    wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
               message="the worker did not send the email")
    mails = worker.sent_mail()
    assert len(mails) == 1
    assert "camille@exemple.fr" in mails[0]
    assert "Bienvenue sur Comcep" in mails[0]


@pytest.mark.worker
def test_nothing_is_lost_while_the_broker_is_down(transactional_db, tmp_path):
    # A web process whose broker is unreachable records the event and its email.
    env = {**os.environ, "DATABASE_URL": database_url_for_current_connection(),
           "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}  # nothing listens there
    code = ("from django.db import transaction; from comcep import notifications\n"
            "with transaction.atomic():\n"
            "    notifications.queue_email(template='welcome', to='dominique@exemple.fr')")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    message = OutboxMessage.objects.get(to_email="dominique@exemple.fr")
    assert message.status == OutboxStatus.PENDING  # written, waiting for the broker

    worker = start_worker(tmp_path)
    try:
        dispatch_pending_notifications.delay()  # what beat does every minute
        wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
                   message="the pending email was not sent once the broker was back")
    finally:
        stop_worker(worker)
    assert len(worker.sent_mail()) == 1
