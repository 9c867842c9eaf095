"""Bookings keep the booker's home and work communes (nullable snapshot, see Booking).

Forward, SQLite adds the two nullable columns with ALTER TABLE ADD COLUMN: the table is not
rebuilt and the triggers of 0002 stay. Backward, SQLite cannot drop a foreign-key column in
place, so Django rebuilds booking_booking, which drops its triggers: the first operation, undone
last, creates the overlap triggers of 0002 again. PostgreSQL keeps its exclusion constraint
either way (ADD/DROP COLUMN do not touch it).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

guarantees = importlib.import_module("maillage.booking.migrations.0002_database_guarantees")
# The booking_booking triggers only: the pass-ledger one is on another table and survives.
OVERLAP_TRIGGERS = [sql for sql in guarantees.SQLITE if "ON booking_booking" in sql]


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("booking_no_overlap_insert", "booking_no_overlap_update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in OVERLAP_TRIGGERS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_database_guarantees"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="booking",
            name="home_commune",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="territory.commune",
                verbose_name="commune de résidence (à la réservation)",
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="work_commune",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="territory.commune",
                verbose_name="commune de travail (à la réservation)",
            ),
        ),
    ]
