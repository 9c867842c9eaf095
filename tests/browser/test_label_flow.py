"""The label from end to end through the pages: a place's team applies, the coordinator audits
and grants, and the badge shows on the map's popup (golden marker) and on the place page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.labelling.models import Criterion, LabelScheme
from maillage.labelling.seed import seed_default_scheme
from tests.browser.conftest import serious_violations, signed_in_context
from tests.browser.test_places_directory import map_content, map_still
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def one_criterion(db):
    """The default label (seeded again: live-server tests flush the tables), kept to one
    mandatory criterion so that the flow stays short."""
    scheme = seed_default_scheme(LabelScheme, Criterion)
    kept, *others = scheme.criteria.filter(retired_at__isnull=True)
    Criterion.objects.filter(pk__in=[c.pk for c in others]).update(retired_at=timezone.now())
    Criterion.objects.filter(pk=kept.pk).update(mandatory=True)
    return scheme, kept


@pytest.fixture
def as_user(browser, live_server):
    """as_user(user, width) -> a page signed in as `user`; the contexts closed at the end."""
    contexts = []

    def open_page(user, width: int):
        contexts.append(signed_in_context(browser, live_server, user, width=width))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_team_applies_coordinator_grants_badge_shows(
    as_user, reference_geography, place, manager, one_criterion
):
    scheme, criterion = one_criterion
    coordinator = UserFactory(coordinator=True, display_name="Camille Coordination")

    team = as_user(manager, 375)
    team.goto(f"/label/lieu/{place.public_id}/")
    team.get_by_role("link", name="Candidater ou renouveler le label").click()
    team.get_by_role("button", name="Ouvrir la candidature").click()
    expect(team.locator("h1")).to_contain_text("Candidature au label")
    team.get_by_role("link", name=f"Répondre au critère « {criterion.title} »").click()
    team.get_by_label("Atteint", exact=True).check()
    team.get_by_label("Commentaire").fill("Ouvert 50 heures par semaine.")
    team.get_by_role("button", name="Enregistrer la réponse").click()
    team.get_by_role("button", name="Déposer la candidature").click()
    expect(team.locator(".lead")).to_contain_text("Déposée")
    assert serious_violations(team) == []

    desk = as_user(coordinator, 1280)
    desk.goto("/label/candidatures/")
    desk.get_by_role("link", name=place.name).click()
    desk.get_by_label("Avis", exact=True).select_option(label="Conforme")
    desk.get_by_role("button", name=f"Enregistrer l'avis sur « {criterion.title} »").click()
    desk.get_by_label("Motivation de la décision").fill("Tous les critères sont remplis.")
    desk.get_by_role("button", name="Accorder le label").click()
    expect(desk.locator(".lead")).to_contain_text("Label accordé")

    # Anyone: the place page and the map's popup carry the badge.
    visitor = as_user(UserFactory(), 375)
    visitor.goto(f"/lieux/{place.public_id}/")
    expect(visitor.locator("h1 .badge-label")).to_have_text(scheme.short_name)
    expect(visitor.locator("#label-regional")).to_contain_text("labellisé depuis le")
    assert serious_violations(visitor) == []

    visitor.set_viewport_size({"width": 1280, "height": 860})
    visitor.goto("/lieux/")
    map_content(visitor)
    marker = visitor.locator("#places-map .leaflet-marker-icon.marker-label")
    expect(marker).to_have_attribute("title", f"{place.name} ({scheme.short_name})")
    map_still(visitor)
    marker.click()
    popup = visitor.locator(".leaflet-popup-content")
    expect(popup.locator(".badge-label")).to_have_text(scheme.short_name)
    expect(visitor.locator(".map-legend")).to_contain_text("Marqueur doré : lieu labellisé")
