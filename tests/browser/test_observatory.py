import pytest
from playwright.sync_api import expect

from maillage.territory.models import Commune

pytestmark = pytest.mark.browser

CAEN_LA_MER = "200065597"
PAGE = f"/observatoire/epci/{CAEN_LA_MER}/?maille=communes&indicateur=postes"


def test_choropleth_colours_every_commune_and_explains_its_classes(page):
    members = Commune.objects.filter(epci__code=CAEN_LA_MER).count()
    page.goto(PAGE)
    expect(page.locator("#obs-map")).to_have_attribute("data-ready", "1", timeout=20_000)
    expect(page.locator("#obs-map path[data-code]")).to_have_count(members)
    fills = {
        page.locator("#obs-map path[data-code]").nth(i).get_attribute("fill")
        for i in range(members)
    }
    assert len(fills) >= 3, "quantile classes give several colours"
    expect(page.locator("#obs-legend .legend-title")).to_have_text("Postes nécessaires (postes)")
    expect(page.locator("#obs-legend li").last).to_have_text("pas de valeur")

    # Another indicator recolours the map without reloading; the gap gets a diverging legend.
    page.get_by_label("Indicateur affiché").select_option("ecart")
    expect(page.locator("#obs-legend .legend-title")).to_have_text("Écart besoin − offre (postes)")
    expect(page.locator("#obs-legend")).to_contain_text("besoin non couvert")
    assert page.console_errors == []


def test_table_sorts_by_a_column_from_the_keyboard(page):
    page.goto(PAGE)
    header = page.locator("table[data-obs-sortable] thead th").nth(1)
    header.locator("button").focus()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")
    values = page.locator("table[data-obs-sortable] tbody tr td:nth-child(2)").evaluate_all(
        "cells => cells.map(c => parseFloat(c.dataset.sortValue))"
    )
    assert values == sorted(values)
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending")


def test_observatory_page_has_no_serious_accessibility_violation(
    serious_accessibility_violations, reference_geography
):
    assert serious_accessibility_violations(PAGE, "#obs-map[data-ready]") == []
