"""The append-only and no-overlap guards live in triggers. A later migration that rebuilds a
table (SQLite does for many column changes) silently drops its triggers: this test fails then."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# Table → what its triggers refuse (the trigger names differ by engine; the tables do not).
GUARDED_TABLES = {
    "billing_invoice",  # issued invoices never change, nothing issued into a closed period
    "billing_invoiceline",  # lines of issued invoices never change
    "billing_accountingperiod",  # closed periods never change
    "payments_payment",  # payments and refunds are append-only
    "payments_webhookevent",  # the provider's notifications, append-only
    "booking_passledger",  # pass units move only through new ledger rows
}
# No two active bookings overlap on an exclusive resource: a trigger on SQLite, an exclusion
# constraint on PostgreSQL.
NO_OVERLAP = "booking_booking"


def guarded_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_guarded_table_keeps_its_triggers_after_all_migrations():
    assert GUARDED_TABLES - guarded_tables() == set()


def test_the_no_overlap_guard_is_in_place():
    if connection.vendor == "sqlite":
        assert NO_OVERLAP in guarded_tables()
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'x' AND conrelid = %s::regclass",
            [NO_OVERLAP],
        )
        assert cursor.fetchone()[0] == 1
