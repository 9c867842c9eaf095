"""Issue 14, point 10, end to end: a coordinator creates a consultation open to invited people
with three options and invites three participants; each follows the link of their e-mail in the
outbox and spreads their points (one changes their vote); the coordinator closes it and reads the
ranked chart and its table with the exact totals. The vote page fits a phone and passes axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from post_office.models import Email

from maillage.booking.timeslots import local_day
from maillage.consultation.models import Ballot, Consultation
from maillage.consultation.services import (
    consultation_close,
    invitation_token,
    invitations_send,
)
from tests.browser.conftest import serious_violations
from tests.consultation.conftest import live_window, make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

LISIEUX, PONT, ORBEC = (
    "Tiers-lieu de Lisieux",
    "Fablab de Pont-l'Évêque",
    "Espace de coworking d'Orbec",
)
PEOPLE = ["alice@exemple.fr", "bruno@exemple.fr", "chloe@exemple.fr"]
LINK = re.compile(r"https?://[^/\s]+(/consultations/i/\S+/)")


def log_in(page, email):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()


def link_for(email: str) -> str:
    message = Email.objects.filter(to__icontains=email).order_by("-pk").first().message
    return LINK.search(message).group(1)


def vote(page, path: str, points: dict[str, int], *, remaining: str) -> None:
    page.goto(path)
    for label, value in points.items():
        page.get_by_label(label).fill(str(value))
    # The live counter (static JS) follows the typing.
    expect(page.locator("[data-remaining]")).to_have_text(remaining)
    page.get_by_role("button", name=re.compile("Voter|Modifier mon vote")).click()
    expect(page.get_by_text("Votre vote est enregistré.")).to_be_visible()


def test_a_consultation_with_three_participants(page, browser, live_server):
    UserFactory(email="coordination@reseau.fr", coordinator=True)
    log_in(page, "coordination@reseau.fr")
    page.goto("/consultations/")
    page.get_by_role("link", name="Créer une consultation").click()
    today = local_day(timezone.now())
    page.get_by_label("Titre").fill("Où ouvrir le prochain tiers-lieu ?")
    page.get_by_label("Question posée").fill("Répartissez vos 10 gommettes entre les sites.")
    page.get_by_label("Options (actions ou sites)").fill(
        f"{LISIEUX} | dans l'ancienne gare\n{PONT}\n{ORBEC}"
    )
    page.get_by_label("Points par participant").fill("10")
    page.get_by_label("Ouverture du vote (date)").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Ouverture du vote (heure de Paris)").fill("09:00")
    page.get_by_label("Clôture du vote (date)").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Clôture du vote (heure de Paris)").fill("18:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Consultation enregistrée en brouillon.")).to_be_visible()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Consultation publiée.")).to_be_visible()
    page.get_by_role("link", name="Inviter des participants").click()
    page.get_by_label("Adresses e-mail à inviter").fill("\n".join(PEOPLE))
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(page.get_by_text("3 invitation(s) envoyée(s) par e-mail.")).to_be_visible()
    consultation = Consultation.objects.get()
    assert consultation.access == "invitation"

    # Each participant, without an account, in their own browser.
    votes = {
        "alice@exemple.fr": ({LISIEUX: 6, PONT: 4}, "0"),
        "bruno@exemple.fr": ({PONT: 3, ORBEC: 5}, "2"),
        "chloe@exemple.fr": ({LISIEUX: 2, ORBEC: 2}, "6"),
    }
    for email, (points, remaining) in votes.items():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        participant = context.new_page()
        vote(participant, link_for(email), points, remaining=remaining)
        context.close()
    # Chloé changes her mind: her ballot is replaced, not added.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 740}
    )
    chloe = context.new_page()
    vote(chloe, link_for("chloe@exemple.fr"), {LISIEUX: 0, ORBEC: 8}, remaining="2")
    assert chloe.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    assert Ballot.objects.filter(consultation=consultation).count() == 3

    # Results stay hidden until the coordinator closes the vote.
    page.goto(f"/consultations/{consultation.public_id}/resultats/")
    expect(page.get_by_text("seront publiés à la clôture du vote")).to_be_visible()
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    page.console_errors.clear()
    page.goto(f"/consultations/{consultation.public_id}/")
    page.get_by_role("button", name="Clore le vote maintenant").click()
    expect(page.get_by_text("Vote clos : les résultats sont publiés.")).to_be_visible()
    page.get_by_role("link", name="Résultats", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Résultats : Où ouvrir le prochain tiers-lieu ?"
    )
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).inner_text().split("\t") for i in range(3)] == [
        ["1", ORBEC, "13", "50,0 %"],
        ["2", PONT, "7", "26,9 %"],
        ["3", LISIEUX, "6", "23,1 %"],
    ]
    chart = page.locator("figure.consultation-chart svg")
    expect(chart).to_be_visible()
    assert chart.locator("rect[data-valeur]").evaluate_all(
        "bars => bars.map(b => b.getAttribute('data-valeur'))"
    ) == ["13.0", "7.0", "6.0"]
    assert page.console_errors == []


def test_vote_and_results_pages_pass_axe_on_a_phone(browser, live_server):
    """The vote page of a personal link and the results page, checked by axe-core (WCAG 2.1
    A/AA), 375 px wide without sideways scrolling."""
    coordinator = UserFactory(coordinator=True)
    consultation = make_consultation(coordinator, now=timezone.now(), **live_window())
    invitations_send(actor=coordinator, consultation=consultation, emails=["alice@exemple.fr"])
    invitation = consultation.invitations.get()
    token = invitation_token(invitation)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.goto(f"/consultations/i/{token}/")
    page.wait_for_selector("#ballot-form")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label(LISIEUX).fill("4")
    page.get_by_role("button", name="Voter").click()
    expect(page.get_by_text("Votre vote est enregistré.")).to_be_visible()
    consultation_close(actor=coordinator, consultation=consultation)
    page.goto(f"/consultations/i/{token}/resultats/")
    page.wait_for_selector("table")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
