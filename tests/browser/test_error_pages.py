"""Error pages on a 375 px phone: no horizontal scroll, and the way on is reachable."""

import pytest

from maillage.territory import selectors as territory_selectors

pytestmark = pytest.mark.browser


def test_not_found_page_fits_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 800})

    response = page.goto("/une-adresse-qui-n-existe-pas-et-qui-est-assez-longue-pour-deborder/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    page.get_by_label("Chercher un lieu").fill("Caen")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url("**/lieux/?q=Caen")


def test_server_error_page_fits_a_phone(page, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(territory_selectors, "commune_search", fail)
    page.set_viewport_size({"width": 375, "height": 800})

    response = page.goto("/recherche/communes?q=caen")

    assert response.status == 500
    assert page.locator("h1").inner_text() == "Erreur interne du serveur"
    assert page.evaluate("document.documentElement.scrollWidth") == 375
