"""Redis goes away while members read and write: pages slow down, nothing fails or is lost.

A real redis-server is started here on a port of its own, used as the cache and the
session cache, killed mid-test and started again; the broker is left alone (the case of
the broker alone being down is in tests/comcep/test_outbox.py).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from comcep import cache as tolerant_cache
from forum.models import Post
from tests.conftest import wait_until
from tests.factories import PASSWORD

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, port: int, folder):
        self.port, self.folder, self.process = port, folder, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(self.answers, timeout=20, message="redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        wait_until(lambda: not self.answers(), timeout=10)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def own_redis(settings, tmp_path):
    """The site's cache (and so its session cache) on a Redis this test may stop."""
    server = RedisServer(free_port(), tmp_path)
    server.start()
    settings.CACHES = {"default": {
        "BACKEND": "comcep.cache.Redis",
        "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        "KEY_PREFIX": "outage",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }}
    tolerant_cache._down_until.clear()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=10)
    tolerant_cache._down_until.clear()
    caches["default"].close()


def recover(server) -> None:
    """Start Redis again and let the process notice (it retries after a few seconds)."""
    server.start()
    tolerant_cache._down_until.clear()


def test_with_redis_killed_a_signed_in_member_reads_and_posts_and_stays_signed_in(
        own_redis, client_for, alice, bob, practices, write, visitor):
    topic = write(bob, practices, title="Accompagner une reconversion")
    client = client_for(alice)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert caches["default"].get("probe") is None and caches["default"].set("probe", 1) is None

    own_redis.kill()

    started = time.monotonic()
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200
    assert "Accompagner une reconversion" in page.content.decode()
    # Still the same member: the session was read from the database.
    assert page.wsgi_request.user == alice
    assert client.get(reverse("forum:index")).status_code == 200
    assert client.get(reverse("forum:category", args=[practices.slug])).status_code == 200
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Réponse pendant la panne."})
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, body__contains="pendant la panne").count() == 1
    # The reply is on the page at once (nothing stale was served from a cache).
    assert "pendant la panne" in client.get(response["Location"], follow=True).content.decode()
    # Misses are immediate once the cache is known to be down: no timeout per call.
    assert time.monotonic() - started < 15

    health = visitor.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["cache"].startswith("error")
    assert health.json()["checks"]["database"] == "ok"


def test_the_site_recovers_when_redis_comes_back_without_a_restart(
        own_redis, client_for, alice, bob, practices, write, visitor):
    topic = write(bob, practices)
    client = client_for(alice)
    own_redis.kill()
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert visitor.get("/healthz").status_code == 503

    recover(own_redis)

    assert visitor.get("/healthz").status_code == 200
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert caches["default"].set("probe", 1) is None and caches["default"].get("probe") == 1
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Après la panne."})
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2


def test_signing_in_works_while_redis_is_away(own_redis, alice, practices):
    from django.test import Client

    own_redis.kill()
    client = Client()
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("forum:index")).wsgi_request.user == alice
