"""Issue 15, business plans end to end on a phone (375 px): a project's member creates a plan,
fills a few hypotheses, reads the P&L and downloads the XLSX workbook. Pages fit the width and
pass axe."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from maillage.economics.engine import Scenario
from maillage.economics.models import BusinessPlan
from maillage.economics.workbook import pl_sheet_title
from tests.browser.conftest import serious_violations, signed_in_context
from tests.browser.test_money_flow import OVERFLOWING
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

WIDTH = 375


def fits_and_passes(page) -> None:
    assert page.evaluate(OVERFLOWING, WIDTH) == []
    assert serious_violations(page) == []


def test_a_project_member_builds_a_plan_and_downloads_it(browser, live_server, reference_geography):
    member = UserFactory(display_name="Alex Projet")
    context = signed_in_context(browser, live_server, member, width=WIDTH)
    page = context.new_page()
    try:
        page.goto("/plans-affaires/")
        expect(page.get_by_role("heading", name="Plans d'affaires")).to_be_visible()
        page.get_by_label("Nom du plan").fill("Premier plan")
        page.get_by_label("Nom du projet").fill("Tiers-lieu de la gare")
        page.get_by_label("Commune du projet (code INSEE)").fill("14118")
        fits_and_passes(page)
        page.get_by_role("button", name="Créer le plan").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("Hypothèses du plan")
        page.fill("#f-capacites-0-libelle", "Open space")
        page.fill("#f-capacites-0-unites", "10")
        page.fill("#f-produits-0-cle", "journee")
        page.fill("#f-produits-0-libelle", "Journée")
        page.fill("#f-produits-0-prix", "15")
        page.fill("#f-produits-0-unites", "220")
        page.fill("#f-produits-0-mix", "100")
        for year, rate in enumerate(("40", "50", "60")):
            page.fill(f"#f-occupation-central-postes-{year}", rate)
        page.fill("#f-charges-0-libelle", "Loyer")
        for year in range(3):
            page.fill(f"#f-charges-0-montants-{year}", "6000")
        fits_and_passes(page)
        page.get_by_role("button", name="Copier le central dans le scénario prudent").click()
        expect(page.locator("#f-occupation-prudent-postes-1")).to_have_value("50")
        # Enter in a field saves the plan (the form's first submit button is « Enregistrer »),
        # it does not copy the central scenario again.
        page.fill("#f-occupation-prudent-postes-0", "30")
        page.press("#f-charges-0-montants-2", "Enter")

        expect(
            page.get_by_role("heading", name="Compte de résultat — scénario central")
        ).to_be_visible()
        # Year 1, central: 10 seats × 220 days × 40 % = 880 days × 15,00 € = 13 200,00 € HT,
        # minus the rent 6 000,00 € HT = 7 200,00 €.
        central = page.locator(
            "section", has=page.get_by_role("heading", name="Compte de résultat — scénario central")
        )
        expect(central.locator("tr", has_text="Résultat de l'année").first).to_contain_text(
            "7\u202f200,00\u00a0€"
        )
        # Prudent, year 1, as typed before Enter (not copied again from the central 40 %):
        # 10 × 220 × 30 % = 660 days × 15,00 € = 9 900,00 € − 6 000,00 € = 3 900,00 €.
        prudent = page.locator(
            "section", has=page.get_by_role("heading", name="Compte de résultat — scénario prudent")
        )
        expect(prudent.locator("tr", has_text="Résultat de l'année").first).to_contain_text(
            "3\u202f900,00\u00a0€"
        )
        fits_and_passes(page)

        with page.expect_download() as waiting:
            page.get_by_role("link", name="Classeur XLSX (formules)").click()
        body = Path(waiting.value.path()).read_bytes()
        book = openpyxl.load_workbook(io.BytesIO(body))
        assert book.sheetnames == [
            "Hypothèses",
            *(pl_sheet_title(s) for s in Scenario),
            "Comparaison",
        ]
        plan = BusinessPlan.objects.get()
        assert (plan.creator, plan.version, plan.project_name) == (
            member,
            2,
            "Tiers-lieu de la gare",
        )
    finally:
        context.close()
