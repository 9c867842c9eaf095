"""A Redis cache that degrades instead of failing when Redis is out of reach (decision 0025).

The cache holds nothing that is not also elsewhere: rendered bodies, rate-limit counters, the
one-run-at-a-time guards. If Redis is down, a page must still be served: reads miss, writes are
dropped, and the guards and limits let requests through (logged, at most once a minute per
process) rather than answering 500 to every visitor. Correctness that must hold during an outage
(no double booking, gap-free numbers) lives in the database, never in the cache.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_SECONDS = 60.0


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, with every operation falling back to "nothing cached"."""

    _last_logged = 0.0

    def _fallback(self, operation: str, call: Callable[[], Any], fallback: Any) -> Any:
        try:
            return call()
        except UNREACHABLE as error:
            now = time.monotonic()
            if now - ResilientRedisCache._last_logged >= LOG_EVERY_SECONDS:
                ResilientRedisCache._last_logged = now
                logger.error(
                    "cache Redis injoignable (%s : %s) ; les pages sont servies sans cache, "
                    "les limites de débit et les verrous ne tiennent plus",
                    operation,
                    type(error).__name__,
                )
            return fallback

    def get(self, key, default=None, version=None):
        return self._fallback(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._fallback(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._fallback(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._fallback(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fallback(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: a guard taken while Redis is down lets the run go ahead (logged), see docstring.
        return self._fallback(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True
        )

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE:
            # As for a missing key: callers that count (rate limits) then fall back to `add`.
            self._fallback("incr", _raise_unreachable, None)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from None

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fallback(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._fallback(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def delete_many(self, keys: Iterable, version=None):
        self._fallback(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._fallback("clear", lambda: super(ResilientRedisCache, self).clear(), False)


def _raise_unreachable() -> None:
    raise RedisConnectionError("unreachable")
