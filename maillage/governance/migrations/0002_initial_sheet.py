"""The governance sheet's first version, from the reviewable text of sheet_content.py."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from maillage.governance.sheet_content import initial_content

    SheetVersion = apps.get_model("governance", "SheetVersion")
    if not SheetVersion.objects.exists():
        SheetVersion.objects.create(
            number=1,
            content=initial_content(),
            created_at=timezone.now(),
            change="Première version de la fiche",
        )


def unload(apps, schema_editor):
    apps.get_model("governance", "SheetVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
