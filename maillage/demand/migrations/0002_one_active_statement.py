from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("demand", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="demandstatement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "confirmee"), ("user__isnull", False)),
                fields=("user",),
                name="demand_one_confirmed_per_account",
                violation_error_message="Une demande est déjà enregistrée pour ce compte.",
            ),
        ),
        migrations.AddConstraint(
            model_name="demandstatement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "confirmee"), models.Q(("email", ""), _negated=True)),
                fields=("email",),
                name="demand_one_confirmed_per_email",
                violation_error_message="Une demande est déjà enregistrée pour cette adresse.",
            ),
        ),
    ]
