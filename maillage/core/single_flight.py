"""One run at a time per key (e.g. per user for a solve that holds a worker for seconds)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def single_flight(key: str, *, seconds: int) -> Iterator[bool]:
    """Yield True if no other run holds `key`, then release it; False if one does.

    `cache.add` is atomic in every Django backend. With the default per-process memory cache
    the guard holds per worker process; a shared cache (Redis, database) makes it global.
    `seconds` bounds the hold if the process dies mid-run.
    """
    token = uuid.uuid4().hex
    held = cache.add(key, token, seconds)
    try:
        yield held
    finally:
        if held and cache.get(key) == token:
            cache.delete(key)
