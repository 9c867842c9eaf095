"""Downloads for everyone: the directory page's links and /api/lieux/export, same filters."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.utils import timezone

from maillage.places.services import place_create
from tests.factories import IN_BAYEUX, IN_ROUEN, OrganisationFactory, fablab_data, place_data

pytestmark = pytest.mark.django_db

SIRET = "43493312300029"
# 7 December 2026 at 23:30 in Paris is already the 8th there: the file is named after the 8th.
LATE_EVENING = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


@pytest.fixture
def places():
    operator = OrganisationFactory(siret=SIRET)
    return [
        place_create(data=place_data(operator=operator.pk, phone="02 31 00 00 00")),
        place_create(data=fablab_data(operator=operator.pk)),
        place_create(data=place_data(name="Lieu démo", **IN_ROUEN), is_demo=True),
    ]


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def names(response) -> list[str]:
    return [row["nom"] for row in csv.DictReader(io.StringIO(body(response)))]


def test_directory_links_carry_the_filters(client, places):
    page = client.get("/lieux/", {"type": "fablab", "demo": "false"}).content.decode()
    links = [
        (unescape(href), text)
        for href, text in re.findall(r'<li><a href="([^"]+)" download>([^<]+)</a></li>', page)
    ]
    assert links == [
        ("/lieux/telecharger/?format=csv&type=fablab&demo=false", "CSV"),
        ("/lieux/telecharger/?format=geojson&type=fablab&demo=false", "GeoJSON"),
        ("/lieux/telecharger/?format=json&type=fablab&demo=false", "JSON"),
        (
            "/lieux/telecharger/?format=mediation-csv&type=fablab&demo=false",
            "CSV au schéma national (médiation numérique)",
        ),
        (
            "/lieux/telecharger/?format=mediation-json&type=fablab&demo=false",
            "JSON au schéma national (médiation numérique)",
        ),
    ]


def test_htmx_list_updates_the_links(client, places):
    html = client.get("/lieux/", {"q": "Bayeux"}, headers={"HX-Request": "true"}).content.decode()
    assert '<ul id="export-links" class="export-links" hx-swap-oob="true"' in html
    assert "/lieux/telecharger/?format=csv&amp;q=Bayeux" in html


def test_anonymous_download_follows_the_directory(client, places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING)
    response = client.get("/lieux/telecharger/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lieux-maillage-2026-12-08.csv"'
    # Demo places are listed by the directory unless `demo=false`: so is the file.
    assert names(response) == ["Fablab de Bayeux", "La Fabrique du Port", "Lieu démo"]
    hidden = client.get("/lieux/telecharger/", {"format": "csv", "demo": "false"})
    assert names(hidden) == ["Fablab de Bayeux", "La Fabrique du Port"]
    fablabs = client.get("/lieux/telecharger/", {"format": "csv", "type": "fablab"})
    assert names(fablabs) == ["Fablab de Bayeux"]


def test_mediation_download_leaves_demo_places_out(client, places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING)
    response = client.get("/lieux/telecharger/", {"format": "mediation-csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="lieux-maillage-mediation-numerique-2026-12-08.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [(r["nom"], r["pivot"], r["telephone"]) for r in rows] == [
        ("Fablab de Bayeux", SIRET, ""),
        ("La Fabrique du Port", SIRET, "+33231000000"),
    ]
    assert (response["X-Lieux-Exportes"], response["X-Lieux-Laisses-De-Cote"]) == ("2", "1")


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"format": "xlsx"}, 400, "Format inconnu : « xlsx ». Formats possibles : csv, geojson, "
         "json, mediation-csv, mediation-json.\n"),
        ({"format": "csv", "postes_min": "-3"}, 400, "Certains filtres sont invalides :\n"
         "Postes de travail, au moins : Assurez-vous que cette valeur est supérieure ou "
         "égale à 0.\n"),
    ],
)  # fmt: skip
def test_download_with_bad_parameters_says_why(client, places, query, status, message):
    response = client.get("/lieux/telecharger/", query)
    assert (response.status_code, response.content.decode()) == (status, message)


def test_api_export_formats(client, places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING)
    geojson = client.get("/api/lieux/export", {"format": "geojson", "demo": "false"})
    assert geojson["Content-Type"] == "application/geo+json"
    assert geojson["Content-Disposition"] == (
        'attachment; filename="lieux-maillage-2026-12-08.geojson"'
    )
    features = json.loads(body(geojson))["features"]
    assert [f["properties"]["nom"] for f in features] == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert features[0]["geometry"]["coordinates"] == [IN_BAYEUX["longitude"], IN_BAYEUX["latitude"]]
    mediation = client.get("/api/lieux/export", {"format": "mediation-json", "type": "coworking"})
    assert mediation["Content-Type"] == "application/json"
    assert [row["nom"] for row in json.loads(body(mediation))] == ["La Fabrique du Port"]
    plain = client.get("/api/lieux/export", {"type": "fablab"})  # CSV by default
    assert names(plain) == ["Fablab de Bayeux"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"format": "xlsx"}, "format", "valeur non reconnue : valeurs possibles 'csv', "
         "'geojson', 'json', 'mediation-csv' ou 'mediation-json'"),
        ({"postes_min": "99999999999999999999"}, "postes_min",
         "doit être inférieur ou égal à 10000"),
        ({"type": ["x"] * 21}, "type", "au plus 20 éléments"),
        ({"rayon_km": "nan"}, "rayon_km", "nombre fini attendu"),
        ({"departement": "14000"}, "departement", "texte trop long (au plus 3 caractères)"),
    ],
)  # fmt: skip
def test_api_export_bad_parameters_are_422_in_french(client, query, field, message):
    response = client.get("/api/lieux/export", query)
    assert response.status_code == 422
    assert [(e["champ"], e["message"]) for e in response.json()["erreurs"]] == [(field, message)]


def test_api_export_radius_is_bounded(client):
    # The directory's bounds (PlaceQuery), with the field named, as /api/lieux.
    for value in ("0", "501", "nan"):
        response = client.get("/api/lieux/export", {"rayon_km": value})
        assert response.status_code == 422, value
        assert [error["champ"] for error in response.json()["erreurs"]] == ["rayon_km"]


def test_api_export_is_documented(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/lieux/export"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"format", "type", "service", "commune", "pres_de", "rayon_km", "demo"} <= parameters
    assert sorted(operation["responses"]["200"]["content"]) == [
        "application/geo+json",
        "application/json",
        "text/csv",
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_download_queries_do_not_grow_with_places(client, count, django_assert_num_queries):
    for index in range(count):
        place_create(data=place_data(name=f"Lieu {index}", labels=["france-services"]))
    with django_assert_num_queries(10):
        body(client.get("/lieux/telecharger/", {"format": "mediation-csv"}))
