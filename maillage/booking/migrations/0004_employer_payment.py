"""« Payé par mon employeur »: a booking may count against an employee's monthly budget
(employers.Employee), and the database keeps payment="employer" ⇔ employee set.

On SQLite, adding the CHECK constraint rebuilds booking_booking, which drops the overlap triggers
of 0002: they are created again after it (and after the rebuild that undoing it causes).
PostgreSQL keeps its exclusion constraint either way.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

snapshot = importlib.import_module("maillage.booking.migrations.0003_commute_snapshot")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_commute_snapshot"),
        ("employers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, snapshot.restore_sqlite_triggers),
        migrations.AddField(
            model_name="booking",
            name="employee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bookings",
                to="employers.employee",
                verbose_name="salarié (payé par l'employeur)",
            ),
        ),
        migrations.AlterField(
            model_name="booking",
            name="payment",
            field=models.CharField(
                choices=[
                    ("on_site", "à régler au lieu"),
                    ("plan", "abonnement"),
                    ("pass", "carnet"),
                    ("employer", "payé par mon employeur"),
                ],
                max_length=10,
                verbose_name="réglée par",
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("payment", "employer"), ("employee__isnull", False)),
                    models.Q(
                        models.Q(("payment", "employer"), _negated=True),
                        ("employee__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="booking_employer_has_employee",
            ),
        ),
        migrations.RunPython(snapshot.restore_sqlite_triggers, migrations.RunPython.noop),
    ]
