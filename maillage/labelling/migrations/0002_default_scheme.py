"""The default label « Label régional des tiers-lieux » and its criteria (maillage.labelling.seed).
Reversible: the reverse removes it only while nobody applied."""

from django.db import migrations

from maillage.labelling.seed import NAME, seed_default_scheme


def create_scheme(apps, schema_editor):
    seed_default_scheme(
        apps.get_model("labelling", "LabelScheme"), apps.get_model("labelling", "Criterion")
    )


def remove_scheme(apps, schema_editor):
    LabelScheme = apps.get_model("labelling", "LabelScheme")
    Criterion = apps.get_model("labelling", "Criterion")
    scheme = LabelScheme.objects.filter(name=NAME).first()
    if scheme is None or scheme.applications.exists():
        return
    Criterion.objects.filter(scheme=scheme).delete()
    scheme.delete()


class Migration(migrations.Migration):
    dependencies = [("labelling", "0001_initial")]

    operations = [migrations.RunPython(create_scheme, remove_scheme)]
