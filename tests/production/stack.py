"""The production recipe started for real on this machine, for its test and its load test.

One PostgreSQL database of its own (created and dropped here), one private Redis, `servers`
gunicorn processes with config/gunicorn.conf.py and the worker (`manage.py worker`), all as
separate processes with production settings (DEBUG off). Plain Python, no pytest: the load test
(bench/load_test.py) uses it too.
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class RedisMissing(RuntimeError):
    """Debian's redis-server is not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} s'est arrêté au démarrage (code {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} ne répond pas sur le port {port}")


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free loopback port, no persistence; yield its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        raise RedisMissing("redis-server absent (paquet Debian redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="maillage-redis-") as directory:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for_port(port, process, "redis-server", seconds=10)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


@dataclass
class Stack:
    env: dict
    redis_url: str
    mail_dir: Path
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    worker: subprocess.Popen | None = None

    def manage(self, *args: str, script: str | None = None, timeout: int = 1800) -> str:
        command = [PYTHON, "manage.py", *args]
        if script is not None:
            command += ["--no-imports", "-c", script]
        done = subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} : {done.stderr[-3000:]}")
        return done.stdout

    def request(self, port: int, method: str, path: str, *, session: str = "", body=None, key=""):
        """(status, body bytes) of one request, with a session and CSRF token when given."""
        token = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked CSRF secret
        headers = {"Host": "localhost", "Accept-Encoding": "identity"}
        if session:
            headers["Cookie"] = f"sessionid={session}; csrftoken={token}"
            headers["X-CSRFToken"] = token
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        if key:
            headers["Idempotency-Key"] = key
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            client.request(method, path, body=body, headers=headers)
            response = client.getresponse()
            return response.status, response.read()
        finally:
            client.close()

    def redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url)


@contextmanager
def production_stack(
    postgres_url: str,
    *,
    name: str,
    load: list[str],
    setup_script: str | None = None,
    servers: int = 2,
    workers_per_server: int = 2,
    extra_env: dict | None = None,
    static: bool = False,
) -> Iterator[tuple[Stack, str]]:
    """Yield the running stack and the standard output of `setup_script` (run in `manage.py
    shell` once the database is migrated and `load_territories *load` has run). With `static`,
    `collectstatic` runs first, as in production, so that HTML pages render."""
    mail_dir = Path(tempfile.mkdtemp(prefix="maillage-mails-"))
    static_root = Path(tempfile.mkdtemp(prefix="maillage-static-"))
    _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(postgres_url, f'CREATE DATABASE "{name}"')
    stack = None
    try:
        with redis_server() as redis_url:
            cache_url = redis_url.rsplit("/", 1)[0] + "/1"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": with_database(postgres_url, name),
                "CACHE_URL": cache_url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "localhost,127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
                "PYTHONWARNINGS": "ignore",
                "LOG_LEVEL": "WARNING",
                "STATIC_ROOT": str(static_root),
                **(extra_env or {}),
            }
            stack = Stack(env=env, redis_url=cache_url, mail_dir=mail_dir)
            stack.manage("migrate", "--no-input", "-v", "0")
            if static:
                stack.manage("collectstatic", "--no-input", "-v", "0")
            stack.manage("load_territories", *load)
            out = stack.manage("shell", script=setup_script) if setup_script else ""
            for _ in range(servers):
                port = free_port()
                process = subprocess.Popen(
                    [GUNICORN, "config.wsgi", "-c", "config/gunicorn.conf.py",
                     "-w", str(workers_per_server), "-b", f"127.0.0.1:{port}",
                     "--access-logfile", "/dev/null"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                stack.processes.append(process)
                _wait_for_port(port, process, "gunicorn")
                stack.ports.append(port)
            stack.worker = subprocess.Popen(
                [PYTHON, "manage.py", "worker", "--pause", "1"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            stack.processes.append(stack.worker)
            yield stack, out
    finally:
        if stack is not None:
            for process in stack.processes:
                process.terminate()
            for process in stack.processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(mail_dir, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)
