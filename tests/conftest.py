"""Personas and shared fixtures.

alice is a member, bob another member; mod a moderator; expert an expert;
oscar manages alice's operator (Apec), olga manages another (France Travail);
rita is Carif-Oref staff of Bretagne; paula is the platform manager; a
visitor is anyone not signed in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client

from comcep.celery import app as celery_app
from comcep.roles import Role
from tests import factories

pytest_plugins = ["tests.clamav"]  # the real clamd fixtures (clamd, scanner)

# Each test session gets its own queue, so that concurrent test runs sharing a
# broker never take each other's jobs.
TEST_QUEUE = f"comcep-test-{uuid.uuid4().hex[:10]}"
# ... and its own cache keys: clearing the cache between tests deletes this run's keys only,
# never those of another run, a benchmark or a site sharing the Redis database.
TEST_CACHE_PREFIX = f"comcep-test-{uuid.uuid4().hex[:10]}"
os.environ["CACHE_KEY_PREFIX"] = TEST_CACHE_PREFIX  # for the worker and other child processes


def pytest_configure(config):
    from django.conf import settings

    celery_app.conf.task_default_queue = TEST_QUEUE
    # The settings are read before this file is: the prefix is set on them too.
    settings.CACHES["default"]["KEY_PREFIX"] = TEST_CACHE_PREFIX


# The fixtures that start a real Celery worker: a test using one carries the `worker` mark
# (`-m "not worker"` leaves them out), and start_worker() refuses to run in a test without it.
WORKER_FIXTURES = {"worker", "scanning_worker", "video_worker", "media_worker"}
_running_test = None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if WORKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.worker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _running_test
    _running_test = item


def pytest_runtest_teardown(item, nextitem):
    global _running_test
    _running_test = None


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached pages never leak from one test into another."""
    from django.core.cache import cache

    from comcep import jobs
    from comcep.cache import LocalCopies

    jobs.forget_failures()  # a broker failure seen by one test does not delay the next one's jobs
    cache.clear()
    LocalCopies.clear_all()
    yield
    cache.clear()
    LocalCopies.clear_all()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Personas are created by the dozen; password hashing is not what tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """The regions, operators and groups of the data migrations.

    Transactional tests flush every table after they run, data migrations
    included, so the rows are put back when missing.
    """
    from comcep.models import Operator, Region
    from comcep.reference import NATIONAL_OPERATORS, REGIONS
    from comcep.roles import ensure_groups

    if Region.objects.count() != len(REGIONS):
        for code, name, overseas in REGIONS:
            Region.objects.get_or_create(code=code, defaults={"name": name, "overseas": overseas})
    if not Operator.objects.exists():
        for slug, name, former, domains in NATIONAL_OPERATORS:
            Operator.objects.create(slug=slug, name=name, former_name=former,
                                    email_domains=domains)
    ensure_groups()


@pytest.fixture
def alice(reference_data):
    return factories.make_member(pseudonym="Lande Bretonne", first_name="Alice",
                                 last_name="Martin", email="alice.martin@apec.fr")


@pytest.fixture
def bob(reference_data):
    return factories.make_member(pseudonym="Bob le Bâtisseur", operator_slug="france-travail",
                                 region_code="52")


@pytest.fixture
def mod(reference_data):
    return factories.make_member(pseudonym="Phare du Forum", role=Role.MODERATOR)


@pytest.fixture
def expert(reference_data):
    return factories.make_member(pseudonym="Docteur Parcours", role=Role.EXPERT)


@pytest.fixture
def oscar(reference_data):
    """Manager of Apec, alice's operator."""
    return factories.make_operator_manager(operator_slug="apec", first_name="Oscar")


@pytest.fixture
def olga(reference_data):
    """Manager of France Travail, not alice's operator."""
    return factories.make_operator_manager(operator_slug="france-travail", first_name="Olga")


@pytest.fixture
def rita(reference_data):
    return factories.make_regional_staff(region_code="53")


@pytest.fixture
def paula(reference_data):
    return factories.make_platform_manager(first_name="Paula")


@pytest.fixture
def visitor() -> Client:
    return Client()


@pytest.fixture
def client_for():
    """client_for(user) → a test client signed in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="comcep.auth.Backend")
        return client

    return make


def database_url_for_current_connection() -> str:
    """A DATABASE_URL pointing a child process at the test database."""
    s = connection.settings_dict
    host = quote(s["HOST"] or "", safe="")
    auth = s["USER"] + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    mail_dir: Path
    log: Path

    def sent_mail(self) -> list[str]:
        # The file backend creates its file before writing to it: only finished messages count
        # (each ends with its separator line).
        texts = (p.read_text() for p in sorted(self.mail_dir.glob("*.log")))
        return [text for text in texts if text.endswith("-" * 79 + "\n")]


def start_worker(tmp_dir: Path, *, extra_env: dict | None = None) -> Worker:
    if _running_test is not None and _running_test.get_closest_marker("worker") is None:
        pytest.fail(f"{_running_test.nodeid} starts a Celery worker: mark it @pytest.mark.worker "
                    "(or add its fixture to WORKER_FIXTURES in tests/conftest.py)", pytrace=False)
    mail_dir = tmp_dir / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    log = tmp_dir / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_current_connection(),
        "CELERY_TASK_DEFAULT_QUEUE": TEST_QUEUE,
        "EMAIL_URL": f"filemail://{mail_dir}",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "comcep", "worker", "--pool=threads",
         "--concurrency=2", "--loglevel=INFO", "-Q", TEST_QUEUE, "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return Worker(process, mail_dir, log)


def stop_worker(worker: Worker) -> None:
    worker.process.terminate()
    try:
        worker.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.process.kill()


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.1, message: str = ""):
    """Poll ``predicate`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout}s")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A real Celery worker process on the real broker, reading the test database."""
    running = start_worker(tmp_path)
    yield running
    stop_worker(running)


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Short clips made with ffmpeg's test sources, shared by the whole run."""
    from resources import transcoding

    folder = tmp_path_factory.mktemp("clips")

    class Clips:
        def __init__(self):
            self._made = {}

        def get(self, name: str, **options):
            # Keyed by the options too: two tests asking one name for different clips each get theirs.
            key = (name, *sorted(options.items()))
            if key not in self._made:
                path = folder / f"{name}-{len(self._made)}.mp4"
                self._made[key] = transcoding.generate_test_clip(path, **options)
            return self._made[key]

    return Clips()


@pytest.fixture
def small_disk(settings, tmp_path):
    """MEDIA_ROOT on a real filesystem of 256 KiB (a tmpfs mounted for the test), nearly full.

    ``small_disk.fill(leave=bytes)`` takes all but that much of its room.
    """
    mount_point = tmp_path / "small-media"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], check=True)
    settings.MEDIA_ROOT = mount_point

    class SmallDisk:
        path = mount_point

        def fill(self, *, leave: int) -> None:
            import shutil

            free = shutil.disk_usage(mount_point).free
            (mount_point / "filler").write_bytes(b"\0" * max(free - leave, 0))

        def files(self) -> list[str]:
            return sorted(str(p.relative_to(mount_point)) for p in mount_point.rglob("*")
                          if p.is_file() and p.name != "filler")

    yield SmallDisk()
    subprocess.run(["umount", "-l", str(mount_point)], check=False)
