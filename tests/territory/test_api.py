import gzip
import json

import pytest
import shapely

from maillage.territory.models import Commune
from tests.territory import source_files

pytestmark = pytest.mark.django_db


def test_list_communes_filtered_by_departement(client):
    response = client.get("/api/territoires/communes", {"departement": "14", "limite": 500})
    assert response.status_code == 200
    body = response.json()
    expected = sorted(c for c, r in source_files.communes().items() if r["departement"] == "14")
    assert body["total"] == len(expected)
    assert [c["code"] for c in body["resultats"]] == expected[:500]


def test_list_communes_filtered_by_epci_and_region(client):
    body = client.get("/api/territoires/communes", {"epci": "200065597", "limite": 100}).json()
    expected = sorted(c for c, r in source_files.communes().items() if r["epci"] == "200065597")
    assert sorted(c["code"] for c in body["resultats"]) == expected
    body = client.get("/api/territoires/communes", {"region": "28", "limite": 1}).json()
    assert body["total"] == 2_644


def test_list_communes_text_search_ranked(client):
    body = client.get("/api/territoires/communes", {"q": "st lo", "region": "28"}).json()
    assert body["resultats"][0]["code"] == "50502"
    assert body["resultats"][0]["nom"] == "Saint-Lô"


def test_one_commune(client):
    response = client.get("/api/territoires/communes/14118")
    assert response.status_code == 200
    body = response.json()
    assert body["nom"] == "Caen"
    assert body["population"] == source_files.communes()["14118"]["population"]
    assert body["departement"] == {"code": "14", "nom": "Calvados"}
    assert body["region"] == {"code": "28", "nom": "Normandie"}
    assert body["epci"]["code"] == "200065597"
    assert "14000" in body["codes_postaux"]


def test_unknown_commune_is_404_with_french_message(client):
    response = client.get("/api/territoires/communes/99999")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Commune introuvable : aucune commune n'a le code INSEE « 99999 »."
    }


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/territoires/communes/abc", "code"),
        ("/api/territoires/communes?limite=0", "limite"),
        ("/api/territoires/communes?departement=999", "departement"),
        ("/api/territoires/epci/12", "code"),
        ("/api/territoires/regions/28/contours?maille=cantons", "maille"),
    ],
)
def test_invalid_parameters_are_422_with_field_level_message(client, url, field):
    response = client.get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Paramètres invalides."
    assert [e["champ"] for e in body["erreurs"]] == [field]
    assert body["erreurs"][0]["message"]


def test_epci_with_members_and_total_population(client):
    response = client.get("/api/territoires/epci/200065597")
    assert response.status_code == 200
    body = response.json()
    members = {c: r for c, r in source_files.communes().items() if r["epci"] == "200065597"}
    assert body["nom"] == "Communauté urbaine Caen la Mer"
    assert body["nature"] == "CU"
    assert body["nombre_communes"] == len(members) == len(body["communes"])
    assert body["population"] == sum(r["population"] for r in members.values())
    assert body["complet"] is True


def test_epci_loaded_only_in_part_says_so(client):
    # An EPCI straddling two régions, with only its Normandie side in the database.
    straddling = {
        r["epci"] for r in source_files.communes().values() if r["region"] == "28" and r["epci"]
    } & {r["epci"] for r in source_files.communes().values() if r["region"] != "28" and r["epci"]}
    code = sorted(straddling)[0]
    Commune.objects.filter(epci__code=code).exclude(departement__region__code="28").delete()
    body = client.get(f"/api/territoires/epci/{code}").json()
    assert body["complet"] is False
    assert body["nombre_communes_chargees"] < body["nombre_communes"]
    assert body["population"] == source_files.population_by("epci")[code]


def test_unknown_epci_is_404(client):
    response = client.get("/api/territoires/epci/123456789")
    assert response.status_code == 404
    assert "EPCI introuvable" in response.json()["detail"]


def test_region_commune_outlines_are_light_and_valid(client):
    response = client.get("/api/territoires/regions/28/contours")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.content) < 800_000  # "well under 1 MB" for 2,644 communes
    body = json.loads(response.content)
    assert len(body["features"]) == 2_644
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in body["features"]])
    assert shapely.is_valid(shapes).all()
    caen = next(f for f in body["features"] if f["id"] == "14118")
    assert caen["properties"] == {
        "code": "14118",
        "nom": "Caen",
        "population": source_files.communes()["14118"]["population"],
    }


def test_outlines_are_gzipped_when_the_client_accepts_it(client):
    plain = client.get("/api/territoires/regions/28/contours")
    zipped = client.get("/api/territoires/regions/28/contours", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) < len(plain.content) / 3
    assert gzip.decompress(zipped.content) == plain.content


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/api/territoires/regions/28/contours?maille=departements", 5),
        ("/api/territoires/regions/28/contours?maille=perimetre", 1),
        ("/api/territoires/departements/14/contours?maille=communes", None),
        ("/api/territoires/epci/200065597/contours", None),
    ],
)
def test_outline_meshes(client, url, count):
    body = client.get(url).json()
    assert body["type"] == "FeatureCollection"
    if count is None:
        level_code = url.split("/")[4]
        key = "departement" if "departements" in url else "epci"
        count = sum(1 for r in source_files.communes().values() if r[key] == level_code)
    assert len(body["features"]) == count
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in body["features"])


def test_region_epci_mesh_lists_epci_touching_the_region(client):
    body = client.get("/api/territoires/regions/28/contours?maille=epci").json()
    expected = {r["epci"] for r in source_files.communes().values() if r["region"] == "28"}
    assert {f["id"] for f in body["features"]} == expected - {None}


def test_departement_outline_covers_its_communes(client):
    body = client.get("/api/territoires/departements/14/contours?maille=perimetre").json()
    calvados = shapely.from_geojson(json.dumps(body["features"][0]["geometry"]))
    centroids = Commune.objects.filter(departement__code="14").values_list(
        "centroid_lon", "centroid_lat"
    )
    inside = sum(calvados.buffer(0.01).contains(shapely.Point(x, y)) for x, y in centroids)
    assert inside == len(centroids)


@pytest.mark.parametrize(
    "url",
    [
        "/api/territoires/regions/99/contours",
        "/api/territoires/departements/20/contours",
        "/api/territoires/epci/123456789/contours",
    ],
)
def test_unknown_area_outline_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "introuvable" in response.json()["detail"]


def test_epci_mesh_is_refused_inside_an_epci(client):
    response = client.get("/api/territoires/epci/200065597/contours?maille=departements")
    assert response.status_code == 422


def test_openapi_documents_the_territory_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/territoires/communes",
        "/api/territoires/communes/{code}",
        "/api/territoires/epci/{code}",
        "/api/territoires/regions/{code}/contours",
    } <= set(schema["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content and b"cdn" not in docs.content.lower()
