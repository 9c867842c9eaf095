"""Invoicing a month: 10,000 bookings of 50 sellers, then closing the month and checking the chain.

Issue 13 asks for the time it takes to invoice a month of 10,000 bookings for 50 sellers. Each of
the 50 places (one seller each) has 40 regular members; the month's bookings (November 2026) are
invoiced one invoice per member and seller with one line per booking, through the real service
(`billing.services.invoice_create`: locked counter, totals, hash chain, audit event). Then every
seller closes the month (archive ZIP, totals, chained hash) and the whole chain is verified. The
data live in a throwaway database: SQLite in a temporary file, or, when DATABASE_URL points at
PostgreSQL, a database created and dropped on that server. Prints, never asserts.

    .venv/bin/python bench/invoicing.py [--bookings 10000] [--sellers 50] [--smoke]
    DATABASE_URL=$(scripts/postgres-for-tests) .venv/bin/python bench/invoicing.py
"""

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from booking_availability import (  # noqa: E402  (sibling bench module)
    bench_commune,
    django_environment,
    is_postgres,
    migrate_and_load_communes,
    postgres_database,
    postgres_drop,
)

MONTH = date(2026, 11, 1)
MEMBERS_PER_SELLER = 40


def build(sellers: int, bookings: int, rng: random.Random) -> dict:
    """Sellers with a place and a desk resource, their members, and the month's bookings."""
    from maillage.accounts.models import User
    from maillage.billing.identifiers import luhn_ok, vat_number_for
    from maillage.billing.models import LegalEntity
    from maillage.booking.models import Booking, Payment, Resource
    from maillage.places.models import Organisation, Place
    from maillage.places.opening_hours import PARIS

    def siren(n: int) -> str:
        prefix = f"{52000000 + n:08d}"
        return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))

    commune = bench_commune()
    plan: dict = {"sellers": [], "bookings": defaultdict(lambda: defaultdict(list))}
    users = User.objects.bulk_create(
        User(email=f"membre{n}@bench.invalid", display_name=f"Membre {n}")
        for n in range(sellers * MEMBERS_PER_SELLER)
    )
    days = [
        MONTH + timedelta(days=n) for n in range(30) if (MONTH + timedelta(days=n)).weekday() < 5
    ]
    rows = []
    for index in range(sellers):
        organisation = Organisation.objects.create(name=f"Tiers-lieu {index}")
        number = siren(index)
        entity = LegalEntity.objects.create(
            name=f"SCIC Tiers-lieu {index}",
            legal_form="SCIC SAS",
            siren=number,
            siret=next(number + f"0001{d}" for d in range(10) if luhn_ok(number + f"0001{d}")),
            address="1 place de la Mairie",
            postcode="14000",
            city="Caen",
            vat_number=vat_number_for(number),
            organisation=organisation,
            iban="FR7630006000011234567890189",
        )
        place = Place.objects.create(
            name=f"Tiers-lieu {index}",
            latitude=commune.centroid_lat,
            longitude=commune.centroid_lon,
            commune=commune,
            operator=organisation,
            opening_hours="Mo-Fr 08:30-19:00",
            open_space_desks=30,
        )
        desk = Resource.objects.create(
            place=place,
            kind=Resource.Kind.OPEN_SPACE,
            name="Open space",
            capacity=30,
            price_day_cents=1500,
        )
        members = users[index * MEMBERS_PER_SELLER : (index + 1) * MEMBERS_PER_SELLER]
        plan["sellers"].append(entity)
        for _ in range(bookings // sellers):
            day = rng.choice(days)
            start = datetime.combine(day, clock(9), tzinfo=PARIS).astimezone(UTC)
            rows.append(
                Booking(
                    resource=desk,
                    place=place,
                    exclusive=False,
                    user=rng.choice(members),
                    unit="day",
                    starts_at=start,
                    ends_at=start + timedelta(hours=9),
                    payment=Payment.ON_SITE,
                    price_cents=1500,
                )
            )
    for booking in Booking.objects.bulk_create(rows, batch_size=2000):
        plan["bookings"][booking.place.operator_id][booking.user_id].append(booking)
    plan["users"] = {user.pk: user for user in users}
    return plan


def invoice_month(plan: dict, now: datetime) -> tuple[int, int, list[float]]:
    from tqdm import tqdm

    from maillage.billing.services import Buyer, LineInput, invoice_create

    invoices = lines = 0
    per_invoice = []
    work = [
        (entity, user_id, bookings)
        for entity in plan["sellers"]
        for user_id, bookings in plan["bookings"][entity.organisation_id].items()
    ]
    for entity, user_id, bookings in tqdm(work, desc="  factures", unit="", leave=False):
        started = time.perf_counter()
        invoice_create(
            seller=entity,
            buyer=Buyer(user=plan["users"][user_id]),
            lines=[
                LineInput.from_ttc(
                    label=f"Poste en espace partagé, journée du {b.starts_at:%d/%m/%Y}",
                    unit_price_ttc_cents=b.price_cents,
                    vat_rate_bp=2000,
                    unit="DAY",
                    booking_id=b.pk,
                )
                for b in sorted(bookings, key=lambda b: b.starts_at)
            ],
            service_start=MONTH,
            service_end=date(2026, 11, 30),
            now=now,
        )
        per_invoice.append((time.perf_counter() - started) * 1000)
        invoices += 1
        lines += len(bookings)
    return invoices, lines, per_invoice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--sellers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--smoke", action="store_true", help="1,000 bookings, 5 sellers (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.bookings, args.sellers = 1000, 5

    given = os.environ.get("DATABASE_URL", "")
    temporary = None
    if is_postgres(given):
        url = postgres_database(given, "maillage_bench_invoicing")
        engine = "PostgreSQL"
    else:
        temporary = tempfile.TemporaryDirectory(prefix="maillage-bench-")
        url = f"sqlite:///{temporary.name}/invoicing.sqlite3"
        engine = "SQLite"
        os.environ["MAILLAGE_ARCHIVES_DIR"] = f"{temporary.name}/archives"
    django_environment(url)
    import django

    django.setup()
    from django.db import connections

    from maillage.billing import chain
    from maillage.billing.services import period_close

    print(
        f"maillage — bench de la facturation d'un mois ({engine}, {os.cpu_count()} cœurs)",
        flush=True,
    )
    try:
        migrate_and_load_communes()
        started = time.perf_counter()
        plan = build(args.sellers, args.bookings, random.Random(args.seed))
        print(
            f"  données : {args.sellers} vendeurs, {args.bookings} réservations de novembre 2026 "
            f"en {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        tracemalloc.start()
        started = time.perf_counter()
        invoices, lines, per_invoice = invoice_month(plan, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
        invoicing_s = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        per_invoice.sort()
        print(
            f"  facturation du mois : {invoices} factures, {lines} lignes en {invoicing_s:.1f} s "
            f"({lines / invoicing_s:.0f} lignes/s ; par facture médiane "
            f"{per_invoice[len(per_invoice) // 2]:.1f} ms, max {per_invoice[-1]:.1f} ms ; "
            f"pic mémoire Python {peak:.1f} Mo)",
            flush=True,
        )
        started = time.perf_counter()
        for entity in plan["sellers"]:
            period_close(
                seller=entity,
                starts_on=date(2026, 12, 1),
                ends_on=date(2026, 12, 1),
                now=datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
            )
        print(
            f"  clôture du jour d'émission par les {args.sellers} vendeurs (archives comprises) : "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        started = time.perf_counter()
        broken = [e.name for e in plan["sellers"] if not chain.verify(e).ok]
        print(
            f"  vérification du chaînage de toutes les factures : "
            f"{time.perf_counter() - started:.1f} s ({broken if broken else 'intact'})",
            flush=True,
        )
    finally:
        connections.close_all()
        if temporary is not None:
            temporary.cleanup()
        else:
            postgres_drop(url)


if __name__ == "__main__":
    main()
