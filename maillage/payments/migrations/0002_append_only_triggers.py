"""Recorded payments and the provider's event log are append-only: triggers on both engines.

SQLite raises with RAISE(ABORT) (a constraint error); PostgreSQL raises SQLSTATE 23000. Django
maps both to IntegrityError. Messages start with « maillage: » like the billing triggers. A
mistaken payment is corrected by a refund row, never by editing or deleting the first one.
"""

from django.db import migrations

PAYMENT_FROZEN = "maillage: paiement enregistré, non modifiable"
EVENT_FROZEN = "maillage: notification enregistrée, non modifiable"
GUARDED = {"payments_payment": PAYMENT_FROZEN, "payments_webhookevent": EVENT_FROZEN}

SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
    BEGIN SELECT RAISE(ABORT, '{message}'); END"""
    for table, message in GUARDED.items()
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_no_{verb}"
    for table in GUARDED
    for verb in ("update", "delete")
]

POSTGRES = [
    statement
    for table, message in GUARDED.items()
    for statement in (
        f"""CREATE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '{message}' USING ERRCODE = '23000';
        END $$""",
        f"""CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_guard()""",
    )
]
POSTGRES_DROP = [
    statement
    for table in GUARDED
    for statement in (
        f"DROP TRIGGER IF EXISTS {table}_guard ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_guard()",
    )
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
