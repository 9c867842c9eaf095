"""The place form for non-experts in a browser, on a phone (375 px) and a desktop (1280 px): the
map picker fills the coordinates, the commune search centres the map, the week editor writes the
OSM hours; the moderation page shows the point; no page scrolls sideways; axe finds nothing
serious."""

import re

import pytest
from playwright.sync_api import expect

from maillage.places.models import Place
from maillage.places.services import place_create, proposal_submit
from maillage.territory.models import Commune
from tests.browser.conftest import serious_violations
from tests.browser.test_booking import log_in
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser

WIDTHS = [375, 1280]


@pytest.fixture
def network(reference_geography):
    manager = UserFactory(email="gestion@fabrique.fr")
    organisation = OrganisationFactory(managers=[manager], name="Coopérative du Port")
    place = place_create(data=place_data(operator=organisation.pk))
    return {"manager": manager, "organisation": organisation, "place": place}


def signed_in(page, live_server, email: str, width: int):
    page.set_viewport_size({"width": width, "height": 860})
    log_in(page, email)
    page.wait_for_url(live_server.url + "/")


def no_sideways_scroll(page, width: int) -> None:
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("width", WIDTHS)
def test_commune_search_and_map_click_fill_the_coordinates(page, live_server, network, width):
    signed_in(page, live_server, "gestion@fabrique.fr", width)
    page.goto("/lieux/proposer/")
    expect(page.locator("#place-picker-map")).to_have_attribute("data-loaded", "true")
    no_sideways_scroll(page, width)

    bayeux = Commune.objects.get(code="14047")
    page.get_by_label("Trouver la commune").fill("14400")
    page.get_by_role("button", name="Chercher", exact=True).click()
    page.get_by_role("button", name="Bayeux (Calvados)").click()
    expect(page.get_by_label("Latitude")).to_have_value(f"{bayeux.centroid_lat:.5f}")
    expect(page.get_by_label("Longitude")).to_have_value(f"{bayeux.centroid_lon:.5f}")
    expect(page.get_by_label("Code postal", exact=True)).to_have_value("14400")
    expect(page.locator("#place-picker-status")).to_contain_text(
        "Position provisoire au centre de Bayeux"
    )

    # A click on the map moves the point there: the fields get the clicked position.
    box = page.locator("#place-picker-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2)
    clicked = page.evaluate(
        "() => [document.getElementById('id_latitude').value,"
        " document.getElementById('id_longitude').value]"
    )
    assert abs(float(clicked[0]) - bayeux.centroid_lat) < 0.001
    assert float(clicked[1]) > bayeux.centroid_lon  # 10 px east of the centre
    assert float(clicked[1]) - bayeux.centroid_lon < 0.01

    page.get_by_role("textbox", name="Nom (obligatoire)").fill("Atelier de Bayeux")
    page.get_by_label("Espace de coworking").check()
    page.get_by_label("Structure gestionnaire").select_option(label="Coopérative du Port")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_contain_text("Le lieu est publié sur la carte.")
    created = Place.objects.get(name="Atelier de Bayeux")
    assert (f"{created.latitude:.5f}", f"{created.longitude:.5f}") == (
        clicked[0],
        clicked[1],
    )
    assert created.commune.code == "14047"
    assert page.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_week_editor_writes_and_reads_the_raw_hours(page, live_server, network, width):
    signed_in(page, live_server, "gestion@fabrique.fr", width)
    place = network["place"]
    page.goto(f"/lieux/{place.public_id}/modifier/")
    raw = page.get_by_label("Horaires", exact=True)
    expect(raw).to_have_value("Mo-Fr 09:00-18:00")
    expect(page.get_by_label("Lundi, ouvre à")).to_have_value("09:00")
    expect(page.get_by_label("Samedi : fermé")).to_be_checked()
    no_sideways_scroll(page, width)

    page.get_by_label("Lundi, rouvre à").fill("14:00")
    page.get_by_label("Lundi, ferme à (2e plage)").fill("17:30")
    page.get_by_label("Lundi, ferme à", exact=True).fill("12:00")
    expect(raw).to_have_value("Mo 09:00-12:00,14:00-17:30; Tu-Fr 09:00-18:00")
    page.get_by_role("button", name="Copier sur les jours suivants (Lundi)").click()
    expect(raw).to_have_value("Mo-Su 09:00-12:00,14:00-17:30")
    page.get_by_label("Dimanche : fermé").check()
    page.get_by_label("Fermé les jours fériés").check()
    expect(raw).to_have_value("Mo-Sa 09:00-12:00,14:00-17:30; PH off")

    # An expert writes what the week cannot show: the editor says so and leaves it alone.
    raw.fill('Mo-Fr 09:00-18:00 "sur rendez-vous"')
    expect(page.locator("#hours-editor-status")).to_contain_text(
        "La semaine type ne sait pas lire ces horaires"
    )
    expect(page.get_by_label("Lundi, ouvre à")).to_be_disabled()
    raw.fill("Tu-Sa 10:00-19:00")
    expect(page.get_by_label("Mardi, ouvre à")).to_have_value("10:00")
    expect(page.get_by_label("Lundi : fermé")).to_be_checked()

    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_contain_text("Modifications publiées.")
    place.refresh_from_db()
    assert place.opening_hours == "Tu-Sa 10:00-19:00"
    assert page.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_moderation_shows_the_point_and_fits_the_screen(page, live_server, network, width):
    place = network["place"]
    proposal_submit(
        user=UserFactory(),
        place=place,
        data={"latitude": 49.1830, "services": ["visioconference", "tres-haut-debit"]},
    )
    coordinator = UserFactory(coordinator=True)
    signed_in(page, live_server, coordinator.email, width)
    page.goto("/moderation/")
    expect(page.locator(".proposal-map")).to_have_attribute("data-loaded", "true")
    expect(page.locator(".proposal-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("table.diff tbody tr")).to_have_text(
        [re.compile(r"^Latitude\s*49,1806\s*49,183$")]
    )
    no_sideways_scroll(page, width)
    page.goto(f"/lieux/{place.public_id}/historique/")
    no_sideways_scroll(page, width)
    assert page.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_form_and_moderation_have_no_serious_accessibility_violation(
    browser, live_server, network, width
):
    place = network["place"]
    proposal_submit(user=UserFactory(), place=place, data={"name": "Fabrique du Port"})
    coordinator = UserFactory(coordinator=True)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": width, "height": 860}
    )
    page = context.new_page()
    log_in(page, coordinator.email)
    page.wait_for_url(live_server.url + "/")
    page.goto(f"/lieux/{place.public_id}/modifier/")
    page.wait_for_selector("#place-picker-map[data-loaded='true']")
    assert serious_violations(page) == []
    page.goto("/moderation/")
    page.wait_for_selector(".proposal-map[data-loaded='true']")
    assert serious_violations(page) == []
    page.goto(f"/lieux/{place.public_id}/historique/")
    assert serious_violations(page) == []
    context.close()
