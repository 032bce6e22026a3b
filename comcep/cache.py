"""Caching pieces shared by the apps."""

from __future__ import annotations

import logging
import pickle
import threading
import time
import weakref
from collections import OrderedDict

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured
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


# One redis-py client per server and options, shared by every thread of the process (a client
# is a thread-safe handle on its connection pool, which reconnects by itself after a fork).
_clients: dict[tuple, redis.Redis] = {}
_clients_lock = threading.Lock()


def _client_for(location: str, options: dict) -> redis.Redis:
    key = (location, tuple(sorted(options.items())))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = redis.Redis.from_url(location, **options)
    return client


def _dumps(value) -> bytes | int:
    # Integers stay plain so that Redis itself increments them (incr() is atomic).
    if type(value) is int:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes):
    try:
        return int(data)
    except ValueError:
        # The cache server is the site's own, as for Django's Redis backend, which pickles too.
        return pickle.loads(data)  # noqa: S301


class RedisStore(BaseCache):
    """A Redis cache on redis-py's public client, with one client per process.

    Django's own Redis backend builds a new client (and its table of ~170 response callbacks)
    for every call, and ``clear()`` there empties the whole Redis database; here a client is
    kept, and ``clear()`` deletes this cache's keys only (those under its ``KEY_PREFIX``), so
    several sites, test runs or benchmarks can share one database.
    """

    def __init__(self, server, params):
        super().__init__(params)
        locations = server if isinstance(server, list | tuple) else server.split(",")
        if len(locations) != 1:
            raise ImproperlyConfigured("comcep.cache.Redis takes one server (LOCATION).")
        self.location = locations[0].strip()
        self._options = dict(params.get("OPTIONS", {}))

    @property
    def client(self) -> redis.Redis:
        return _client_for(self.location, self._options)

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # The key is deleted at once when the timeout is 0 or less (as Django's backends do).
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            if added := bool(self.client.set(key, _dumps(value), nx=True)):
                self.client.delete(key)
            return added
        return bool(self.client.set(key, _dumps(value), ex=timeout, nx=True))

    def get(self, key, default=None, version=None):
        value = self.client.get(self.make_and_validate_key(key, version=version))
        return default if value is None else _loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client.delete(key)
        else:
            self.client.set(key, _dumps(value), ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return bool(self.client.persist(key))
        return bool(self.client.expire(key, timeout))

    def delete(self, key, version=None):
        return bool(self.client.delete(self.make_and_validate_key(key, version=version)))

    def get_many(self, keys, version=None):
        if not keys:
            return {}
        named = {self.make_and_validate_key(key, version=version): key for key in keys}
        values = self.client.mget(list(named))
        return {named[k]: _loads(v) for k, v in zip(named, values, strict=True) if v is not None}

    def has_key(self, key, version=None):
        return bool(self.client.exists(self.make_and_validate_key(key, version=version)))

    def incr(self, key, delta=1, version=None):
        name = self.make_and_validate_key(key, version=version)
        if not self.client.exists(name):
            raise ValueError(f"Key '{key}' not found")
        return self.client.incr(name, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        named = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client.delete(*named)
            return []
        pipeline = self.client.pipeline()
        pipeline.mset({k: _dumps(v) for k, v in named.items()})
        if timeout is not None:
            for name in named:  # MSET takes no expiry
                pipeline.expire(name, timeout)
        pipeline.execute()
        return []

    def delete_many(self, keys, version=None):
        if keys:
            self.client.delete(*(self.make_and_validate_key(key, version=version) for key in keys))

    def clear(self):
        """Delete the keys of this cache (its ``KEY_PREFIX``), and none other of the database."""
        # Keys are "<KEY_PREFIX>:<version>:<key>" (Django's default key function).
        pattern = _glob_escape(self.key_prefix) + ":*"
        batch = []
        for name in self.client.scan_iter(match=pattern, count=1000):
            batch.append(name)
            if len(batch) == 1000:
                self.client.unlink(*batch)
                batch = []
        if batch:
            self.client.unlink(*batch)
        return True

    def ping(self) -> None:
        """Raise ``RedisError`` when the server does not answer."""
        self.client.ping()


def _glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


def _tolerant(method_name: str, when_down):
    """The cache method ``method_name``, answering ``when_down(*args, **kwargs)`` while Redis
    cannot be reached.

    A cache is an accelerator: every reader falls back to the database on a miss, so an
    unreachable Redis must slow pages down, never fail them.
    """

    def method(self, *args, **kwargs):
        location = self.location
        down_until = _down_until.get(location)
        if down_until is not None and down_until > time.monotonic():
            return when_down(*args, **kwargs)
        try:
            result = getattr(RedisStore, method_name)(self, *args, **kwargs)
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
    if not isinstance(cache, RedisStore):
        return True
    try:
        cache.ping()
    except RedisError as error:
        _mark_down(cache.location, error)
        return False
    _mark_up(cache.location)
    return True


class Redis(RedisStore):
    """The site's cache: ``RedisStore``, and a miss whenever Redis is away.

    Reads answer their default, writes are dropped, so sessions fall back to the database
    (``cached_db``) and pages are built from it. Entries of the forum's pages are keyed by
    revisions, so one missed while Redis was away can never be read stale afterwards.
    """

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
