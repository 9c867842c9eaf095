"""Stated demand end to end: three people state a demand for Ouistreham and one for Bayeux
through « Je veux un lieu », each confirms through the link of the e-mail in the outbox; the
coordination then sees Ouistreham on the observatory's demand layer with its 3 people, and
Bayeux as « secret statistique » (hatched, « moins de 3 personnes »)."""

import re

import pytest
from playwright.sync_api import expect
from post_office.models import Email

from tests.factories import UserFactory

pytestmark = pytest.mark.browser

CALVADOS = "/observatoire/departement/14/"
LINK = re.compile(r"https?://\S+(/je-veux-un-lieu/confirmer/\S+/)")


def state_and_confirm(page, commune: str, email: str) -> None:
    page.goto("/je-veux-un-lieu/")
    page.locator('input[name="commune"]').fill(commune)
    page.locator('select[name="jours"]').select_option("2")
    page.locator('input[name="besoins"][value="poste"]').check()
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="consentement"]').check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page).to_have_url(re.compile(r"/je-veux-un-lieu/envoyee/"))
    message = Email.objects.filter(to__icontains=email).order_by("-pk").first().message
    page.goto(LINK.search(message).group(1))
    page.get_by_role("button", name="Confirmer ma demande").click()
    expect(page.get_by_role("status")).to_contain_text(f"près de {commune} est confirmée")


def test_stated_demand_appears_aggregated_on_the_observatory(page):
    for number in range(1, 4):
        state_and_confirm(page, "Ouistreham", f"habitant{number}@exemple.fr")
    state_and_confirm(page, "Bayeux", "seul@exemple.fr")

    UserFactory(coordinator=True, email="coordination@exemple.fr")
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill("coordination@exemple.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()

    page.goto(CALVADOS)
    demand_map = page.locator("#demand-map")
    expect(demand_map).to_have_attribute("data-ready", "1", timeout=30_000)
    ouistreham = demand_map.locator('path[data-code="14488"]')
    expect(ouistreham).to_have_attribute("data-people", "3")
    expect(ouistreham).to_have_attribute("data-secret", "0")
    bayeux = demand_map.locator('path[data-code="14047"]')
    expect(bayeux).to_have_attribute("data-secret", "1")
    expect(bayeux).to_have_attribute("fill", "url(#demand-hatch)")
    expect(page.locator("#demand-map-status")).to_have_text(
        "Carte : 2 communes avec une demande exprimée."
    )
    bayeux.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        "Bayeux : secret statistique (moins de 3 personnes)"
    )
    rows = page.locator("#demand-communes tbody tr")
    expect(rows.filter(has_text="Ouistreham")).to_contain_text("3")
    expect(rows.filter(has_text="Bayeux")).to_contain_text(
        "secret statistique (moins de 3 personnes)"
    )
    assert page.console_errors == []
