"""Seed the catalogue and the coordinators' group; reversing removes only unused seed rows."""

from django.db import migrations

from maillage.places.catalogue_seed import KINDS, LABELS, SERVICES, seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(
        apps.get_model("places", "Kind"),
        apps.get_model("places", "Service"),
        apps.get_model("places", "Label"),
        apps.get_model("auth", "Group"),
    )


def unseed(apps, schema_editor):
    apps.get_model("places", "Kind").objects.filter(
        slug__in=[k[0] for k in KINDS], places=None
    ).delete()
    apps.get_model("places", "Service").objects.filter(
        slug__in=[s[0] for s in SERVICES], places=None
    ).delete()
    apps.get_model("places", "Label").objects.filter(
        slug__in=[lb[0] for lb in LABELS], places=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
