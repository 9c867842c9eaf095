"""Pass units move only through the ledger: booking_passledger is append-only on both engines.

booking 0002 already refuses UPDATE on both engines and DELETE on PostgreSQL; this adds DELETE
on SQLite and gives the PostgreSQL refusal the platform's wording and SQLSTATE 23000, like the
invoices (billing 0002). Django maps both to IntegrityError.

On SQLite a flush (`DELETE FROM`) fires the trigger: the test suite's flush lifts the triggers
and puts them back (tests/conftest.py).
It depends on billing 0002 so that the network's invoices and the ledger are guarded together.
"""

from django.db import migrations

MESSAGE = "maillage: mouvement de carnet, non modifiable"

SQLITE = [
    f"""CREATE TRIGGER booking_passledger_no_delete BEFORE DELETE ON booking_passledger
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "DROP TRIGGER IF EXISTS booking_passledger_no_update",
    f"""CREATE TRIGGER booking_passledger_no_update BEFORE UPDATE ON booking_passledger
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS booking_passledger_no_delete",
    "DROP TRIGGER IF EXISTS booking_passledger_no_update",
    """CREATE TRIGGER booking_passledger_no_update BEFORE UPDATE ON booking_passledger
    BEGIN SELECT RAISE(ABORT, 'passledger_append_only'); END""",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION booking_ledger_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23000';
    END $$""",
    "DROP TRIGGER IF EXISTS booking_passledger_append_only ON booking_passledger",
    """CREATE TRIGGER booking_passledger_append_only BEFORE UPDATE OR DELETE ON booking_passledger
    FOR EACH ROW EXECUTE FUNCTION booking_ledger_append_only()""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION booking_ledger_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'passledger_append_only' USING ERRCODE = 'restrict_violation'; END;
        $$ LANGUAGE plpgsql""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("settlement", "0001_initial"),
        ("booking", "0003_commute_snapshot"),
        ("billing", "0002_immutability_triggers"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
