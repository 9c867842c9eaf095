"""The members' network in a browser, on a phone and a desktop: a member opts in through the
form, another finds her by skill and writes to her; every page of the network passes axe
(WCAG 2.1 A/AA, serious and critical) and fits the screen without sideways scroll."""

import pytest
from playwright.sync_api import expect

from maillage.community.models import Conversation, MemberProfile, Message, Report
from tests.browser.conftest import serious_violations, signed_in_context
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def member_page(browser, live_server, user, width: int):
    context = signed_in_context(browser, live_server, user, width=width)
    return context, context.new_page()


def checked(page, width: int) -> None:
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("width", [375, 1280])
def test_opt_in_find_and_write(browser, live_server, reference_geography, width):
    alice = UserFactory(display_name="Alice Leroy", email="alice@exemple.fr")
    bruno = UserFactory(display_name="Bruno Petit", email="bruno@exemple.fr")

    context, page = member_page(browser, live_server, alice, width)
    page.goto("/membres/mon-profil")
    checked(page, width)
    page.get_by_label("Nom affiché").fill("Alice L.")
    page.get_by_label("Métier ou activité").fill("Menuisière")
    page.get_by_label("Compétences").fill("Menuiserie, Gestion de projet")
    page.get_by_label("J'accepte d'apparaître dans l'annuaire").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Profil enregistré.")).to_be_visible()
    checked(page, width)
    context.close()
    profile = MemberProfile.objects.get(user=alice)
    assert (profile.visible, profile.skills) == (True, ["Menuiserie", "Gestion de projet"])

    context, page = member_page(browser, live_server, bruno, width)
    page.goto("/membres/")
    page.get_by_label("Compétence").fill("menuiserie")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("caption")).to_have_text("1 membre, par nom")
    checked(page, width)
    page.get_by_role("link", name="Alice L.").click()
    checked(page, width)
    page.get_by_label("Votre message").fill("Bonjour, un atelier à partager ?")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="Conversation avec Alice L.")).to_be_visible()
    expect(page.get_by_text("Bonjour, un atelier à partager ?")).to_be_visible()
    checked(page, width)
    page.goto("/membres/messages/")
    checked(page, width)
    page.goto("/membres/bloques")
    checked(page, width)
    context.close()
    assert list(Message.objects.values_list("body", flat=True)) == [
        "Bonjour, un atelier à partager ?"
    ]

    context, page = member_page(browser, live_server, alice, width)
    page.goto("/membres/messages/")
    expect(page.get_by_role("status").first).to_contain_text("1 message non lu.")
    page.get_by_role("link", name="Bruno Petit").click()
    expect(page.get_by_text("bruno@exemple.fr")).to_have_count(0)
    page.get_by_role("link", name="Signaler ce message").click()
    checked(page, width)
    page.get_by_label("Motif").select_option("spam")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_text("Signalement transmis à la coordination. Merci.")).to_be_visible()
    context.close()
    assert Report.objects.count() == 1

    context, page = member_page(browser, live_server, UserFactory(coordinator=True), width)
    page.goto("/membres/moderation")
    checked(page, width)
    page.get_by_role("button", name="Masquer le message").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    context.close()
    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("hidden_by_moderation", flat=True)) == [True]


@pytest.mark.parametrize("width", [375, 1280])
def test_erase_page_fits_and_passes_axe(browser, live_server, reference_geography, width):
    context, page = member_page(browser, live_server, UserFactory(), width)
    page.goto("/compte/supprimer")
    checked(page, width)
    context.close()
