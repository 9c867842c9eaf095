"""Load test of the production recipe on this machine (issue 12, point 15). Prints, never asserts.

Starts the recipe as tests/production/stack.py does (PostgreSQL database of its own, Redis,
`--servers` gunicorn processes of `--workers` sync workers each, the e-mail worker; DEBUG off,
static files collected), loads Normandie with its demonstration places and bookable offer, then
runs Locust headless (bench/locustfile.py: visitors on the map, directory, places,
availability and observatory; members booking) and prints requests/s, p50 and p95 per endpoint.

    .venv/bin/python bench/load_test.py [--users 60] [--seconds 60] [--servers 2] [--workers 2]
    .venv/bin/python bench/load_test.py --smoke      # 10 users, 15 s

PostgreSQL: DATABASE_URL if it names one, else scripts/postgres-for-tests. Redis: Debian's
redis-server.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.stack import production_stack  # noqa: E402

SETUP = """
import json
from django.utils import timezone
from maillage.places.models import Place
from tests.production.seed import OPEN_SPACE, bookable_place, members_with_sessions

place, resources = bookable_place("Tiers-lieu du test de charge", desks=4000, resources=[
    {"kind": OPEN_SPACE, "name": f"Open space {n}", "capacity": 1000, "horizon_days": 365}
    for n in range(4)
])
sessions = [m["session"] for m in members_with_sessions(MEMBERS, "charge.test")]
places = [str(p) for p in Place.objects.filter(status="ouvert").values_list("public_id", flat=True)]
bookable = [str(p) for p in Place.objects.filter(status="ouvert", resources__isnull=False)
            .distinct().values_list("public_id", flat=True)]
print("PLAN=" + json.dumps({
    "places": places, "bookable_places": bookable, "booking_place": str(place.public_id),
    "resources": resources, "sessions": sessions,
    "today": timezone.localdate().isoformat(),
    "departements": ["14", "27", "50", "61", "76"],
}))
"""


def postgres_url() -> str:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return given
    return subprocess.run(
        [str(ROOT / "scripts" / "postgres-for-tests")], capture_output=True, text=True, check=True
    ).stdout.strip()


def report(stats_csv: Path, seconds: int) -> None:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    print(f"\n{'point d’accès':48} {'requêtes':>9} {'échecs':>7} {'req/s':>8} {'p50 ms':>8} "
          f"{'p95 ms':>8}")  # fmt: skip
    for row in rows:
        name = row["Name"] if row["Type"] != "" else "Total"
        if row["Name"] == "Aggregated":
            name = "— total"
        print(
            f"{(row['Type'] + ' ' + name)[:48]:48} {int(row['Request Count']):>9} "
            f"{int(row['Failure Count']):>7} {float(row['Requests/s']):>8.1f} "
            f"{row['50%']:>8} {row['95%']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn par processus")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds = 10, 15

    started = time.perf_counter()
    print("Mise en place : base PostgreSQL, Redis, Normandie, lieux de démonstration …", flush=True)
    with production_stack(
        postgres_url(),
        name="maillage_bench_load",
        load=["--region", "28"],
        setup_script=None,
        servers=args.servers,
        workers_per_server=args.workers,
        static=True,
    ) as (stack, _):
        stack.manage("places_demo", "--region", "28")
        stack.manage("booking_demo")
        out = stack.manage("shell", script=SETUP.replace("MEMBERS", str(max(20, args.users))))
        plan = json.loads(out.split("PLAN=", 1)[1])
        plan["ports"] = stack.ports
        # Each worker's first requests pay lazy work (OpenAPI schema, template loading): a
        # deployment warms up once, the figures are about the steady state.
        warm = [
            "/", "/lieux/", f"/lieux/{plan['places'][0]}/", "/api/lieux/carte.geojson",
            "/observatoire/departement/14/", "/api/territoires/regions/28/contours",
            f"/api/reservations/disponibilites?lieu={plan['booking_place']}&date={plan['today']}",
        ]  # fmt: skip
        for port in stack.ports:
            for _ in range(args.workers * 2):
                for path in warm:
                    stack.request(port, "GET", path)
        print(
            f"prêt en {time.perf_counter() - started:.0f} s : {len(plan['places'])} lieux ouverts, "
            f"{args.servers} processus × {args.workers} workers gunicorn, Redis, worker e-mails",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="maillage-locust-") as directory:
            plan_file = Path(directory) / "plan.json"
            plan_file.write_text(json.dumps(plan), encoding="utf-8")
            prefix = Path(directory) / "stats"
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "--users", str(args.users),
                    "--spawn-rate", str(max(1, args.users // 5)),
                    "--run-time", f"{args.seconds}s", "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
                ],
                env={**os.environ, "MAILLAGE_LOAD_PLAN": str(plan_file)},
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            print(
                f"\nCharge : {args.users} utilisateurs simulés (4 visiteurs pour 1 membre), "
                f"{args.seconds} s, attente 0,5 à 2 s entre deux actions."
            )
            report(Path(f"{prefix}_stats.csv"), args.seconds)
        bookings = stack.manage(
            "shell",
            script="from maillage.booking.models import Booking; "
            "print(Booking.objects.filter(user__email__endswith='@charge.test').count())",
        ).strip()
        print(f"\nréservations créées pendant l'essai : {bookings}")


if __name__ == "__main__":
    main()
