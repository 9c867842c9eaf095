"""Availability of one place with 10 resources over 30 days: latency and SQL queries per call.

Target (booking issue): `selectors.place_availability(place, first_day, 30)` answers in under
50 ms (p95) for a place with 10 resources and a realistic volume of bookings. The data live in a
throwaway database: SQLite in a temporary file, or, when DATABASE_URL points at PostgreSQL, a
database created (and dropped) on that server. Prints, never asserts.

    .venv/bin/python bench/booking_availability.py [--calls N] [--days 30] [--smoke]
    DATABASE_URL=$(scripts/postgres-for-tests) .venv/bin/python bench/booking_availability.py
"""

import argparse
import math
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OPENING_HOURS = "Mo-Fr 08:30-19:00; Sa 09:00-13:00; PH off"
TARGET_MS = 50
DEPARTEMENT = "14"  # Calvados: the reference data the place's commune comes from
BOOKED_SEATS = 0.6  # share of open-space seats taken on an open day
ROOM_HOURS = 0.5  # share of meeting-room hours taken


# --- helpers shared with booking_throughput.py -------------------------------------------------


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "psql"}


def postgres_database(server_url: str, name: str) -> str:
    """Create an empty database `name` on the server of `server_url` (dropping any previous one)."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_environment(database_url: str) -> None:
    """Production-like settings (DEBUG off, no query log) on the bench database; mail in memory."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timings(values: list[float]) -> str:
    return (
        f"min {min(values):6.1f}  médiane {statistics.median(values):6.1f}  "
        f"p95 {percentile(values, 0.95):6.1f}  max {max(values):6.1f} ms"
    )


