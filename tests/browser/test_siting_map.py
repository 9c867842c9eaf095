"""« Où ouvrir » result on its map: the territory's outline and its communes, the places counted
as offer with their desks, the sites numbered by rank, the ranked table; a 375 px phone too."""

import pytest
from playwright.sync_api import expect

from maillage.places.services import place_create
from maillage.territory.models import Commune
from tests.browser.conftest import serious_violations
from tests.browser.test_booking import log_in
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser

CAEN_LA_MER = "200065597"
SITING = f"/observatoire/epci/{CAEN_LA_MER}/implantation/"


def _solve(page):
    """Sign in, ask for 2 sites among the communes of at least 5,000 people, wait for the map."""
    log_in(page, "analyste@example.org")
    page.goto(SITING)
    page.get_by_label("Nombre de nouveaux sites (K)").fill("2")
    page.get_by_label("Communes candidates : au moins (habitants)").fill("5000")
    page.get_by_role("button", name="Calculer").click()
    expect(page.locator("#obs-sites-map")).to_have_attribute("data-ready", "1", timeout=30_000)


@pytest.fixture
def analyst(reference_geography):
    place_create(data=place_data(operator=OrganisationFactory(managers=[UserFactory()]).pk))
    return UserFactory(email="analyste@example.org")


@pytest.fixture
def siting_page(page, analyst):
    _solve(page)
    return page


def _run_and_check_the_map(page):
    members = Commune.objects.filter(epci__code=CAEN_LA_MER).count()
    expect(page.locator("#obs-sites-map path[data-outline='perimetre']")).to_have_count(1)
    expect(page.locator("#obs-sites-map path[data-code]")).to_have_count(members)
    served = page.locator("#obs-sites-map path[data-site]")
    assert served.count() >= 2
    # Sites numbered 1 and 2, in the order of the table (need served, largest first).
    markers = page.locator("#obs-sites-map .obs-site-marker[data-rank]")
    expect(markers).to_have_count(2)
    assert sorted(markers.all_inner_texts()) == ["1", "2"]
    ranks = page.locator("#obs-sites-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.rank)"
    )
    assert ranks == ["1", "2"]
    needs = page.locator("#obs-sites-table tbody td[data-value]").evaluate_all(
        "cells => cells.map(c => parseFloat(c.dataset.value))"
    )
    assert needs == sorted(needs, reverse=True)
    # Each site's served communes take its tint (the table badge's colour).
    first_tint = page.locator(".obs-site-badge[data-obs-rank='1']").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    fills = served.evaluate_all(
        "paths => paths.filter(p => p.dataset.site === '1').map(p => p.getAttribute('fill'))"
    )
    assert fills and set(fills) == {first_tint}
    # The Caen coworking, 20 open-space desks and 6 office seats.
    place = page.locator("#obs-sites-map .obs-place-marker[data-desks]")
    expect(place).to_have_count(1)
    expect(place).to_have_text("26")
    # Reach circles: one dashed circle per site.
    expect(page.locator("#obs-sites-map path[stroke-dasharray='6 6']")).to_have_count(2)
    expect(page.locator("#obs-sites-map-status")).to_have_text(
        "Carte : 2 sites numérotés par rang, 1 lieu existant."
    )


def test_siting_map_draws_outlines_places_and_numbered_sites(siting_page):
    page = siting_page
    _run_and_check_the_map(page)

    # From the keyboard: a site marker takes the focus and opens its description.
    site = page.locator("#obs-sites-map .obs-site-marker[data-rank='1']")
    site.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Site n° 1 : ")
    # Layers switch off from their checkboxes.
    page.get_by_role("checkbox", name="Lieux existants").uncheck()
    expect(page.locator("#obs-sites-map .obs-place-marker")).to_have_count(0)
    page.get_by_role("checkbox", name="Portée des sites").uncheck()
    expect(page.locator("#obs-sites-map path[stroke-dasharray='6 6']")).to_have_count(0)
    page.get_by_role("checkbox", name="Communes servies").uncheck()
    assert set(
        page.locator("#obs-sites-map path[data-site]").evaluate_all(
            "paths => paths.map(p => p.getAttribute('fill'))"
        )
    ) == {"#ffffff"}
    assert page.console_errors == []


def test_siting_map_fits_a_375_px_phone(siting_page):
    page = siting_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    _run_and_check_the_map(page)
    box = page.locator("#obs-sites-map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_siting_result_has_no_serious_accessibility_violation(browser, live_server, analyst):
    # axe is injected as an inline script: this context bypasses our CSP to do so.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    try:
        page = context.new_page()
        _solve(page)
        serious = serious_violations(page)
    finally:
        context.close()
    assert serious == []
