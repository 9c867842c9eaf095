"""Issue 15, point 4, in a browser: the sheet is a table on a desk and one card per model on a
phone (no sideways scrolling, axe clean); a project team answers the questionnaire on a phone
and reads the ranking with its reasons; a coordinator edits a cell and finds the change in the
history."""

import re

import pytest
from playwright.sync_api import expect

from maillage.governance.services import sheet_seed
from tests.browser.conftest import serious_violations, signed_in_context
from tests.factories import UserFactory
from tests.governance.conftest import TO_OPERATOR

pytestmark = pytest.mark.browser

CHOICE_LABELS = {
    "risque": "Un opérateur, pas la collectivité",
    "personnel": "Non",
    "porteur": "Oui, une entreprise ou un coworking",
    "delai": "Un an ou plus",
    "recettes": "Oui, importantes",
    "capital": "Non",
    "investissement": "Important (plus d'un million d'euros)",
}


def test_sheet_and_questionnaire_on_a_phone(browser, live_server, reference_geography):
    sheet_seed()
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        bypass_csp=True,
        viewport={"width": 375, "height": 740},
    )
    page = context.new_page()
    page.goto("/gouvernance/")
    expect(page.locator(".gov-table")).to_be_hidden()
    expect(
        page.get_by_role("heading", name="Délégation de service public (concession)")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []

    page.goto("/gouvernance/questionnaire/")
    for key, label in CHOICE_LABELS.items():
        assert TO_OPERATOR[key]
        page.get_by_role("group", name=re.compile(re.escape(_question(key)))).get_by_label(
            label, exact=True
        ).check()
    page.get_by_role("button", name="Voir le classement").click()
    first = page.locator(".gov-ranking tbody tr").first
    expect(first.locator("th")).to_have_text("Délégation de service public (concession)")
    expect(first.locator("td").nth(1)).to_have_text("13")
    expect(first).to_contain_text("la DSP le transfère au délégataire (CCP L1121-1)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    context.close()


def _question(key: str) -> str:
    return {
        "risque": "Qui doit porter le risque",
        "personnel": "recruter et employer",
        "porteur": "Un acteur local",
        "delai": "Dans quel délai",
        "recettes": "recettes commerciales",
        "capital": "au capital",
        "investissement": "ampleur de l'investissement",
    }[key]


def test_coordinator_edits_a_cell_on_a_desk(browser, live_server, reference_geography):
    sheet_seed()
    coordinator = UserFactory(
        email="coordination@reseau.fr", display_name="Camille Réseau", coordinator=True
    )
    context = signed_in_context(browser, live_server, coordinator, width=1280)
    page = context.new_page()
    page.goto("/gouvernance/")
    expect(page.locator(".gov-table")).to_be_visible()
    expect(page.locator(".gov-cards")).to_be_hidden()
    page.get_by_role(
        "link", name="Modifier : Régie directe — Délai type avant l'ouverture"
    ).first.click()
    page.get_by_label("Texte").fill("Une délibération crée la régie en quelques semaines.")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Enregistré : version 2 de la fiche.")).to_be_visible()
    # The public page names the author, never their e-mail address.
    expect(page.get_by_text("par Camille Réseau")).to_be_visible()
    assert coordinator.email not in page.content()
    page.get_by_role("link", name="Versions précédentes").click()
    expect(page.locator(".gov-diff ins").first).to_have_text(
        "ajouté : Une délibération crée la régie en quelques semaines."
    )
    assert serious_violations(page) == []
    context.close()
