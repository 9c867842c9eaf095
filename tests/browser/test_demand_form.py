"""« Je veux un lieu » on a phone (375 px) and a desktop: the page fits the width, the honeypot
is out of sight and out of the tab order, a bad answer is announced on its field, axe finds no
serious violation, and a signed-in person withdraws the statement from « Ma demande »."""

import re

import pytest
from playwright.sync_api import expect

from maillage.demand.models import DemandStatement
from tests.browser.conftest import serious_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_form_fits_announces_errors_and_hides_the_honeypot(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": width, "height": 800},
        bypass_csp=True,  # axe is injected as an inline script
    )
    page = context.new_page()
    try:
        page.goto("/je-veux-un-lieu/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Je veux un lieu près de chez moi"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        honeypot = page.locator('input[name="site_web"]')
        assert honeypot.get_attribute("tabindex") == "-1"
        box = honeypot.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0

        page.get_by_label("Votre commune de résidence").fill("Caen")
        page.locator('select[name="jours"]').select_option("2")
        page.get_by_label("Distance de votre trajet actuel, aller, en km (facultatif)").fill("5000")
        page.get_by_label("Votre adresse e-mail").fill("alice@exemple.fr")
        page.get_by_role("button", name="Envoyer ma demande").click()
        expect(page.locator("#id_km_error")).to_have_text(
            "La distance ne peut pas dépasser 1000 km."
        )
        expect(page.locator("#id_km_error")).to_have_attribute("role", "alert")
        expect(page.locator("#id_besoins_error")).to_have_text("Cochez au moins un besoin.")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        assert DemandStatement.objects.count() == 0
    finally:
        context.close()


def test_signed_in_person_states_then_withdraws(page):
    UserFactory(email="dana@exemple.fr")
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill("dana@exemple.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()

    page.goto("/je-veux-un-lieu/")
    assert page.locator('input[name="email"]').count() == 0
    page.get_by_label("Votre commune de résidence").fill("Ouistreham")
    page.locator('select[name="jours"]').select_option("3")
    page.locator('input[name="besoins"][value="bureau"]').check()
    page.locator('input[name="consentement"]').check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page).to_have_url(re.compile(r"/je-veux-un-lieu/ma-demande/$"))
    expect(page.locator(".demand-summary")).to_contain_text("Ouistreham (14488)")
    expect(page.locator(".demand-summary")).to_contain_text("Un bureau fermé")

    page.get_by_role("button", name="Retirer ma demande").click()
    expect(page.get_by_text("Vous n'avez pas de demande en cours.")).to_be_visible()
    statement = DemandStatement.objects.get()
    assert (statement.status, statement.user_id, statement.email) == ("retiree", None, "")
    assert page.console_errors == []
