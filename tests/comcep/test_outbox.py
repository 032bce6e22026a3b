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


def test_a_database_lost_after_the_send_does_not_send_the_email_again(transactional_db, settings,
                                                                        mailoutbox):
    from django.db import InterfaceError, OperationalError, connection

    settings.EMAIL_BACKEND = "tests.comcep.failing_backend.DatabaseLostAfterSendBackend"
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    with pytest.raises((OperationalError, InterfaceError)):
        notifications.deliver(message.pk)
    connection.close()  # the next query reconnects, as the worker's next job does

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING  # claimed before the send, never released
    # The sweep and a second job leave it alone: sending it now could be a second copy.
    assert message.pk not in notifications.due_message_ids()
    assert notifications.deliver(message.pk) is False
    assert dispatch_pending_notifications() == 0
    assert len(mailoutbox) == 1


def test_a_claim_that_never_finished_is_retried_with_the_same_message_id(db, settings, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    message = notifications.queue_email(template="welcome", to="a@exemple.fr")
    # A worker claimed it, then died before it could say how the send went.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=1, message_id="<first-claim@comcep.fr>",
        claimed_at=timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS + 1))

    assert message.pk in notifications.due_message_ids()
    assert notifications.deliver(message.pk) is True
    assert mailoutbox[0].extra_headers["Message-ID"] == "<first-claim@comcep.fr>"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)


def test_every_message_carries_a_message_id_kept_across_retries(db, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.comcep.failing_backend.FailingBackend"
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")
    notifications.deliver(message.pk)
    message.refresh_from_db()
    first = message.message_id
    assert first.startswith("<") and first.endswith("@comcep.fr>")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert notifications.deliver(message.pk) is True
    assert mailoutbox[0].extra_headers["Message-ID"] == first


def test_a_relay_that_accepts_and_never_answers_does_not_hold_the_worker(db, settings):
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    message = notifications.queue_email(template="welcome", to="a@exemple.fr")

    started = time.monotonic()
    try:
        assert notifications.deliver(message.pk) is False
    finally:
        listener.close()
    assert time.monotonic() - started < 10
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()
    assert message.next_attempt_at > message.created_at


def test_production_settings_give_the_relay_a_timeout():
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT <= 60


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the Redis broker's timeouts; "
                    "without REDIS_URL the broker is a local folder that cannot hang")
def test_a_broker_that_accepts_and_never_answers_delays_jobs_and_holds_no_request(
        client_for, alice, bob, reference_data):
    import socket
    import threading
    import time

    from comcep.celery import app
    from forum import services
    from forum.models import Category, EmailFrequency, ForumProfile, WatchedTopic

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(50)
    held = []

    def accept_all():
        while True:
            try:
                held.append(silent.accept())
            except OSError:
                return

    threading.Thread(target=accept_all, daemon=True).start()
    category = Category.objects.create(slug="echanges", name="Échanges", position=0)
    topic = services.create_topic(actor=bob.member, category=category, title="Un sujet suivi",
                                  body="Bonjour.", kind="discussion", tags=[], rate_limit=False)
    WatchedTopic.objects.get_or_create(member=bob.member, topic=topic)
    ForumProfile.objects.update_or_create(member=bob.member,
                                          defaults={"email_frequency": EmailFrequency.IMMEDIATELY})
    original = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        started = time.monotonic()
        responses = [client_for(alice).post(f"/forum/sujet/{topic.pk}/repondre/", {"body": f"Réponse {n}"})
                     for n in range(3)]
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url = original
        app._pool = None
        app.amqp._producer_pool = None
        silent.close()

    assert [r.status_code for r in responses] == [302, 302, 302]
    # One try, then the broker is left alone for a while: not one timeout per job.
    assert elapsed < 12
    # Bob's three emails wait for the sweep: written, none lost.
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING, kind="forum_notification").count() == 3
