"""Sustained booking creation on PostgreSQL with 2 worker processes, beside raw SQL inserts.

Target (booking issue): 200 bookings/s through `services.booking_create` with 2 workers. The limit
printed beside it is the same number of rows written by 2 processes with one raw
`INSERT INTO booking_booking` per transaction: the same shape of work without the rules. With
`--http`, the same load goes through gunicorn (2 workers) and `POST /api/reservations`.

The bench database (`maillage_bench_booking`) is created, migrated and dropped on the server of
DATABASE_URL, which must be PostgreSQL; without DATABASE_URL, `scripts/postgres-for-tests` gives
the local server. Prints, never asserts.

    .venv/bin/python bench/booking_throughput.py [--seconds 20] [--workers 2] [--http] [--smoke]
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from booking_availability import (  # noqa: E402  (sibling bench module)
    django_environment,
    is_postgres,
    migrate_and_load_communes,
    percentile,
    postgres_database,
    postgres_drop,
    short_sql,
    start_profiler,
)

TARGET_PER_SECOND = 200
DATABASE_NAME = "maillage_bench_booking"
EMAIL_DOMAIN = "bench.invalid"
WARMUP = 20  # bookings per worker before the clock starts (connections, caches, imports)


# --- set-up (parent process) --------------------------------------------------------------------


def server_url() -> str:
    given = os.environ.get("DATABASE_URL", "")
    if given and not is_postgres(given):
        raise SystemExit(
            "booking_throughput.py mesure PostgreSQL : DATABASE_URL désigne une autre base "
            f"({given.split(':', 1)[0]}). Lancez par exemple :\n"
            "  DATABASE_URL=$(scripts/postgres-for-tests) .venv/bin/python "
            "bench/booking_throughput.py"
        )
    if given:
        return given
    return subprocess.run(
        [str(ROOT / "scripts" / "postgres-for-tests")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def build(resources: int, users: int) -> dict:
    """A place open around the clock, `resources` open spaces that never fill up, some members."""
    from maillage.accounts.models import User
    from maillage.booking.models import PlaceBookingSettings, Resource
    from maillage.places.models import Place
    from maillage.territory.models import Commune

    commune = Commune.objects.filter(centroid_lat__isnull=False).order_by("code").first()
    place = Place.objects.create(
        name="Tiers-lieu 24/7 du bench",
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        commune=commune,
        opening_hours="24/7",
        open_space_desks=resources * 1000,
    )
    PlaceBookingSettings.objects.create(place=place)
    Resource.objects.bulk_create(
        [
            Resource(
                place=place,
                kind=Resource.Kind.OPEN_SPACE,
                name=f"Open space {n}",
                capacity=1000,
                by_day=True,
                by_half_day=True,
                horizon_days=365,
                price_day_cents=2000,
            )
            for n in range(resources)
        ]
    )
    User.objects.bulk_create(
        [User(email=f"membre{n}@{EMAIL_DOMAIN}", password="!") for n in range(users)]
    )
    return {
        "resources": list(
            Resource.objects.filter(place=place).order_by("pk").values_list("pk", flat=True)
        ),
        "users": list(
            User.objects.filter(email__endswith=EMAIL_DOMAIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    }


def server_settings() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('synchronous_commit'), "
            "current_setting('fsync'), current_setting('shared_buffers')"
        )
        version, sync, fsync, buffers = cursor.fetchone()
    return (
        f"PostgreSQL {version} (synchronous_commit={sync}, fsync={fsync}, shared_buffers={buffers})"
    )


# --- workers (child processes: each sets Django up with its own connection) ---------------------


def _setup_child() -> None:
    import django

    django.setup()


def _booking_request(rng: random.Random, resources: dict, today, days: int):
    from maillage.booking.services import BookingRequest

    resource = resources[rng.choice(list(resources))]
    day = today + timedelta(days=rng.randint(1, days))
    return BookingRequest(resource=resource, day=day, slot="day")


def service_worker(index, plan, barrier, counter, results) -> None:
    """Book through `booking_create` until the deadline; report counts and latencies."""
    try:
        _setup_child()
        from django.core import mail
        from django.utils import timezone

        from maillage.accounts.models import User
        from maillage.booking.errors import BookingError
        from maillage.booking.models import Resource
        from maillage.booking.services import booking_create

        if plan.get("without_mail"):
            from maillage.booking import notifications

            notifications.booking_confirmed = lambda booking: None  # what-if, this process only
        rng = random.Random(1000 + index)
        # As the API loads it: the place and its booking settings come with the resource.
        resources = {
            r.pk: r
            for r in Resource.objects.filter(pk__in=plan["resources"]).select_related(
                "place__booking_settings"
            )
        }
        users = list(User.objects.filter(pk__in=plan["users"]))
        today = timezone.localdate()

        def book(n: int) -> None:
            booking_create(
                user=rng.choice(users),
                request=_booking_request(rng, resources, today, plan["days"]),
                idempotency_key=f"bench-{plan['run']}-{index}-{n}",
            )

        for n in range(WARMUP):
            book(-1 - n)
        latencies, errors, first_error = [], Counter(), ""
        barrier.wait()
        started = time.perf_counter()
        deadline = started + plan["seconds"]
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            before = time.perf_counter()
            try:
                book(n)
            except BookingError as error:
                errors[f"{error.status} {error.code}"] += 1
                first_error = first_error or error.message
            except Exception as error:  # reported, never hidden: the figure is then wrong
                errors[type(error).__name__] += 1
                first_error = first_error or traceback.format_exc()
            else:
                latencies.append((time.perf_counter() - before) * 1000)
                counter.value += 1
            if n % 200 == 0:
                getattr(mail, "outbox", []).clear()  # locmem backend: rendered, then dropped
        elapsed = time.perf_counter() - started
        results.put(
            {
                "index": index,
                "done": len(latencies),
                "elapsed": elapsed,
                "latencies": latencies,
                "errors": dict(errors),
                "first_error": first_error,
            }
        )
    except Exception:
        results.put({"index": index, "crash": traceback.format_exc()})
        barrier.abort()


def raw_worker(index, plan, barrier, counter, results) -> None:
    """Copy this worker's share of the service's bookings with one raw INSERT per transaction."""
    try:
        _setup_child()
        import uuid

        from django.db import connection
        from django.utils import timezone

        from maillage.booking.models import Booking

        fields = [f for f in Booking._meta.concrete_fields if not f.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            connection.ops.quote_name(Booking._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        source = Booking.objects.filter(pk__in=plan["shares"][index]).order_by("pk")
        now = timezone.now()
        rows = []
        for booking in source:
            booking.public_id, booking.created_at = uuid.uuid4(), now
            rows.append(
                [f.get_db_prep_save(getattr(booking, f.attname), connection) for f in fields]
            )
        connection.ensure_connection()
        raw = connection.connection  # the psycopg connection itself, not Django's wrapper
        raw.autocommit = True  # each INSERT is its own transaction, committed on its own
        cursor = raw.cursor()
        latencies = []
        barrier.wait()
        started = time.perf_counter()
        for row in rows:
            before = time.perf_counter()
            cursor.execute(sql, row)
            latencies.append((time.perf_counter() - before) * 1000)
            counter.value += 1
        results.put(
            {
                "index": index,
                "done": len(rows),
                "elapsed": time.perf_counter() - started,
                "latencies": latencies,
                "errors": {},
                "first_error": "",
                "sql": sql,
            }
        )
    except Exception:
        results.put({"index": index, "crash": traceback.format_exc()})
        barrier.abort()


def http_worker(index, plan, barrier, counter, results) -> None:
    """POST /api/reservations with a session cookie until the deadline (no Django needed here)."""
    import http.client
    from datetime import date

    try:
        rng = random.Random(3000 + index)
        today = date.fromisoformat(plan["today"])
        token = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked CSRF secret
        latencies, errors, first_error = [], Counter(), ""

        def post(n: int) -> None:
            nonlocal first_error
            body = json.dumps(
                {
                    "ressource": rng.choice(plan["resources"]),
                    "date": (today + timedelta(days=rng.randint(1, plan["days"]))).isoformat(),
                    "creneau": "journee",
                }
            )
            headers = {
                "Content-Type": "application/json",
                "Cookie": f"sessionid={rng.choice(plan['sessions'])}; csrftoken={token}",
                "X-CSRFToken": token,
                "Idempotency-Key": f"bench-http-{plan['run']}-{index}-{n}",
            }
            before = time.perf_counter()
            client = http.client.HTTPConnection("127.0.0.1", plan["port"], timeout=30)
            try:
                client.request("POST", plan["path"], body=body, headers=headers)
                response = client.getresponse()
                content = response.read()
            finally:
                client.close()
            if response.status == 201:
                latencies.append((time.perf_counter() - before) * 1000)
                counter.value += 1
                return
            errors[str(response.status)] += 1
            first_error = first_error or f"{response.status} {content[:300]!r}"

        for n in range(WARMUP):
            post(-1 - n)
        latencies.clear()
        errors.clear()
        barrier.wait()
        started = time.perf_counter()
        deadline = started + plan["seconds"]
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            try:
                post(n)
            except OSError as error:
                errors[type(error).__name__] += 1
                first_error = first_error or repr(error)
        results.put(
            {
                "index": index,
                "done": len(latencies),
                "elapsed": time.perf_counter() - started,
                "latencies": latencies,
                "errors": dict(errors),
                "first_error": first_error,
            }
        )
    except Exception:
        results.put({"index": index, "crash": traceback.format_exc()})
        barrier.abort()


def run_phase(label: str, target, plan: dict, workers: int, expected: int | None = None) -> dict:
    """Start the workers together, show progress, gather and merge their results."""
    from django.db import connections
    from tqdm import tqdm

    connections.close_all()  # children open their own; nothing shared across fork/spawn
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    results = context.Queue()
    counters = [context.Value("q", 0, lock=False) for _ in range(workers)]
    processes = [
        context.Process(target=target, args=(i, plan, barrier, counters[i], results), daemon=True)
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    # A worker that crashes before the start breaks the barrier; its traceback is in the results.
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=300)
    total = expected if expected is not None else plan["seconds"]
    unit = " lignes" if expected is not None else " s"
    with tqdm(total=total, desc=f"  {label}", leave=False, unit=unit) as bar:
        started = time.perf_counter()
        while any(p.is_alive() for p in processes) and results.qsize() < workers:
            time.sleep(0.25)
            done = sum(c.value for c in counters)
            bar.n = done if expected is not None else min(total, time.perf_counter() - started)
            bar.set_postfix_str(f"{done} faites")
            bar.refresh()
    gathered = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    crashes = [r["crash"] for r in gathered if "crash" in r]
    if crashes:
        raise SystemExit(f"un processus de « {label} » a échoué :\n" + "\n".join(crashes))
    errors = Counter()
    for r in gathered:
        errors.update(r["errors"])
    done = sum(r["done"] for r in gathered)
    elapsed = max(r["elapsed"] for r in gathered)
    latencies = [x for r in gathered for x in r["latencies"]]
    return {
        "done": done,
        "elapsed": elapsed,
        "rate": done / elapsed if elapsed else 0.0,
        "latencies": latencies,
        "errors": errors,
        "first_error": next((r["first_error"] for r in gathered if r["first_error"]), ""),
        "sql": next((r.get("sql", "") for r in gathered if r.get("sql")), ""),
    }


# --- single-process diagnosis -------------------------------------------------------------------


def diagnose(plan: dict, profile_count: int) -> dict:
    """One process, one booking after another: SQL of one call, where the time goes.

    Measures booking_create as is, then the confirmation e-mail alone (queued in the outbox,
    in the transaction), then booking_create with that e-mail replaced by nothing (a what-if,
    in this process only); with --profile, pyinstrument over `profile_count` more calls.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from maillage.accounts.models import User
    from maillage.booking import notifications
    from maillage.booking.models import Booking, Resource
    from maillage.booking.services import booking_create

    rng = random.Random(7)
    resources = {
        r.pk: r
        for r in Resource.objects.filter(pk__in=plan["resources"]).select_related(
            "place__booking_settings"
        )
    }
    users = list(User.objects.filter(pk__in=plan["users"]))
    today = timezone.localdate()

    def book(tag: str):
        return booking_create(
            user=rng.choice(users),
            request=_booking_request(rng, resources, today, plan["days"]),
            idempotency_key=f"bench-diag-{plan['run']}-{tag}",
        )[0]

    def rate(count: int, tag: str) -> float:
        started = time.perf_counter()
        for n in range(count):
            book(f"{tag}{n}")
        return (time.perf_counter() - started) * 1000 / count

    for n in range(5):
        book(f"w{n}")
    with CaptureQueriesContext(connection) as captured:
        booking = book("sql")
    count = 100
    with_mail = rate(count, "m")
    # As the service hands it over: resource, place and user already attached, commune not.
    fresh = Booking.objects.select_related("resource", "place", "user")
    mail_ms = 0.0
    for _ in range(count):
        confirmed = fresh.get(pk=booking.pk)
        started = time.perf_counter()
        notifications.booking_confirmed(confirmed)
        mail_ms += (time.perf_counter() - started) * 1000 / count
    original = notifications.booking_confirmed
    notifications.booking_confirmed = lambda booking: None
    try:
        without_mail = rate(count, "n")
    finally:
        notifications.booking_confirmed = original
    report = ""
    if profile_count:
        profiler = start_profiler()
        rate(profile_count, "p")
        profiler.stop()
        report = profiler.output_text(unicode=True, color=False, short_mode=True)
    return {
        "queries": [q["sql"] for q in captured.captured_queries],
        "with_mail_ms": with_mail,
        "mail_ms": mail_ms,
        "without_mail_ms": without_mail,
        "profile": report,
    }


