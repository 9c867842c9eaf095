"""« Où ouvrir » on a map: sites ranked by the need each serves, the communes each serves, the
places counted as offer, the outlines' routes, and the GeoJSON download."""

import csv
import io
import json
import re

import numpy as np
import pytest
from django.urls import reverse
from scipy import sparse

from maillage.observatory import siting, siting_run
from maillage.places.models import Place
from maillage.places.services import place_create
from maillage.territory.models import Commune
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db

CALVADOS = reverse("observatory:siting", args=["departement", "14"])
RUN = {"scenario": "tendanciel", "objectif": "nombre", "k": "3", "seuil_population": "5000"}


def test_siting_page_ranks_sites_by_need_served_with_places_and_outlines(client, place):
    demo = place_create(data=place_data(name="Lieu de démonstration", operator=place.operator.pk))
    Place.objects.filter(pk=demo.pk).update(is_demo=True)
    client.force_login(UserFactory())
    response = client.post(CALVADOS, RUN)
    assert response.status_code == 200
    drawn = response.context["map_data"]
    outcome = response.context["outcome"]

    needs = [site["postes_couverts"] for site in drawn["sites"]]
    assert [site["rang"] for site in drawn["sites"]] == [1, 2, 3]
    assert needs == sorted(needs, reverse=True)
    assert needs[0] > needs[2]
    by_code = {site["code"]: site for site in outcome.sites}
    for site in drawn["sites"]:
        served = by_code[site["code"]]["communes"]
        # The need a site serves is the unmet need of the communes it serves.
        assert site["postes_couverts"] == pytest.approx(sum(c["postes"] for c in served))
        assert site["communes"] == [c["code"] for c in served]
        assert site["population_servie"] == sum(c["population"] for c in served)
    served_codes = [code for site in drawn["sites"] for code in site["communes"]]
    assert len(served_codes) == len(set(served_codes))
    assert sum(needs) == pytest.approx(outcome.result.newly_covered)

    # The demonstration place is not offer; the Caen coworking is, with its 20 + 6 desks.
    assert drawn["lieux"] == [
        {
            "nom": "La Fabrique du Port",
            "commune": "14118",
            "latitude": 49.1806,
            "longitude": -0.354,
            "postes": 26.0,
            "projet": False,
        }
    ]
    assert drawn["rayon_km"] == pytest.approx(15.0 / 1.3)
    assert drawn["contours"] == {
        "perimetre": "/api/territoires/departements/14/contours?maille=perimetre",
        "communes": "/api/territoires/departements/14/contours?maille=communes",
    }
    assert client.get(drawn["contours"]["perimetre"]).status_code == 200

    body = response.content.decode()
    embedded = re.search(
        r'<script id="obs-sites-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert json.loads(embedded.group(1))["sites"] == drawn["sites"]
    table = body[
        body.index('id="obs-sites-table"') : body.index("</table>", body.index("obs-sites-table"))
    ]
    rows = re.findall(r'<tr data-rank="(\d)" data-code="(\w+)">', table)
    assert rows == [(str(site["rang"]), site["code"]) for site in drawn["sites"]]
    assert "La Fabrique du Port" in body
    assert "Lieu de démonstration" not in body
    assert "1 lieu existant compté dans l'offre (26 postes)" in body


def test_siting_csv_carries_the_ranking(client):
    client.force_login(UserFactory())
    page = client.post(CALVADOS, RUN).context["map_data"]
    download = client.post(CALVADOS, {**RUN, "format": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Rang",
        "Code commune",
        "Commune",
        "Postes non couverts servis",
        "Communes servies",
        "Population des communes servies",
    ]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        (str(site["rang"]), site["code"]) for site in page["sites"]
    ]


def test_siting_geojson_download_matches_the_page(client, place):
    client.force_login(UserFactory())
    page = client.post(CALVADOS, RUN).context["map_data"]
    download = client.post(CALVADOS, {**RUN, "format": "geojson"})
    assert download["Content-Type"] == "application/geo+json"
    assert download["Content-Disposition"] == 'attachment; filename="implantation-calvados.geojson"'
    features = json.loads(download.content)["features"]
    sites = [f["properties"] for f in features if f["properties"]["type"] == "site"]
    assert [(s["rang"], s["code"], s["postes_couverts"]) for s in sites] == [
        (site["rang"], site["code"], site["postes_couverts"]) for site in page["sites"]
    ]
    served = [f for f in features if f["properties"]["type"] == "commune_servie"]
    assert [f["properties"]["code"] for f in served] == [
        code for site in page["sites"] for code in site["communes"]
    ]
    assert {f["geometry"]["type"] for f in served} <= {"Polygon", "MultiPolygon"}
    places = [
        f["properties"]["nom"] for f in features if f["properties"]["type"] == "lieu_existant"
    ]
    assert places == ["La Fabrique du Port"]


# A hand-made territory of four Calvados communes (real codes, for their stored outlines).
# Candidates: Caen (column 0) and Bayeux (column 1); road km of each pair within the catchment.
CODES = np.array(["14118", "14047", "14327", "14341"])
NAMES = np.array(["Caen", "Bayeux", "Commune C", "Commune D"])
POPULATION = np.array([100_000.0, 13_000.0, 20_000.0, 500.0])
LAT = np.array([49.18, 49.28, 49.20, 49.14])
LON = np.array([-0.37, -0.70, -0.33, -0.36])
DEMAND = np.array([3.0, 5.0, 6.0, 0.0])
ROAD_KM = sparse.csr_matrix(
    np.array(
        [
            [0.5, 0.0],  # Caen: only its own site
            [0.0, 0.5],  # Bayeux: only its own site
            [9.0, 4.0],  # C: both, Bayeux is nearer
            [7.0, 0.0],  # D: Caen, but no unmet need
        ]
    )
)


def _hand_made_sites():
    result = siting.mclp(DEMAND, ROAD_KM, 2)
    return siting_run.ranked_sites(
        codes=CODES,
        names=NAMES,
        population=POPULATION,
        lat=LAT,
        lon=LON,
        demand=DEMAND,
        candidates=np.array([0, 1]),
        result=result,
    )


def test_sites_are_ranked_by_need_served_with_the_communes_they_serve():
    sites = _hand_made_sites()
    assert [(s["rang"], s["code"], s["postes_couverts"]) for s in sites] == [
        (1, "14047", 11.0),
        (2, "14118", 3.0),
    ]
    assert sites[0]["communes"] == [
        {"code": "14327", "nom": "Commune C", "population": 20_000.0, "postes": 6.0},
        {"code": "14047", "nom": "Bayeux", "population": 13_000.0, "postes": 5.0},
    ]
    assert sites[0]["population_servie"] == 33_000.0
    # D is within Caen's reach but has no unmet need: it is not listed as served.
    assert sites[1]["communes"] == [
        {"code": "14118", "nom": "Caen", "population": 100_000.0, "postes": 3.0}
    ]


def test_siting_geojson_exact_features_on_a_hand_made_territory():
    places = [
        {
            "nom": "Café <b>du port</b>",
            "commune": "14118",
            "latitude": 49.1806,
            "longitude": -0.354,
            "postes": 26.0,
            "projet": False,
        }
    ]
    text = siting_run.siting_geojson(sites=_hand_made_sites(), places=places, radius_km=10.0)
    collection = json.loads(text)
    outlines = {
        code: json.loads(outline)
        for code, outline in Commune.objects.filter(code__in=CODES).values_list("code", "outline")
    }
    assert all(outlines[code] for code in ("14118", "14047", "14327"))
    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == [
        {
            "type": "Feature",
            "id": "site-1",
            "properties": {
                "type": "site",
                "rang": 1,
                "code": "14047",
                "nom": "Bayeux",
                "postes_couverts": 11.0,
                "communes_servies": 2,
                "population_servie": 33_000.0,
                "rayon_vol_oiseau_km": 10.0,
            },
            "geometry": {"type": "Point", "coordinates": [-0.70, 49.28]},
        },
        {
            "type": "Feature",
            "id": "site-2",
            "properties": {
                "type": "site",
                "rang": 2,
                "code": "14118",
                "nom": "Caen",
                "postes_couverts": 3.0,
                "communes_servies": 1,
                "population_servie": 100_000.0,
                "rayon_vol_oiseau_km": 10.0,
            },
            "geometry": {"type": "Point", "coordinates": [-0.37, 49.18]},
        },
        {
            "type": "Feature",
            "id": "commune-14327",
            "properties": {
                "type": "commune_servie",
                "code": "14327",
                "nom": "Commune C",
                "population": 20_000.0,
                "postes_servis": 6.0,
                "site_rang": 1,
                "site_code": "14047",
            },
            "geometry": outlines["14327"],
        },
        {
            "type": "Feature",
            "id": "commune-14047",
            "properties": {
                "type": "commune_servie",
                "code": "14047",
                "nom": "Bayeux",
                "population": 13_000.0,
                "postes_servis": 5.0,
                "site_rang": 1,
                "site_code": "14047",
            },
            "geometry": outlines["14047"],
        },
        {
            "type": "Feature",
            "id": "commune-14118",
            "properties": {
                "type": "commune_servie",
                "code": "14118",
                "nom": "Caen",
                "population": 100_000.0,
                "postes_servis": 3.0,
                "site_rang": 2,
                "site_code": "14118",
            },
            "geometry": outlines["14118"],
        },
        {
            "type": "Feature",
            "id": "lieu-1",
            "properties": {
                "type": "lieu_existant",
                "nom": "Café <b>du port</b>",
                "commune": "14118",
                "postes": 26.0,
                "projet": False,
            },
            "geometry": {"type": "Point", "coordinates": [-0.354, 49.1806]},
        },
    ]


def test_siting_reach_of_a_travel_time_catchment_is_its_straight_line_radius(client):
    client.force_login(UserFactory())
    response = client.post(
        CALVADOS, {**RUN, "k": "1", "mode": "temps", "minutes": "26", "vitesse": "50"}
    )
    assert response.status_code == 200
    # 26 minutes at 50 km/h = 21.67 road km, over the 1.3 detour = 16.67 km as the crow flies.
    assert response.context["map_data"]["rayon_km"] == pytest.approx(26 / 60 * 50 / 1.3)
    assert "soit 16,7 km à vol d'oiseau" in response.content.decode()
