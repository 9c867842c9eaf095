"""Address search for the place form's map picker: through the geocoder the platform is set up
with (MAILLAGE_GEOCODER_URL), asked by our server for signed-in people only."""

import json

import pytest

from maillage.places.opendata import geocoding
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWER = {
    "type": "FeatureCollection",
    "features": [
        {
            "geometry": {"type": "Point", "coordinates": [-0.354, 49.1806]},
            "properties": {"label": "12 Quai Vendeuvre 14000 Caen", "name": "12 Quai Vendeuvre",
                           "postcode": "14000", "citycode": "14118", "type": "housenumber",
                           "score": 0.97},
        },
        {
            "geometry": {"type": "Point", "coordinates": [-0.35, 49.18]},
            "properties": {"label": "Quai Vendeuvre 14000 Caen", "name": "Quai Vendeuvre",
                           "postcode": "14000", "citycode": "14118", "type": "street"},
        },
        {"geometry": {"type": "Point", "coordinates": ["x"]}, "properties": {"label": "cassé"}},
    ],
}  # fmt: skip


@pytest.fixture
def geocoder(settings, monkeypatch):
    settings.MAILLAGE_GEOCODER_URL = "https://adresses.mon-territoire.fr/search"
    asked = []

    def fetch(url, timeout):
        asked.append(url)
        return json.dumps(ANSWER).encode()

    monkeypatch.setattr(geocoding, "_http_get", fetch)
    return asked


def test_signed_in_search_returns_the_service_answers(client, geocoder):
    client.force_login(UserFactory())
    response = client.get("/api/lieux/adresses", {"q": "12 quai vendeuvre", "commune": "14118"})
    assert response.status_code == 200
    assert response.json() == [
        {"libelle": "12 Quai Vendeuvre 14000 Caen", "adresse": "12 Quai Vendeuvre",
         "code_postal": "14000", "commune": "14118", "latitude": 49.1806, "longitude": -0.354,
         "precise": True},
        {"libelle": "Quai Vendeuvre 14000 Caen", "adresse": "Quai Vendeuvre",
         "code_postal": "14000", "commune": "14118", "latitude": 49.18, "longitude": -0.35,
         "precise": False},
    ]  # fmt: skip
    assert geocoder == [
        "https://adresses.mon-territoire.fr/search/?q=12+quai+vendeuvre&limit=5&citycode=14118"
    ]


def test_anonymous_people_cannot_use_the_server_as_a_proxy(client, geocoder):
    assert client.get("/api/lieux/adresses", {"q": "12 quai vendeuvre"}).status_code == 401
    assert geocoder == []


@pytest.mark.parametrize(
    "params", [{"q": "ab"}, {"q": "x" * 201}, {"q": "rue", "commune": "1411"}, {}]
)
def test_bounded_parameters(client, geocoder, params):
    client.force_login(UserFactory())
    response = client.get("/api/lieux/adresses", params)
    assert response.status_code == 422
    assert geocoder == []


def test_without_an_address_service_the_answer_says_what_to_do(client, settings):
    settings.MAILLAGE_GEOCODER_URL = ""
    client.force_login(UserFactory())
    response = client.get("/api/lieux/adresses", {"q": "12 quai vendeuvre"})
    assert response.status_code == 404
    assert "placez le point sur la carte" in response.json()["detail"]


def test_a_service_down_is_a_clear_503(client, settings, monkeypatch):
    settings.MAILLAGE_GEOCODER_URL = "https://adresses.mon-territoire.fr/search/"

    def down(url, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr(geocoding, "_http_get", down)
    client.force_login(UserFactory())
    response = client.get("/api/lieux/adresses", {"q": "12 quai vendeuvre"})
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Le service d'adresses ne répond pas")


def test_the_form_offers_address_search_only_with_a_service(client, settings):
    client.force_login(UserFactory())
    settings.MAILLAGE_GEOCODER_URL = ""
    assert 'id="address-search"' not in client.get("/lieux/proposer/").content.decode()
    settings.MAILLAGE_GEOCODER_URL = "https://adresses.mon-territoire.fr/search/"
    page = client.get("/lieux/proposer/").content.decode()
    assert 'id="address-search"' in page
    assert "/api/lieux/adresses" in page  # in the map config
