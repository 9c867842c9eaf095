"""A throw-away Redis server for the tests that need one (Debian's redis-server).

Without the binary these tests are skipped, unless MAILLAGE_REQUIRE_REDIS=1 (CI sets it): then a
missing server fails the run instead of hiding the tests.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.production.stack import RedisMissing, free_port
from tests.production.stack import redis_server as _redis_server

__all__ = ["free_port", "redis_server"]


@contextmanager
def redis_server() -> Iterator[str]:
    try:
        with _redis_server() as url:
            yield url
    except RedisMissing as missing:
        if os.environ.get("MAILLAGE_REQUIRE_REDIS") == "1":
            pytest.fail(f"{missing}, alors que MAILLAGE_REQUIRE_REDIS=1")
        pytest.skip(str(missing))
