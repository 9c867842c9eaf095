"""Community and demand (issue 14): demand aggregation, statements, survey import, events.

Four measures on one throwaway database holding the Calvados (reference data loaded by
`territories_load`): SQLite in a temporary file, or, when DATABASE_URL points at PostgreSQL, a
database created and dropped on that server. Prints, never asserts.

1. `demand.selectors.demand_table` over every Calvados commune, after N confirmed statements
   (bulk-created fixture data, spread over the communes by population): median of 3 calls,
   communes published and hidden (statistical secrecy).
2. `demand.services.statement_submit` by signed-in members, one call each: median and p95.
3. A Google-Forms-shaped survey export (CSV in memory, French headers, names, postcodes and INSEE
   codes, « #N/D », « 3j/sem », lost leading zeros) read by `survey_reading.survey_table`, mapped
   by `survey_mapping.guess_mapping` and imported by `survey_services.survey_import`: rows/s,
   rows imported against rows reported.
4. `events.services.registration_create` on one event of 2,000 seats, one member after the
   other: median and p95; then `events.selectors.agenda(area="14")`, first 50 of 2,000 events.

Peak Python memory (tracemalloc) is measured on a separate traced pass, so that tracing does not
slow down the timed calls.

    .venv/bin/python bench/community_demand.py [--statements 50000] [--submissions 500]
        [--survey-rows 20000] [--registrations 2000] [--events 2000] [--smoke]
    DATABASE_URL=$(scripts/postgres-for-tests) .venv/bin/python bench/community_demand.py
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from booking_availability import (  # noqa: E402  (sibling bench module)
    DEPARTEMENT,
    django_environment,
    is_postgres,
    migrate_and_load_communes,
    percentile,
    postgres_database,
    postgres_drop,
)

SMOKE = {"statements": 5000, "submissions": 100, "survey_rows": 2000, "registrations": 300}
CAPACITY = 2000
TRACED_CALLS = 20  # calls of a per-call service repeated under tracemalloc for the memory peak
AGENDA_RUNS = 5
AGENDA_FIRST = 50


def mb(size: int) -> str:
    return f"{size / 2**20:.1f} Mo"


def ms_figures(values: list[float]) -> str:
    return (
        f"médiane {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
        f"max {max(values):.1f} ms"
    )


def per_call(values: list[float]) -> str:
    """The first call apart (templates, calendars and caches loaded once per process)."""
    if len(values) < 2:
        return ms_figures(values)
    return f"premier appel {values[0]:.1f} ms, puis {ms_figures(values[1:])}"


def traced(function):
    """Run `function` under tracemalloc: (its result, peak bytes)."""
    tracemalloc.start()
    try:
        result = function()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def calvados_communes() -> list[tuple[object, int]]:
    from maillage.territory.models import Commune

    return [
        (commune, commune.population or 1)
        for commune in Commune.objects.filter(departement__code=DEPARTEMENT).order_by("code")
    ]


def members(count: int, prefix: str) -> list:
    from maillage.accounts.models import User

    return User.objects.bulk_create(
        User(email=f"{prefix}{n}@bench.invalid", display_name=f"Membre {prefix} {n}")
        for n in range(count)
    )


def coordinator():
    from django.contrib.auth.models import Group

    from maillage.accounts.models import User
    from maillage.places.permissions import COORDINATORS_GROUP

    user = User.objects.create(email="coordination@bench.invalid", display_name="Coordination")
    user.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    return user


def random_answers(rng: random.Random) -> dict:
    from maillage.demand.models import CommuteMode, Need, Willingness

    return {
        "days_per_week": rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]),
        "needs": rng.sample([n.value for n in Need], rng.choice([1, 1, 2, 3])),
        "commute_mode": rng.choices([m.value for m in CommuteMode], weights=[60, 15, 10, 5, 10])[0],
        "commute_km": rng.choice([None, rng.randint(2, 80)]),
        "willingness": rng.choices(
            [Willingness.YES.value, Willingness.MAYBE.value, Willingness.NO.value],
            weights=[75, 15, 10],
        )[0],
    }


# --- 1. demand aggregation -----------------------------------------------------------------------


def bench_aggregation(count: int, communes, rng: random.Random) -> None:
    from maillage.demand.models import DemandStatement
    from maillage.demand.selectors import demand_table

    started = time.perf_counter()
    now = datetime.now(UTC)
    places = rng.choices([c for c, _ in communes], weights=[w for _, w in communes], k=count)
    DemandStatement.objects.bulk_create(
        (
            DemandStatement(
                source=DemandStatement.Source.FORM,
                status=DemandStatement.Status.CONFIRMED,
                confirmed_at=now,
                commune=commune,
                **random_answers(rng),
            )
            for commune in places
        ),
        batch_size=2000,
    )
    print(
        f"  données : {count} demandes confirmées sur {len({c.pk for c in places})} communes "
        f"en {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    codes = [c.code for c, _ in communes]
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        table = demand_table(commune_codes=codes)
        durations.append(time.perf_counter() - started)
    _, peak = traced(lambda: demand_table(commune_codes=codes))
    hidden = sum(row.secret for row in table.communes)
    epci_hidden = sum(row.secret for row in table.epcis)
    median = statistics.median(durations)
    print(
        f"  1. agrégation de la demande (demand_table, {len(codes)} communes du Calvados) : "
        f"médiane {median * 1000:.0f} ms sur 3 appels ({count / median:.0f} demandes lues/s) ; "
        f"{len(table.communes)} communes avec demande, {len(table.communes) - hidden} publiées, "
        f"{hidden} masquées (secret statistique) ; {len(table.epcis)} EPCI dont {epci_hidden} "
        f"masqués ; pic mémoire Python {mb(peak)}",
        flush=True,
    )


# --- 2. statements through the service ------------------------------------------------------------


def bench_submissions(count: int, communes, rng: random.Random) -> None:
    from maillage.demand.services import StatementInput, statement_submit

    users = members(count + TRACED_CALLS, "demande")
    inputs = [
        StatementInput(
            commune=commune,
            **random_answers(rng),
        )
        for commune in rng.choices(
            [c for c, _ in communes], weights=[w for _, w in communes], k=len(users)
        )
    ]
    durations = []
    started = time.perf_counter()
    for user, data in zip(users[:count], inputs, strict=False):
        call = time.perf_counter()
        statement_submit(data=data, user=user)
        durations.append((time.perf_counter() - call) * 1000)
    total = time.perf_counter() - started
    _, peak = traced(
        lambda: [
            statement_submit(data=data, user=user)
            for user, data in zip(users[count:], inputs[count:], strict=True)
        ]
    )
    print(
        f"  2. « Je veux un lieu » par des membres connectés (statement_submit) : {count} appels "
        f"en {total:.1f} s ({count / total:.0f}/s) ; {per_call(durations)} ; "
        f"pic mémoire Python de {TRACED_CALLS} appels {mb(peak)}",
        flush=True,
    )


# --- 3. survey import ---------------------------------------------------------------------------

HEADERS = [
    "Horodateur",
    "Votre commune de résidence",
    "Combien de jours par semaine ?",
    "Quels besoins ?",
    "Mode de transport actuel",
    "Distance domicile-travail (km)",
    "Seriez-vous prêt(e) à travailler dans un tiers-lieu ?",
]
DAYS = ["1", "2", "2", "3", "3j/sem", "2 jours", "1 à 2 jours", "tous les jours", "#N/D", ""]
NEEDS = [
    "Un poste de travail en espace partagé",
    "Un poste de travail en espace partagé, Une salle de réunion",
    "Un bureau fermé",
    "Une salle de réunion",
    "Atelier / fablab",
    "Un bureau fermé, Atelier / fablab",
    "",
]
MODES = ["Voiture", "Voiture", "Voiture (conducteur)", "Train", "Bus", "Vélo", "À pied", "#N/D"]
KMS = ["5", "12", "12,5", "25 km", "40", "3", "#N/D", ""]
WILLING = ["Oui", "Oui, certainement", "Peut-être", "Non", "Plutôt pas", "Oui"]


def survey_csv(rows: int, communes, rng: random.Random) -> tuple[bytes, int]:
    """A Google Forms export (UTF-8, comma, quoted cells) and how many rows name no usable
    commune (empty, « #N/D », or a lost-zero postcode of a département not loaded)."""
    from maillage.territory.models import PostalCode

    postcodes = dict(
        PostalCode.objects.filter(commune__departement__code=DEPARTEMENT).values_list(
            "commune_id", "code"
        )
    )
    pool = [c for c, _ in communes]
    weights = [w for _, w in communes]
    unusable = 0
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    picked = rng.choices(pool, weights=weights, k=rows)
    for n, commune in enumerate(picked):
        kind = rng.random()
        if kind < 0.45:
            place = commune.name
        elif kind < 0.55:
            place = f"{commune.name.upper()} (14)"
        elif kind < 0.80:
            place = postcodes.get(commune.pk, commune.code)
        elif kind < 0.95:
            place = commune.code
        elif kind < 0.97:
            place = rng.choice(["1000", "6000", "8000"])  # lost zero: Ain, Alpes-Maritimes…
            unusable += 1
        else:
            place = rng.choice(["#N/D", ""])
            unusable += 1
        stamp = start + timedelta(seconds=n * 97)
        writer.writerow(
            [
                f"{stamp:%Y/%m/%d %I:%M:%S %p} UTC+1",
                place,
                rng.choice(DAYS),
                rng.choice(NEEDS),
                rng.choice(MODES),
                rng.choice(KMS),
                rng.choice(WILLING),
            ]
        )
    return out.getvalue().encode("utf-8"), unusable


def bench_survey(rows: int, communes, user, rng: random.Random) -> None:
    from maillage.demand.survey_mapping import guess_mapping
    from maillage.demand.survey_reading import survey_table
    from maillage.demand.survey_services import survey_import

    content, unusable = survey_csv(rows, communes, rng)

    def run(name: str):
        started = time.perf_counter()
        table = survey_table(content, filename="enquete.csv")
        read = time.perf_counter()
        mapping = guess_mapping(table.columns)
        mapped = time.perf_counter()
        survey = survey_import(
            user=user, name=name, file_name="enquete.csv", table=table, mapping=mapping
        )
        done = time.perf_counter()
        return table, mapping, survey, (read - started, mapped - read, done - mapped)

    table, mapping, survey, (read_s, map_s, import_s) = run("Enquête du bench")
    _, peak = traced(lambda: run("Enquête du bench (passe tracée)"))
    total = read_s + map_s + import_s
    named = {key: table.columns[index] for key, index in mapping.items() if index is not None}
    skipped = sum(1 for entry in survey.report if entry.get("ecartee"))
    print(
        f"  3. import d'enquête ({len(content) / 1_000_000:.1f} Mo, {table.detected}) :\n"
        f"     colonnes reconnues : {', '.join(f'{k} ← « {v} »' for k, v in named.items())}\n"
        f"     lecture {read_s:.2f} s, correspondance {map_s * 1000:.1f} ms, import "
        f"{import_s:.1f} s ; {rows / total:.0f} lignes/s ; pic mémoire Python {mb(peak)}\n"
        f"     {survey.rows_imported} réponses importées sur {survey.rows_read} lues, "
        f"{survey.rows_read - survey.rows_imported} écartées (attendu : {unusable} sans commune "
        f"utilisable) ; compte rendu : {len(survey.report)} entrées conservées, dont {skipped} "
        f"lignes écartées (le reste : réparations)",
        flush=True,
    )


# --- 4. events ----------------------------------------------------------------------------------


def bench_events(registrations: int, events: int, communes, user, rng: random.Random) -> None:
    from maillage.events.models import Event, Theme
    from maillage.events.selectors import AgendaFilters, agenda
    from maillage.events.services import EventInput, event_create, registration_create
    from maillage.places.models import Place

    towns = [c for c, w in communes if w >= 2000 and c.centroid_lat is not None][:60]
    places = [
        Place.objects.create(
            name=f"Tiers-lieu de {town.name}",
            latitude=town.centroid_lat,
            longitude=town.centroid_lon,
            commune=town,
            opening_hours="Mo-Fr 08:30-19:00",
            open_space_desks=20,
        )
        for town in towns
    ]
    day = (datetime.now(UTC) + timedelta(days=30)).date()

    def big_event(title: str):
        return event_create(
            user=user,
            place=places[0],
            data=EventInput(
                title=title,
                description="Une journée de rencontres du réseau.",
                day=day,
                start=clock(9),
                end=clock(17),
                capacity=CAPACITY,
                theme=Theme.COMMUNITY,
            ),
        )

    event = big_event("Rencontres régionales des tiers-lieux")
    people = members(registrations + TRACED_CALLS, "inscrit")
    durations = []
    started = time.perf_counter()
    for person in people[:registrations]:
        call = time.perf_counter()
        registration_create(event=event, user=person)
        durations.append((time.perf_counter() - call) * 1000)
    total = time.perf_counter() - started
    other = big_event("Rencontres régionales (passe tracée)")
    _, peak = traced(
        lambda: [registration_create(event=other, user=p) for p in people[registrations:]]
    )
    event.refresh_from_db()
    print(
        f"  4. inscriptions à un événement de {CAPACITY} places (registration_create, e-mail et "
        f".ics mis en file) : {registrations} en {total:.1f} s ({registrations / total:.0f}/s), "
        f"{event.confirmed_count} confirmées ; {per_call(durations)} ; "
        f"pic mémoire Python de {TRACED_CALLS} inscriptions {mb(peak)}",
        flush=True,
    )

    started = time.perf_counter()
    now = datetime.now(UTC)
    themes = list(Theme.values)
    rows = []
    for n in range(events):
        starts = datetime.combine(
            now.date() + timedelta(days=rng.randint(-10, 180)), clock(rng.randint(8, 18))
        ).replace(tzinfo=UTC)
        online = n % 10 == 0
        rows.append(
            Event(
                place=None if online else rng.choice(places),
                online_url="https://visio.bench.invalid/salle" if online else "",
                title=f"Atelier {n}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=rng.choice([10, 20, 30, 50]),
                theme=rng.choice(themes),
                created_by=user,
            )
        )
    Event.objects.bulk_create(rows, batch_size=1000)
    print(
        f"     données : {events} événements ({len(places)} lieux, un sur dix en ligne) en "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    filters = AgendaFilters(area=DEPARTEMENT)
    durations = []
    for _ in range(AGENDA_RUNS):
        call = time.perf_counter()
        first = list(agenda(filters=filters)[:AGENDA_FIRST])
        durations.append((time.perf_counter() - call) * 1000)
    _, peak = traced(lambda: list(agenda(filters=filters)[:AGENDA_FIRST]))
    matching = agenda(filters=filters).count()
    print(
        f"     agenda du Calvados (agenda(area=« 14 »), {AGENDA_FIRST} premiers sur {matching} "
        f"à venir) : {ms_figures(durations)} sur {AGENDA_RUNS} appels ({len(first)} lus) ; "
        f"pic mémoire Python {mb(peak)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=50_000)
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--survey-rows", type=int, default=20_000)
    parser.add_argument("--registrations", type=int, default=2000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="5,000 statements, 100 submissions, 2,000 survey rows, 300 registrations (CI)",
    )
    args = parser.parse_args()
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    if not 1 <= args.registrations <= CAPACITY:
        parser.error(f"--registrations : de 1 à {CAPACITY} (les places de l'événement)")

    given = os.environ.get("DATABASE_URL", "")
    temporary = None
    if is_postgres(given):
        url = postgres_database(given, "maillage_bench_community_demand")
        engine = "PostgreSQL"
    else:
        temporary = tempfile.TemporaryDirectory(prefix="maillage-bench-")
        url = f"sqlite:///{temporary.name}/community_demand.sqlite3"
        engine = "SQLite"
    django_environment(url)
    import django

    django.setup()
    from django.db import connections

    print(
        f"maillage — bench de la communauté et de la demande ({engine}, {os.cpu_count()} cœurs)",
        flush=True,
    )
    rng = random.Random(args.seed)
    try:
        migrate_and_load_communes()
        # The first reverse() of a process imports the whole URLconf (every app's views, PDF
        # and scipy included: ~5 s here). A web worker pays it once; the bench pays it before
        # timing anything, or the first e-mailing call would carry it.
        from django.urls import get_resolver

        started = time.perf_counter()
        get_resolver().url_patterns  # noqa: B018  (loads the URLconf)
        print(f"  URLconf chargée : {time.perf_counter() - started:.1f} s", flush=True)
        communes = calvados_communes()
        bench_aggregation(args.statements, communes, rng)
        bench_submissions(args.submissions, communes, rng)
        user = coordinator()
        bench_survey(args.survey_rows, communes, user, rng)
        bench_events(args.registrations, args.events, communes, user, rng)
    finally:
        connections.close_all()
        if temporary is not None:
            temporary.cleanup()
        else:
            postgres_drop(url)


if __name__ == "__main__":
    main()
