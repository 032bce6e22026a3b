"""PostgreSQL goes away (a restart, a failover): what was in flight fails whole, in French,
and what comes next works, in the web process and in the worker, with no restart.

The server's own sessions are ended with pg_terminate_backend, which is what a restart or a
failover does to every open connection.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.urls import reverse

from comcep import notifications
from comcep.models import OutboxMessage, OutboxStatus
from forum.models import Post
from tests.conftest import wait_until


def end_sessions(*, only_pid: int | None = None) -> int:
    """End the test database's sessions (one, or all but this test's own). Returns how many."""
    settings = connection.settings_dict
    with psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                         port=settings["PORT"] or 5432, password=settings["PASSWORD"],
                         autocommit=True) as admin:
        if only_pid is not None:
            rows = admin.execute("SELECT pg_terminate_backend(%s)", [only_pid]).fetchall()
        else:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [own_pid()]).fetchall()
    return len(rows)


def own_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class Browser:
    """A signed-in member's browser against the live server: a real WSGI handler, which
    drops dead connections at each request as production does (the test client keeps the
    test's own connection instead)."""

    def __init__(self, live_server, client):
        self.host, self.port = live_server.thread.host, live_server.thread.port
        self.cookies = {django_settings.SESSION_COOKIE_NAME:
                        client.cookies[django_settings.SESSION_COOKIE_NAME].value}

    def send(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, text

    def reply(self, topic, body: str):
        path = reverse("forum:reply", args=[topic.pk])
        _response, page = self.send("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return self.send("POST", path, {"csrfmiddlewaretoken": token, "body": body})


@pytest.mark.django_db(transaction=True)
def test_a_reply_in_flight_when_the_database_goes_fails_whole_in_french_then_the_next_succeeds(
        live_server, client_for, alice, bob, practices, write):
    topic = write(bob, practices)
    browser = Browser(live_server, client_for(alice))
    assert browser.send("GET", topic.get_absolute_url())[0].status == 200

    def lose_the_database(sender, instance, created, **kwargs):
        if created and "pendant la coupure" in instance.body:
            end_sessions(only_pid=own_pid())  # the server thread's own connection

    post_save.connect(lose_the_database, sender=Post, weak=False)
    try:
        response, page = browser.reply(topic, "Écrit pendant la coupure.")
    finally:
        post_save.disconnect(lose_the_database, sender=Post)

    assert response.status == 503
    assert "momentanément indisponible" in page
    assert response.getheader("Retry-After") == "5"
    # Nothing half written: not the post, not the topic's counters.
    assert not Post.objects.filter(body__contains="pendant la coupure").exists()
    topic.refresh_from_db()
    assert topic.post_count == 1

    again, _page = browser.reply(topic, "Écrit après la coupure.")
    assert again.status == 302
    assert Post.objects.filter(topic=topic).count() == 2


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """The site served by gunicorn (one worker, which keeps its database connection between
    requests, as in production), on the test database."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.conftest import database_url_for_current_connection

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url_for_current_connection(),
           "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600"}
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "comcep.wsgi", "-w", "1",
         "-b", f"127.0.0.1:{port}"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=20)


def test_a_web_server_whose_connection_was_ended_serves_the_next_page(
        gunicorn, client_for, alice, bob, practices, write):
    topic = write(bob, practices)
    session = client_for(alice).cookies[django_settings.SESSION_COOKIE_NAME].value

    def get(path):
        conn = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
        conn.request("GET", path, headers={"Host": "127.0.0.1",
                                           "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}"})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status

    assert get(topic.get_absolute_url() + "?page=1") == 200
    assert end_sessions() >= 1  # gunicorn's worker kept its connection: it is ended now

    # The dead connection is noticed at the start of the request (CONN_HEALTH_CHECKS).
    assert get(topic.get_absolute_url() + "?page=1") == 200
    assert get(reverse("forum:index")) == 200


@pytest.mark.worker
def test_the_worker_goes_on_after_every_connection_was_ended(worker):
    with transaction.atomic():
        first = notifications.queue_email(template="welcome", to="avant@exemple.fr")
    wait_until(lambda: OutboxMessage.objects.get(pk=first.pk).status == OutboxStatus.SENT, timeout=60,
               message=worker.log.read_text()[-3000:])

    end_sessions()  # whatever the worker holds (Celery's Django fix-up drops it after each job)

    with transaction.atomic():
        second = notifications.queue_email(template="welcome", to="apres@exemple.fr")
    wait_until(lambda: OutboxMessage.objects.get(pk=second.pk).status == OutboxStatus.SENT, timeout=60,
               message=worker.log.read_text()[-3000:])
    assert len(worker.sent_mail()) == 2  # each sent once
