"""Redis as a cache that fails soft and fast: short socket timeouts plus a circuit breaker.

A hung Redis (it accepts connections and never answers) used to cost each drawing the socket
timeout twice, a read and a write, 10-20 s per page. Now each call is bounded by the sub-second
timeouts in settings.CACHES, and after one failure the breaker skips Redis for a few seconds:
reads are misses and writes are dropped, as if the cache were empty, so a page costs
milliseconds. After the pause calls go through again: the first failure reopens the breaker,
the first success closes it (and says so in the log).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("designer.cache")

T = TypeVar("T")

OPEN_SECONDS = 5.0


class CircuitBreaker:
    """Closed: calls go through. After a failure it opens for `open_seconds`: calls are skipped."""

    def __init__(
        self, name: str, open_seconds: float = OPEN_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.name = name
        self.open_seconds = open_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failing = False

    def allows(self) -> bool:
        with self._lock:
            return self._clock() >= self._open_until

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._open_until = self._clock() + self.open_seconds
            first = not self._failing
            self._failing = True
        if first:
            logger.error("%s failed, skipping it for %g s at a time: %s", self.name, self.open_seconds, exc)

    def succeeded(self) -> None:
        with self._lock:
            recovered = self._failing
            self._failing = False
            self._open_until = 0.0
        if recovered:
            logger.warning("%s answers again", self.name)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> CircuitBreaker:
    """One breaker per server list and process: Django builds a cache object per thread."""
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(f"redis cache {location}")
        return _breakers[location]


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self.breaker = breaker_for(",".join(servers))

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if not self.breaker.allows():
            return fallback
        try:
            result = call()
        except (RedisError, OSError) as exc:
            self.breaker.failed(exc)
            return fallback
        self.breaker.succeeded()
        return result

    def add(self, key: Any, value: Any, timeout: Any) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).add(key, value, timeout), False)

    def get(self, key: Any, default: Any) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).get(key, default), default)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._guarded(lambda: super(ResilientRedisCacheClient, self).set(key, value, timeout), None)

    def touch(self, key: Any, timeout: Any) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).touch(key, timeout), False)

    def delete(self, key: Any) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).delete(key), False)

    def get_many(self, keys: Any) -> Any:
        nothing: dict[Any, Any] = {}
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).get_many(keys), nothing)

    def has_key(self, key: Any) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).has_key(key), False)

    def set_many(self, data: Any, timeout: Any) -> None:
        self._guarded(lambda: super(ResilientRedisCacheClient, self).set_many(data, timeout), None)

    def delete_many(self, keys: Any) -> None:
        self._guarded(lambda: super(ResilientRedisCacheClient, self).delete_many(keys), None)

    def clear(self) -> Any:
        return self._guarded(lambda: super(ResilientRedisCacheClient, self).clear(), False)

    def ping(self) -> None:
        """Straight to Redis, past the breaker: /readyz must see the real state."""
        self.get_client(write=True).ping()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with ResilientRedisCacheClient.

    incr()/decr() are not guarded (no answer would be right without Redis): they raise, bounded
    by the socket timeouts. The app itself does not call them.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def check_ready(self) -> None:
        client = self._cache
        assert isinstance(client, ResilientRedisCacheClient)
        client.ping()
