"""A study's page: the shell answers at once, htmx loads the computed results in place of
« Calcul en cours… »; the page and the editor fit a 375 px phone; no serious axe violation."""

import re

import pytest
from playwright.sync_api import expect

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory.models import SavedStudy
from maillage.observatory.services import study_save
from maillage.observatory.study.compute import study_compute
from maillage.observatory.study.document import study_from_dict
from tests.browser.conftest import serious_violations
from tests.browser.test_booking import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

STUDY = "/observatoire/etudes/bessin-essai/"
DOCUMENT = {
    "nom": "bessin-essai",
    "libelle": "Bessin, essai",
    "perimetre": {"echelon": "communes", "communes": ["14003", "14019", "14047"]},
    "zones_externes": [
        {
            "id": "jersey",
            "nom": "Jersey",
            "latitude": 49.21,
            "longitude": -2.13,
            "population": 103000,
            "donnees": {"teletravailleurs": 4000, "independants": 2500, "distance_km": 9},
        }
    ],
    "annee_base": 2026,
    "horizons": [{"annee": 2026}, {"annee": 2031, "croissance_annuelle": 0.004}],
    "offre": {"postes": [{"nom": "Tiers-lieu de la gare", "commune": "14047", "postes": 12}]},
    "scenarios": ["actuel", "tendanciel", "rupture"],
    "incertitude": {"echantillons": 16, "graine": 7},
}


@pytest.fixture
def study(reference_geography):
    author = UserFactory(email="etude@example.org")
    return study_save(user=author, study=study_from_dict(DOCUMENT))


def _open(page):
    log_in(page, "etude@example.org")
    page.goto(STUDY)
    results = page.locator("#study-results table[data-study-year='2031']")
    expect(results).to_be_visible(timeout=30_000)


def test_study_page_loads_its_results_with_htmx(page, study):
    requests = []
    page.on(
        "request",
        lambda r: "/resultats/" in r.url and requests.append(r.headers.get("hx-request")),
    )
    _open(page)
    assert requests == ["true"]
    expect(page.get_by_text("Calcul en cours…")).to_have_count(0)
    totals = study_compute(study_from_dict(DOCUMENT)).cell(2031, "rupture").totals
    row = page.locator("table[data-study-year='2031'] tr[data-figure='postes_a_creer'] td.num")
    expect(row.last).to_have_text(french_decimal(totals["postes_a_creer"]))
    expect(page.get_by_role("link", name="Rapport imprimable (HTML)")).to_be_visible()
    assert page.console_errors == []


def test_study_page_and_editor_fit_a_375_px_phone(page, study):
    page.set_viewport_size({"width": 375, "height": 800})
    _open(page)
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    # Wide tables scroll inside a focusable, labelled region, not the page.
    region = page.get_by_role("region", name="Horizon 2031 : chiffres du territoire par scénario")
    assert region.get_attribute("tabindex") == "0"
    page.goto(STUDY + "modifier/")
    expect(page.get_by_label("Nom court de l'étude")).to_have_value("bessin-essai")
    assert page.evaluate("document.documentElement.scrollWidth") == 375


def test_study_pages_have_no_serious_accessibility_violation(browser, live_server, study):
    # axe is injected as an inline script: this context bypasses our CSP to do so.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    try:
        page = context.new_page()
        _open(page)
        found = {"résultats": serious_violations(page)}
        page.goto(STUDY + "modifier/")
        found["éditeur"] = serious_violations(page)
        page.goto("/observatoire/etudes/")
        found["liste"] = serious_violations(page)
    finally:
        context.close()
    assert found == {"résultats": [], "éditeur": [], "liste": []}


def test_the_prefilled_editor_saves_a_second_version_from_the_browser(page, study):
    log_in(page, "etude@example.org")
    page.goto(STUDY + "modifier/")
    page.get_by_label("Libellé").fill("Bessin, relu")
    page.get_by_role("button", name="Enregistrer l'étude").first.click()
    expect(page).to_have_url(re.compile(re.escape(STUDY) + "$"), timeout=20_000)
    expect(page.locator("h1")).to_have_text("Bessin, relu")
    latest = SavedStudy.objects.named("bessin-essai").first()
    assert latest.version == 2
    assert study_from_dict(latest.data) == study_from_dict({**DOCUMENT, "libelle": "Bessin, relu"})
