"""The booking search says how a typed postcode was read."""

import re
from html import unescape

import pytest

from tests.booking.test_views import next_tuesday

pytestmark = pytest.mark.django_db


def test_search_near_a_postcode_says_it_was_read_as_a_postcode(client, open_space):
    page = client.get(
        "/reserver/", {"date": next_tuesday(), "creneau": "day", "pres_de": "14400", "rayon": 50}
    )
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["pres_de"].code == "14047"
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.content.decode())))
    assert (
        "Près de (commune) : 14400 lu comme code postal, commun à 32 communes : Bayeux, la plus "
        "peuplée, est retenue (pour une autre, tapez son nom) ; pour la commune de code INSEE "
        "14400 (Le Manoir), tapez « INSEE 14400 ». Choisir plutôt Le Manoir (14400)"
    ) in text
    assert "La Fabrique du Port" in text


def test_search_in_htmx_shows_the_notice_in_the_results(client, open_space):
    page = client.get(
        "/reserver/",
        {"date": next_tuesday(), "creneau": "day", "pres_de": "INSEE 14400", "rayon": 50},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["pres_de"].name == "Le Manoir"
    assert page.context["form"].commune_notices == []


def test_search_near_an_overseas_collectivity_is_a_french_error(client, open_space):
    page = client.get("/reserver/", {"date": next_tuesday(), "creneau": "day", "pres_de": "98000"})
    assert page.status_code == 400
    assert (
        "Monaco (98000) est un État souverain, pas une commune française : il n&#x27;est pas dans"
    ) in page.content.decode()
