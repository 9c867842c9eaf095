"""A throw-away Redis server for the tests that need one (Debian's redis-server).

Without the binary these tests are skipped, unless MAILLAGE_REQUIRE_REDIS=1 (CI sets it): then a
missing server fails the run instead of hiding the tests.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary() -> str:
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if binary is None:
        if os.environ.get("MAILLAGE_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server absent alors que MAILLAGE_REQUIRE_REDIS=1")
        pytest.skip("redis-server absent (paquet Debian redis-server)")
    return binary


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free loopback port, no persistence; yield its URL."""
    binary = _binary()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="maillage-redis-") as directory:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("redis-server n'a pas démarré") from None
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
