"""Caching pieces shared by the apps."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection


def db_scoped_key(prefix: str, *parts) -> str:
    """``"<prefix>:<database name>:<parts>…"``: the one way to name a key in the shared cache.

    The database name keeps concurrent test databases (and the benchmark's) apart when they
    share one cache server.
    """
    return ":".join([prefix, connection.settings_dict["NAME"], *map(str, parts)])


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


class Redis(RedisCache):
    """Django's Redis cache, without the per-call client."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool


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
