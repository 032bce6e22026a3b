"""What one test run leaves to others sharing its servers: their cache keys, and its worker mark."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache

from tests.conftest import TEST_CACHE_PREFIX, start_worker
from tests.forum.test_cache_outage import RedisServer, free_port


@pytest.fixture
def shared_redis(settings, tmp_path):
    """The Redis database of the run's cache (a server of this test's own when none is set)."""
    if settings.REDIS_URL:
        yield redis.Redis.from_url(settings.REDIS_URL)
        return
    server = RedisServer(free_port(), tmp_path)
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    settings.CACHES = {"default": {"BACKEND": "comcep.cache.Redis", "LOCATION": url,
                                   "KEY_PREFIX": TEST_CACHE_PREFIX}}
    yield redis.Redis.from_url(url)
    server.process.kill()
    server.process.wait(timeout=10)


def test_clearing_the_cache_deletes_this_runs_keys_and_leaves_everything_else(shared_redis):
    others = {"other-run:1:rl:login": b"3", "comcep:1:forum:page": b"x", "celery-queue": b"job",
              f"{TEST_CACHE_PREFIX}-later:1:k": b"near miss"}
    for name, value in others.items():
        shared_redis.set(name, value, ex=60)
    try:
        cache.set("rate-limit", 5)
        cache.set_many({"a": [1], "b": {"x": 2}})
        assert cache.get_many(["a", "b", "c"]) == {"a": [1], "b": {"x": 2}}
        assert shared_redis.exists(f"{TEST_CACHE_PREFIX}:1:rate-limit")

        cache.clear()

        assert cache.get("rate-limit") is None and cache.get_many(["a", "b"]) == {}
        assert not list(shared_redis.scan_iter(match=f"{TEST_CACHE_PREFIX}:*"))
        assert {name: shared_redis.get(name) for name in others} == others
    finally:
        shared_redis.delete(*others)


def test_the_cache_counts_in_redis_itself(shared_redis):
    assert cache.add("attempts", 1) is True and cache.add("attempts", 1) is False
    assert cache.incr("attempts", 2) == 3
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.set("gone", "x", timeout=0)
    assert cache.get("gone", "default") == "default"
    assert cache.touch("attempts", 30) and 0 < shared_redis.ttl(f"{TEST_CACHE_PREFIX}:1:attempts") <= 30


def test_a_test_that_starts_a_worker_without_the_worker_mark_fails(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="mark it @pytest.mark.worker"):
        start_worker(tmp_path)


@pytest.mark.usefixtures("worker")
@pytest.mark.django_db(transaction=True)
def test_a_test_using_the_worker_fixture_carries_the_worker_mark(request):
    assert request.node.get_closest_marker("worker") is not None