# --- HTTP ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_setup(plan: dict, sessions: int) -> dict | None:
    """Sessions for some members and the path of the booking endpoint; None without the API."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from maillage.accounts.models import User

    path = next((p for p in ("/api/reservations", "/api/reservations/") if _resolves(p)), None)
    if path is None:
        return None
    keys = []
    for user in User.objects.filter(pk__in=plan["users"][:sessions]):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return {"path": path, "sessions": keys}


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    # Plain HTTP on localhost; no collected static files needed (WhiteNoise would warn).
    env = {**os.environ, "SECURE_SSL_REDIRECT": "0", "PYTHONWARNINGS": "ignore::UserWarning"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    import http.client

    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté au démarrage")
        try:
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            client.request("GET", "/api/openapi.json")
            client.getresponse().read()
            client.close()
            return process
        except OSError:
            time.sleep(0.25)
    process.terminate()
    raise SystemExit("gunicorn ne répond pas")


# --- report -------------------------------------------------------------------------------------


def latency_line(latencies: list[float]) -> str:
    if not latencies:
        return "aucune"
    return (
        f"p50 {percentile(latencies, 0.5):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms  "
        f"max {max(latencies):7.1f} ms"
    )


def errors_line(phase: dict) -> str:
    if not phase["errors"]:
        return "0"
    detail = ", ".join(f"{k} × {v}" for k, v in phase["errors"].most_common())
    return f"{sum(phase['errors'].values())} ({detail})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None, help="sustained phase (20; 3 smoke)")
    parser.add_argument("--workers", type=int, default=2, help="processes (and gunicorn workers)")
    parser.add_argument("--resources", type=int, default=50, help="open spaces of 1,000 seats")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=90, help="bookings spread over these days")
    parser.add_argument("--http", action="store_true", help="also through gunicorn and the API")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one booking_create")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="pyinstrument over N sequential calls"
    )
    parser.add_argument(
        "--without-mail",
        action="store_true",
        help="one more phase with the confirmation e-mail replaced by nothing (what-if)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--smoke", action="store_true", help="3 s per phase: a quick run")
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.smoke else 20.0)

    url = postgres_database(server_url(), DATABASE_NAME)
    django_environment(url)
    import django

    django.setup()
    print(
        f"maillage — bench de création de réservations ({os.cpu_count()} cœurs, "
        f"Django {django.get_version()}, {args.workers} processus, {seconds:g} s)",
        flush=True,
    )
    gunicorn = None
    try:
        print(f"  {server_settings()}", flush=True)
        migrate_and_load_communes()
        from django.utils import timezone

        from maillage.booking.models import Booking

        plan = {
            **build(args.resources, args.users),
            "days": args.days,
            "seconds": seconds,
            "run": secrets.token_hex(4),
        }
        print(
            f"  lieu ouvert 24/7 : {len(plan['resources'])} espaces de 1 000 places, "
            f"{len(plan['users'])} membres, réservations « journée » réparties sur {args.days} "
            "jours",
            flush=True,
        )
        diagnosis = diagnose(plan, args.profile)
        service = run_phase("booking_create", service_worker, plan, args.workers)
        what_if = None
        if args.without_mail:
            what_if = run_phase(
                "booking_create sans e-mail",
                service_worker,
                {**plan, "without_mail": True, "run": plan["run"] + "x"},
                args.workers,
            )
        before = Booking.objects.count()
        created = list(
            Booking.objects.filter(idempotency__key__startswith=f"bench-{plan['run']}-")
            .order_by("-pk")
            .values_list("pk", flat=True)[: service["done"]]
        )
        shares = [created[i :: args.workers] for i in range(args.workers)]
        raw = run_phase(
            "INSERT brut", raw_worker, {**plan, "shares": shares}, args.workers, len(created)
        )
        copied = Booking.objects.count() - before
        http = None
        http_note = ""
        if args.http:
            extra = http_setup(plan, min(50, len(plan["users"])))
            if extra is None:
                http_note = "pas d'API POST /api/reservations : mode HTTP sauté"
            else:
                port = free_port()
                from django.db import connections

                connections.close_all()
                gunicorn = start_gunicorn(port, args.workers)
                http = run_phase(
                    f"HTTP (gunicorn -w {args.workers})",
                    http_worker,
                    {
                        **plan,
                        **extra,
                        "port": port,
                        "today": timezone.localdate().isoformat(),
                    },
                    args.workers,
                )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            postgres_drop(url)

    verdict = "OK" if service["rate"] >= TARGET_PER_SECOND else "MISSED"
    print(f"== Création de réservations sur PostgreSQL ({args.workers} processus, {seconds:g} s)")
    print(f"  requêtes SQL par réservation      {len(diagnosis['queries'])}")
    if args.sql:
        for sql in diagnosis["queries"]:
            print(f"    {short_sql(sql)}")
    print(
        f"  booking_create                    {service['done']} en {service['elapsed']:.1f} s : "
        f"{service['rate']:7.1f} réservations/s"
    )
    print(f"    latence par réservation         {latency_line(service['latencies'])}")
    print(f"    erreurs                         {errors_line(service)}")
    if service["first_error"]:
        print(f"    première erreur : {service['first_error'].strip()}")
    print(f"  cible ≥ {TARGET_PER_SECOND}/s                       {verdict}")
    if what_if is not None:
        print(
            f"  hypothèse sans e-mail             {what_if['done']} en "
            f"{what_if['elapsed']:.1f} s : {what_if['rate']:7.1f} réservations/s "
            f"(latence {latency_line(what_if['latencies'])})"
        )
    print(
        f"  limite : INSERT brut, 1 par transaction   {raw['done']} lignes ({copied} en base) "
        f"en {raw['elapsed']:.1f} s : {raw['rate']:7.1f} lignes/s"
    )
    print(f"    latence par ligne               {latency_line(raw['latencies'])}")
    if raw["rate"]:
        print(
            f"  service / limite                  {service['rate'] / raw['rate']:.1%} "
            f"(la limite va {raw['rate'] / max(service['rate'], 0.001):.1f} fois plus vite)"
        )
    if http is not None:
        print(
            f"  HTTP POST /api/reservations       {http['done']} en {http['elapsed']:.1f} s : "
            f"{http['rate']:7.1f} réservations/s (gunicorn -w {args.workers}, "
            f"{args.workers} clients sur la même machine)"
        )
        print(f"    latence par requête             {latency_line(http['latencies'])}")
        print(f"    erreurs                         {errors_line(http)}")
        if http["first_error"]:
            print(f"    première erreur : {http['first_error'].strip()}")
    elif http_note:
        print(f"  {http_note}")
    print("== Où va le temps (1 processus, réservations l'une après l'autre)")
    print(
        f"  booking_create                    {diagnosis['with_mail_ms']:6.1f} ms "
        f"({1000 / diagnosis['with_mail_ms']:.0f}/s)"
    )
    print(
        f"    dont e-mail de confirmation     {diagnosis['mail_ms']:6.1f} ms "
        "(iCalendar compris, mis en file dans la transaction ; le worker l'envoie)"
    )
    print(
        f"  booking_create sans l'e-mail      {diagnosis['without_mail_ms']:6.1f} ms "
        f"({1000 / diagnosis['without_mail_ms']:.0f}/s, hypothèse)"
    )
    if diagnosis["profile"]:
        print(diagnosis["profile"])


if __name__ == "__main__":
    main()
