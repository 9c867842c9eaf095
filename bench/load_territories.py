"""Time `load_territories` and the territory API on SQLite and PostgreSQL; print the figures.

Targets (issue 2): all of France (34,875 communes) loads in under 60 s on 2 cores on each database;
Normandie's commune outlines weigh well under 1 MB. This script prints, it never asserts.

    .venv/bin/python bench/load_territories.py [--runs N] [--databases sqlite,postgres] [--smoke]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run_timed(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, from the kernel's own accounting."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"échec : {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024


def manage(*args: str) -> list[str]:
    return [PYTHON, "manage.py", *args]


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    server = (
        os.environ.get("MAILLAGE_TEST_POSTGRES_URL")
        or subprocess.run(
            [str(ROOT / "scripts" / "postgres-for-tests")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    parts = urlsplit(server)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS maillage_bench")
        connection.execute("CREATE DATABASE maillage_bench")
    return urlunsplit(parts._replace(path="/maillage_bench"))


def drop_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{urlsplit(url).path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS maillage_bench WITH (FORCE)")


def summary(values: list[float]) -> str:
    return (
        f"min {min(values):7.2f}  médiane {statistics.median(values):7.2f}  max {max(values):7.2f}"
    )


def measure_requests(env: dict, region: str, requests: int) -> list[str]:
    """p50/p95 of the outline and search endpoints, in a child process using the bench database."""
    code = f"""
import statistics, time, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
for label, url, headers in [
    ("contours région {region} (communes)", "/api/territoires/regions/{region}/contours", {{}}),
    ("contours région {region}, gzip", "/api/territoires/regions/{region}/contours",
     {{"HTTP_ACCEPT_ENCODING": "gzip"}}),
    ("recherche « st lo »", "/api/territoires/communes?q=st%20lo", {{}}),
]:
    for _ in range(3):
        client.get(url, **headers)
    times = []
    for _ in range({requests}):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"  {{label:38}} p50 {{statistics.median(times):7.1f}} ms  p95 {{p95:7.1f}} ms  "
          f"{{len(response.content) / 1024:8.1f}} Ko")
"""
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.rstrip().splitlines()


def bench(kind: str, scope: list[str], runs: int, requests: int) -> list[str]:
    lines = [f"== {kind} ({' '.join(scope)})"]
    first, first_rss, reload_, reload_rss = [], [], [], []
    url = ""
    for _ in range(runs):
        url = fresh_database(kind)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
        subprocess.run(manage("migrate", "-v", "0"), cwd=ROOT, env=env, check=True)
        wall, rss = run_timed(manage("load_territories", *scope, "-v", "0"), env)
        first.append(wall)
        first_rss.append(rss)
        wall, rss = run_timed(manage("load_territories", *scope, "-v", "0"), env)
        reload_.append(wall)
        reload_rss.append(rss)
    lines.append(
        f"  premier chargement (s)    {summary(first)}   mémoire max {max(first_rss):.0f} Mo"
    )
    lines.append(
        f"  rechargement (s)          {summary(reload_)}   mémoire max {max(reload_rss):.0f} Mo"
    )
    region = "28"
    lines += measure_requests(
        {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, region, requests
    )
    drop_database(kind, url)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--smoke", action="store_true", help="SQLite, Normandie only, 1 run")
    args = parser.parse_args()
    if args.smoke:
        databases, scope, runs, requests = ["sqlite"], ["--region", "28"], 1, 5
    else:
        databases, scope, runs, requests = args.databases.split(","), ["--all"], args.runs, 30
    print(f"maillage — bench du chargement des territoires ({os.cpu_count()} cœurs)")
    for kind in databases:
        for line in bench(kind, scope, runs, requests):
            print(line, flush=True)
    print("Cibles : France entière < 60 s sur 2 cœurs par base ; contours de Normandie ≪ 1 Mo.")


if __name__ == "__main__":
    main()
