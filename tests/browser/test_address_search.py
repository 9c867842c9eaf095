"""The place form's address search, with the platform's address service: choosing an answer
fills the address, the postcode and the position, at 375 and 1280 px."""

import json

import pytest
from playwright.sync_api import expect

from maillage.places.opendata import geocoding
from tests.browser.test_booking import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ANSWER = {
    "features": [
        {
            "geometry": {"type": "Point", "coordinates": [-0.70362, 49.27651]},
            "properties": {"label": "4 Rue de la Maîtrise 14400 Bayeux",
                           "name": "4 Rue de la Maîtrise", "postcode": "14400",
                           "citycode": "14047", "type": "housenumber"},
        }
    ]
}  # fmt: skip


@pytest.mark.parametrize("width", [375, 1280])
def test_choosing_an_address_fills_the_form_and_the_point(
    page, live_server, settings, monkeypatch, width
):
    settings.MAILLAGE_GEOCODER_URL = "https://adresses.mon-territoire.fr/search/"
    monkeypatch.setattr(geocoding, "_http_get", lambda url, timeout: json.dumps(ANSWER).encode())
    UserFactory(email="porteuse@exemple.fr")
    page.set_viewport_size({"width": width, "height": 860})
    log_in(page, "porteuse@exemple.fr")
    page.wait_for_url(live_server.url + "/")
    page.goto("/lieux/proposer/")
    page.wait_for_selector("#place-picker-map[data-loaded='true']")
    page.get_by_label("Ou chercher l'adresse").fill("4 rue de la maîtrise bayeux")
    page.get_by_role("button", name="Chercher l'adresse").click()
    page.get_by_role("button", name="4 Rue de la Maîtrise 14400 Bayeux").click()
    expect(page.locator("#id_latitude")).to_have_value("49.27651")
    expect(page.locator("#id_longitude")).to_have_value("-0.70362")
    expect(page.locator("#id_address")).to_have_value("4 Rue de la Maîtrise")
    expect(page.locator("#id_postal_code")).to_have_value("14400")
    expect(page.locator("#place-picker-status")).to_contain_text("Position de l'adresse")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.console_errors == []
