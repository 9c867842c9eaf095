import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SELECTED = re.compile(r"\bcommune--selected\b")


def open_home(page, query: str = ""):
    page.goto("/" + query)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true", timeout=20_000)


def test_search_a_commune_highlights_it_on_the_map(page):
    open_home(page)
    expect(page.locator("path.commune")).to_have_count(2_644)

    page.get_by_label("Rechercher une commune").fill("st lo")
    first = page.locator("#commune-results [data-commune-code]").first
    expect(first).to_have_attribute("data-commune-code", "50502")
    first.click()

    selected = page.locator('path[data-insee="50502"]')
    expect(selected).to_have_class(SELECTED)
    assert selected.get_attribute("fill") == "#f28c28"
    expect(page.locator("path.commune--selected")).to_have_count(1)
    expect(page.locator("#commune-detail h2")).to_have_text("Saint-Lô")
    expect(page.locator("#commune-detail")).to_contain_text("Saint-Lô Agglo")
    assert page.url.endswith("?commune=50502")

    # Choosing another commune moves the highlight.
    page.get_by_label("Rechercher une commune").fill("14118")
    page.locator('#commune-results [data-commune-code="14118"]').click()
    expect(page.locator('path[data-insee="14118"]')).to_have_class(SELECTED)
    expect(page.locator("path.commune--selected")).to_have_count(1)
    assert page.console_errors == []


def test_hovering_a_commune_shows_name_and_population(page):
    open_home(page)
    page.locator('path[data-insee="14118"]').hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Caen —")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("hab.")


def test_search_works_with_the_keyboard_alone(page):
    open_home(page)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.locator("#q").focus()
    page.keyboard.type("Caen")
    expect(page.locator('#commune-results [data-commune-code="14118"]')).to_be_visible()
    page.locator('#commune-results [data-commune-code="14118"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#commune-detail h2")).to_have_text("Caen")


def test_shared_link_opens_with_the_commune_selected(page):
    open_home(page, "?commune=76540")
    expect(page.locator('path[data-insee="76540"]')).to_have_class(SELECTED)


@override_settings(MAILLAGE_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
def test_map_still_works_when_tiles_cannot_load(page):
    open_home(page)
    expect(page.locator("#map-status")).to_have_text(
        "2644 communes affichées. Fond de carte indisponible : les contours restent affichés."
    )
    expect(page.locator("path.commune")).to_have_count(2_644)


def test_home_has_no_serious_accessibility_violation(
    serious_accessibility_violations, reference_geography
):
    assert serious_accessibility_violations("/", "#map[data-loaded=true]") == []
