"""A Redis cache that an outage cannot break (issue: with Redis unreachable, writes failed
because every save bumps a cached version).

Every operation that fails is logged once and answered as a miss (reads) or a no-op
(writes); after a failure the cache is skipped for a few seconds, so a page does not wait on
a dead server once per cache call. Nothing here is the only copy of anything: the principal,
the compliance findings and the page fragments are rebuilt from the database, and the
versions that guard them start anew (random) when the cache comes back.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger("samarbeid.cache")

SKIP_SECONDS = 5.0


class _ReusedClient(RedisCacheClient):
    """Django builds a new redis.Redis object (its response callbacks included) for every
    cache call; a page makes 5–10 calls, so reuse one per connection pool (a client over a
    pool is safe across threads, and the pool itself resets after a fork) — issue #12."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        this: Any = self  # Django's client has no type stubs for these
        index = this._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = this._client(
                connection_pool=this._get_connection_pool(index))
        return client

    def set_many(self, data: Any, timeout: Any) -> None:
        # One SET with its expiry per key in a plain pipeline: Django's MULTI, MSET, an
        # EXPIRE per key and EXEC is twice the commands for the same round trip, and no
        # reader needs the keys to appear together (a page's body and parts each stand
        # alone under keys that never change meaning) — issue #12, a page built again
        # after a write stores its body and the parts it built.
        this: Any = self
        client = self.get_client(None, write=True)
        if timeout == 0:  # as Django: a non-positive timeout deletes
            client.delete(*data)
            return
        pipeline = client.pipeline(transaction=False)
        for key, value in data.items():
            pipeline.set(key, this._serializer.dumps(value), ex=timeout)
        pipeline.execute()


class TolerantRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient

    def make_and_validate_key(self, key: Any, version: Any = None) -> str:
        # Django checks every key for memcached's limits (250 characters, no spaces), a
        # warning per key; Redis keys have no such limits, and a page reads ~60 (issue #12).
        return str(self.make_key(key, version=version))

    def _guard(self, operation: str, default: Any, call: Any, *args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        if now < type(self)._down_until:
            return default
        try:
            return call(*args, **kwargs)
        except ValueError:  # a missing key for incr: the caller's business, not an outage
            raise
        except Exception as exc:  # redis.ConnectionError, TimeoutError, OSError …
            if now >= type(self)._down_until:
                log.warning("cache unavailable (%s on %s): the database answers instead",
                            type(exc).__name__, operation)
            type(self)._down_until = now + SKIP_SECONDS
            return default

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard("get", default, super().get, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guard("get_many", {}, super().get_many, keys, version)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._guard("set", None, super().set, *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard("set_many", [], super().set_many, *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard("add", False, super().add, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard("delete", False, super().delete, *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._guard("delete_many", None, super().delete_many, *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard("has_key", False, super().has_key, *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard("touch", False, super().touch, *args, **kwargs)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._guard("incr", 0, super().incr, key, delta, version)

    def clear(self) -> None:
        self._guard("clear", None, super().clear)
