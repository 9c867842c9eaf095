"""Browser flow of the import page: a headerless CSV, columns mapped by hand, dry run, import."""

import re

import pytest
from playwright.sync_api import expect

from maillage.places.models import Place
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

CSV = "Le Pré Partagé;cowork;49.1806;-0.3540\nAtelier 21;fab lab;49.2765;-0.7036\n"


def test_coordinator_imports_a_headerless_csv(page, tmp_path):
    UserFactory(email="coordination@reseau.fr", coordinator=True)
    path = tmp_path / "lieux.csv"
    path.write_text(CSV, encoding="utf-8")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/lieux/import/")
    page.get_by_label("Adresse e-mail").fill("coordination@reseau.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_label("Fichier").set_input_files(str(path))
    page.get_by_label("Source").fill("tableur du réseau")
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.locator("#format-detecte")).to_contain_text("sans ligne d'en-tête")

    page.get_by_label("Colonne « colonne 1 »").select_option("name")
    page.get_by_label("Colonne « colonne 2 »").select_option("kinds")
    page.get_by_label("Colonne « colonne 3 »").select_option("latitude")
    page.get_by_label("Colonne « colonne 4 »").select_option("longitude")
    page.get_by_role("button", name="Simuler l'import").click()
    expect(page.locator(".counts")).to_contain_text("2 à créer")
    assert Place.objects.count() == 0
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert wide == []

    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Import terminé")
    expect(page).to_have_url(re.compile(r"/lieux/import/\d+/$"))
    expect(page.locator(".counts")).to_contain_text("2 créés")
    assert sorted(Place.objects.values_list("name", "kinds__slug")) == [
        ("Atelier 21", "fablab"),
        ("Le Pré Partagé", "coworking"),
    ]
    assert page.console_errors == []


def test_import_pages_have_no_serious_accessibility_violations(browser, live_server, tmp_path):
    from tests.browser.conftest import serious_violations

    UserFactory(email="coordination@reseau.fr", coordinator=True)
    path = tmp_path / "lieux.csv"
    path.write_text("nom;latitude;longitude\n" + CSV.replace(";cowork", "").replace(";fab lab", ""))
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.goto("/compte/connexion?next=/lieux/import/")
    page.get_by_label("Adresse e-mail").fill("coordination@reseau.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    violations = []
    for step in ("start", "detail", "report"):
        if step == "detail":
            page.get_by_label("Fichier").set_input_files(str(path))
            page.get_by_label("Source").fill("tableur")
            page.get_by_role("button", name="Lire le fichier").click()
            page.wait_for_selector("#format-detecte")
        if step == "report":
            page.get_by_role("button", name="Simuler l'import").click()
            page.wait_for_selector("#compte-rendu")
        violations += [(step, *found) for found in serious_violations(page)]
    context.close()
    assert violations == []
