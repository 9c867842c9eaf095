"""Browser flows of the places directory: a manager edits hours; a visitor filters by service."""

import re

import pytest
from playwright.sync_api import expect

from maillage.places.services import place_create
from tests.factories import IN_ROUEN, OrganisationFactory, UserFactory, fablab_data, place_data

pytestmark = pytest.mark.browser


@pytest.fixture
def network(reference_geography):
    manager = UserFactory(email="gestion@fabrique.fr")
    organisation = OrganisationFactory(managers=[manager])
    fabrique = place_create(data=place_data(operator=organisation.pk))
    place_create(data=fablab_data())
    place_create(
        data=place_data(
            name="Le Quai de Rouen",
            **IN_ROUEN,
            services=["imprimante-3d", "cafe"],
        )
    )
    return {"manager": manager, "fabrique": fabrique}


def test_manager_changes_opening_hours_and_the_public_sees_them(page, network):
    fabrique = network["fabrique"]
    page.goto(f"/lieux/{fabrique.public_id}/modifier/")
    expect(page).to_have_url(re.compile(r"/compte/connexion"))
    page.get_by_label("Adresse e-mail").fill("gestion@fabrique.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier « La Fabrique du Port »")
    page.get_by_label("Horaires").fill("Mo-Sa 08:00-20:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Modifications publiées.")

    # A visitor (new, anonymous context) sees the new hours on the place page and in the map popup.
    visitor = page.context.browser.new_context(base_url=page.url.split("/lieux")[0])
    public = visitor.new_page()
    errors = []
    public.on("pageerror", lambda error: errors.append(str(error)))
    public.on("console", lambda m: m.type == "error" and errors.append(m.text))
    public.goto(f"/lieux/{fabrique.public_id}/")
    expect(public.locator("ul.hours")).to_have_text("Du lundi au samedi : 8 h – 20 h")
    public.goto("/lieux/")
    expect(public.locator("#places-map")).to_have_attribute("data-loaded", "true"), errors
    public.locator(".leaflet-marker-icon[title='La Fabrique du Port']").click()
    expect(public.locator(".leaflet-popup-content")).to_contain_text("La Fabrique du Port")
    visitor.close()


def test_visitor_filters_by_service(page, network):
    page.goto("/lieux/")
    expect(page.locator("#places-map")).to_have_attribute("data-count", "3")
    page.get_by_label("Imprimante 3D").check()
    expect(page.locator(".place-card h3 a")).to_have_text(["Fablab de Bayeux", "Le Quai de Rouen"])
    expect(page.locator("#places-map")).to_have_attribute("data-count", "2")
    expect(page).to_have_url(re.compile(r"service=imprimante-3d"))
    page.reload()
    expect(page.locator(".place-card h3 a")).to_have_text(["Fablab de Bayeux", "Le Quai de Rouen"])
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/lieux/", "/compte/inscription", "/compte/connexion"])
def test_public_pages_have_no_serious_accessibility_violation(
    serious_accessibility_violations, network, path
):
    assert serious_accessibility_violations(path, "main") == []


def test_place_page_has_no_serious_accessibility_violation(
    serious_accessibility_violations, network
):
    path = f"/lieux/{network['fabrique'].public_id}/"
    assert serious_accessibility_violations(path, "#place-map.leaflet-container") == []
