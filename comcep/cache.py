"""Caching pieces shared by the apps."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection
from redis.exceptions import RedisError


def db_scoped_key(prefix: str, *parts) -> str:
    """``"<prefix>:<database name>:<parts>…"``: the one way to name a key in the shared cache.

    The database name keeps concurrent test databases (and the benchmark's) apart when they
    share one cache server.
    """
    return ":".join([prefix, connection.settings_dict["NAME"], *map(str, parts)])


logger = logging.getLogger(__name__)

# After a failed call, the cache is taken as down for this long: calls in between are misses
# at once instead of each waiting for a connection timeout.
RETRY_AFTER_SECONDS = 5.0
# When each server was last seen failing, shared by every thread of the process (Django
# builds one cache object per thread).
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


class _OneClientPerPool(RedisCacheClient):
    # Django builds a new redis client (and its table of ~170 response callbacks) for every
    # cache call; a client is only a handle on the pool, so one per pool does.
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _mark_down(location: str, error: Exception) -> None:
    with _down_lock:
        first = location not in _down_until
        _down_until[location] = time.monotonic() + RETRY_AFTER_SECONDS
    if first:
        logger.warning("Cache unreachable (%s): serving without it", type(error).__name__)


def _mark_up(location: str) -> None:
    with _down_lock:
        if _down_until.pop(location, None) is not None:
            logger.warning("Cache reachable again")


def _tolerant(method_name: str, when_down):
    """The cache method ``method_name``, answering ``when_down(*args, **kwargs)`` while Redis
    cannot be reached.

    A cache is an accelerator: every reader falls back to the database on a miss, so an
    unreachable Redis must slow pages down, never fail them.
    """

    def method(self, *args, **kwargs):
        location = self._servers[0]
        down_until = _down_until.get(location)
        if down_until is not None and down_until > time.monotonic():
            return when_down(*args, **kwargs)
        try:
            result = getattr(RedisCache, method_name)(self, *args, **kwargs)
        except RedisError as error:
            _mark_down(location, error)
            return when_down(*args, **kwargs)
        if down_until is not None:
            _mark_up(location)
        return result

    method.__name__ = method_name
    return method


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")  # what incr() answers on a miss


def cache_is_reachable() -> bool:
    """Whether the default cache answers right now (for /healthz)."""
    from django.core.cache import caches

    cache = caches["default"]  # the object itself: isinstance() does not see through the proxy
    if not isinstance(cache, Redis):
        return True
    try:
        cache._cache.get_client(write=True).ping()
    except RedisError as error:
        _mark_down(cache._servers[0], error)
        return False
    _mark_up(cache._servers[0])
    return True


class Redis(RedisCache):
    """Django's Redis cache, without the per-call client, and a miss whenever Redis is away.

    Reads answer their default, writes are dropped, so sessions fall back to the database
    (``cached_db``) and pages are built from it. Entries of the forum's pages are keyed by
    revisions, so one missed while Redis was away can never be read stale afterwards.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    get = _tolerant("get", lambda key, default=None, *args, **kwargs: default)
    # As if the key were new: add() is how locks are taken (allauth's rate limits), and a
    # lock that can never be taken would refuse every sign-in while Redis is away.
    add = _tolerant("add", lambda *args, **kwargs: True)
    set = _tolerant("set", lambda *args, **kwargs: False)
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", lambda *args, **kwargs: False)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    clear = _tolerant("clear", lambda *args, **kwargs: False)
    incr = _tolerant("incr", _missing)

class LocalCopies:
    """The last ``size`` values this process read, in front of the shared cache.

    Only for values under keys that name their version (a revision that moves with every
    change): a key then always names the same value, so a copy can never be stale, and
    the process skips the network round trip and the unpickling.
    """

    _every: weakref.WeakSet[LocalCopies] = weakref.WeakSet()

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()
        LocalCopies._every.add(self)

    @classmethod
    def clear_all(cls) -> None:
        """Forget every copy of this process (tests start from an empty cache)."""
        for copies in list(cls._every):
            copies.clear()

    def get(self, key: str):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
