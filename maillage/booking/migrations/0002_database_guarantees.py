"""Guarantees the database keeps by itself, whatever the code path (see docs/decisions/0013).

- No two active bookings of an exclusive resource overlap: an exclusion constraint on PostgreSQL
  (btree_gist, a trusted extension since PostgreSQL 13), BEFORE INSERT/UPDATE triggers on SQLite.
- The pass ledger is append-only: UPDATE is refused by a trigger on both engines, DELETE too on
  PostgreSQL (on SQLite the test runner empties tables with DELETE, so only PROTECT keys guard it).
"""

from django.db import migrations

ACTIVE = "('confirmed', 'offered')"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap
        EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
        WHERE (exclusive AND status IN {ACTIVE})""",
    """CREATE FUNCTION booking_ledger_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'passledger_append_only' USING ERRCODE = 'restrict_violation'; END;
        $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER booking_passledger_append_only BEFORE UPDATE OR DELETE ON booking_passledger
        FOR EACH ROW EXECUTE FUNCTION booking_ledger_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER booking_passledger_append_only ON booking_passledger",
    "DROP FUNCTION booking_ledger_append_only()",
    "ALTER TABLE booking_booking DROP CONSTRAINT booking_no_overlap",
]

_OVERLAP = f"""SELECT RAISE(ABORT, 'booking_no_overlap') WHERE EXISTS (
    SELECT 1 FROM booking_booking b
    WHERE b.resource_id = NEW.resource_id AND b.id IS NOT NEW.id AND b.status IN {ACTIVE}
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)"""
SQLITE = [
    f"""CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking_booking
        WHEN NEW.exclusive AND NEW.status IN {ACTIVE} BEGIN {_OVERLAP}; END""",
    f"""CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE ON booking_booking
        WHEN NEW.exclusive AND NEW.status IN {ACTIVE} BEGIN {_OVERLAP}; END""",
    """CREATE TRIGGER booking_passledger_no_update BEFORE UPDATE ON booking_passledger
        BEGIN SELECT RAISE(ABORT, 'passledger_append_only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER booking_no_overlap_insert",
    "DROP TRIGGER booking_no_overlap_update",
    "DROP TRIGGER booking_passledger_no_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