def start_profiler():
    """A started pyinstrument profiler (`.venv/bin/pip install pyinstrument`)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit(
            "--profile demande pyinstrument : .venv/bin/pip install pyinstrument"
        ) from None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler


def short_sql(sql: str, width: int = 150) -> str:
    return sql if len(sql) <= width else sql[: width - 1] + "…"


class TqdmProgress:
    """`territories_load` progress shown with tqdm."""

    def __init__(self) -> None:
        self.bar = None

    def stage(self, label: str, total: int) -> None:
        from tqdm import tqdm

        self.close()
        self.bar = tqdm(total=total, desc=f"  {label}", leave=False, unit="")

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def migrate_and_load_communes() -> None:
    """Schema, then one département of reference data (a place needs a real commune)."""
    from django.core.management import call_command

    from maillage.territory.services import territories_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrations : {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    progress = TqdmProgress()
    territories_load(departement_codes=[DEPARTEMENT], progress=progress)
    progress.close()
    print(
        f"  communes du département {DEPARTEMENT} : {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def bench_commune():
    from maillage.territory.models import Commune

    return (
        Commune.objects.filter(code="14118").first()  # Caen
        or Commune.objects.filter(centroid_lat__isnull=False).order_by("code").first()
    )


# --- data ---------------------------------------------------------------------------------------


def build_place(rng: random.Random, today: date, days: int):
    """One place, its 10 resources, 40 members and bookings from 60 days ago to `days` ahead."""
    from tqdm import tqdm

    from maillage.accounts.models import User
    from maillage.booking.errors import BookingError
    from maillage.booking.models import (
        Booking,
        Payment,
        PlaceBookingSettings,
        Resource,
    )
    from maillage.booking.services import price_cents
    from maillage.booking.timeslots import SLOT_UNIT, slot_span
    from maillage.places.models import Place
    from maillage.places.opening_hours import open_spans

    commune = bench_commune()
    place = Place.objects.create(
        name="Tiers-lieu du bench",
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        commune=commune,
        opening_hours=OPENING_HOURS,
        open_space_desks=20,
        private_offices=4,
        meeting_rooms=3,
        visio_rooms=1,
    )
    PlaceBookingSettings.objects.create(place=place)
    kind = Resource.Kind
    common = {"place": place, "horizon_days": 90}
    by_half_day = {"by_day": True, "by_half_day": True, "by_hour": False}
    by_hour = {"by_day": True, "by_half_day": True, "by_hour": True}
    specs = [
        Resource(kind=kind.OPEN_SPACE, name="Open space", capacity=20, **by_half_day, **common),
        *(
            Resource(kind=kind.OFFICE, name=f"Bureau {n}", **by_half_day, **common)
            for n in range(1, 5)
        ),
        *(
            Resource(kind=kind.MEETING_ROOM, name=f"Salle {n}", **by_hour, **common)
            for n in range(1, 4)
        ),
        Resource(kind=kind.VISIO_ROOM, name="Salle visio", **by_hour, **common),
        Resource(kind=kind.EQUIPMENT, name="Vidéoprojecteur", **by_half_day, **common),
    ]
    for resource in specs:
        resource.price_hour_cents, resource.price_half_day_cents = 1500, 1200
        resource.price_day_cents = 2000
    Resource.objects.bulk_create(specs)
    resources = list(Resource.objects.filter(place=place).select_related("place"))
    users = User.objects.bulk_create(
        [User(email=f"membre{n}@bench.invalid", password="!") for n in range(40)]
    )

    rows = []

    def add(resource, slot, starts_at, ends_at, *, cancelled=False):
        user = rng.choice(users)
        unit = SLOT_UNIT[slot]
        rows.append(
            Booking(
                resource=resource,
                place=place,
                exclusive=resource.exclusive,
                user=user,
                created_by=user,
                unit=unit,
                starts_at=starts_at,
                ends_at=ends_at,
                status=Booking.Status.CANCELLED if cancelled else Booking.Status.CONFIRMED,
                cancelled_at=starts_at - timedelta(days=2) if cancelled else None,
                cancelled_by=user if cancelled else None,
                payment=Payment.ON_SITE,
                price_cents=price_cents(resource, unit, starts_at, ends_at, 1),
            )
        )

    def span(resource, day, slot):
        try:
            return slot_span(resource, day, slot)
        except BookingError:  # no afternoon on Saturdays: the place closes at 13:00
            return None

    def half_days(resource, day, share):
        """Exclusive resource: free, whole day, or one or both half-days."""
        draw = rng.random()
        if draw >= share:
            return
        slots = ["day"] if draw < share / 2 else rng.sample(["morning", "afternoon"], 1)
        for slot in slots:
            if found := span(resource, day, slot):
                add(resource, slot, *found)

    first = today - timedelta(days=60)
    for offset in tqdm(range(60 + days), desc="  réservations existantes", leave=False):
        day = first + timedelta(days=offset)
        spans = open_spans(OPENING_HOURS, day)
        if not spans:
            continue
        for resource in resources:
            if resource.kind == kind.OPEN_SPACE:
                for _seat in range(round(resource.capacity * BOOKED_SEATS)):
                    slot = rng.choices(["day", "morning", "afternoon"], [6, 2, 2])[0]
                    found = span(resource, day, slot)
                    if found is None:
                        slot, found = "day", span(resource, day, "day")
                    add(resource, slot, *found)
                for _cancelled in range(2):
                    add(resource, "day", *span(resource, day, "day"), cancelled=True)
            elif resource.kind == kind.OFFICE:
                half_days(resource, day, 0.6)
            elif resource.kind == kind.EQUIPMENT:
                half_days(resource, day, 0.3)
            else:
                share = ROOM_HOURS if resource.kind == kind.MEETING_ROOM else 0.4
                for a, b in spans:
                    hour = a
                    while hour + timedelta(hours=1) <= b:
                        length = rng.choice([1, 1, 2, 3])
                        end = min(hour + timedelta(hours=length), b)
                        if rng.random() < share:
                            add(resource, "hours", hour, end)
                        hour = end
    Booking.objects.bulk_create(rows, batch_size=1000)
    return place, resources, len(rows)


# --- measure ------------------------------------------------------------------------------------


def measure(place, first_day: date, days: int, calls: int, profile: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tqdm import tqdm

    from maillage.booking.selectors import place_availability

    started = time.perf_counter()
    slots = place_availability(place, first_day, days)
    cold = (time.perf_counter() - started) * 1000
    for _ in range(3):
        place_availability(place, first_day, days)
    with CaptureQueriesContext(connection) as captured:
        place_availability(place, first_day, days)
    profiler = start_profiler() if profile else None
    times = []
    for _ in tqdm(range(calls), desc="  place_availability", leave=False):
        started = time.perf_counter()
        place_availability(place, first_day, days)
        times.append((time.perf_counter() - started) * 1000)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, short_mode=True))
    return {
        "sql": [q["sql"] for q in captured.captured_queries],
        "cold": cold,
        "times": times,
        "slots": len(slots),
        "bookable": sum(1 for s in slots if s.bookable),
        "queries": len(captured.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls (200; 20 with --smoke)")
    parser.add_argument("--days", type=int, default=30, help="days asked for in one call")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one call")
    parser.add_argument("--profile", action="store_true", help="pyinstrument over the timed calls")
    parser.add_argument("--smoke", action="store_true", help="20 calls: a quick run for the CI")
    args = parser.parse_args()
    calls = 20 if args.smoke and args.calls == 200 else args.calls

    given = os.environ.get("DATABASE_URL", "")
    temporary = None
    if is_postgres(given):
        url = postgres_database(given, "maillage_bench_availability")
        engine = "PostgreSQL"
    else:
        temporary = tempfile.TemporaryDirectory(prefix="maillage-bench-")
        url = f"sqlite:///{temporary.name}/availability.sqlite3"
        engine = "SQLite"
    django_environment(url)
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from maillage.booking.models import Booking
    from maillage.places.opening_hours import PARIS

    print(
        f"maillage — bench des disponibilités d'un lieu ({engine}, {os.cpu_count()} cœurs, "
        f"Django {django.get_version()})",
        flush=True,
    )
    try:
        migrate_and_load_communes()
        today = timezone.localdate()
        started = time.perf_counter()
        place, resources, count = build_place(random.Random(args.seed), today, args.days)
        print(
            f"  lieu : {len(resources)} ressources, {count} réservations "
            f"(60 jours passés + {args.days} à venir) en {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        result = measure(place, today, args.days, calls, profile=args.profile)
        start = datetime.combine(today, datetime.min.time(), tzinfo=PARIS)
        upcoming = (
            Booking.objects.filter(place=place, status=Booking.Status.CONFIRMED)
            .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=args.days))
            .count()
        )
    finally:
        connections.close_all()
        if temporary is not None:
            temporary.cleanup()
        else:
            postgres_drop(url)

    p95 = percentile(result["times"], 0.95)
    verdict = "OK" if p95 < TARGET_MS else "MISSED"
    print(f"== place_availability(lieu, aujourd'hui, {args.days}) sur {engine}")
    print(f"  réservations dans la fenêtre      {upcoming}")
    print(f"  créneaux renvoyés                 {result['slots']} ({result['bookable']} libres)")
    print(f"  requêtes SQL par appel            {result['queries']}")
    if args.sql:
        for sql in result["sql"]:
            print(f"    {short_sql(sql)}")
    print(f"  premier appel (à froid)           {result['cold']:6.1f} ms")
    print(f"  {calls} appels                        {timings(result['times'])}")
    print(f"  cible p95 < {TARGET_MS} ms                 p95 {p95:6.1f} ms  {verdict}")
    if args.profile:
        print("  (mesuré sous pyinstrument : durées gonflées, relancez sans --profile)")


if __name__ == "__main__":
    main()
