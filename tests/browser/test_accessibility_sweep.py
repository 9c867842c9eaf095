"""axe-core on every page people reach, in the four roles, on a phone (375 px) and a desktop
(1280 px): no serious or critical WCAG 2.1 A/AA violation, and no sideways scroll on the phone
(issue 12, "axe on every page in both sizes")."""

import pytest
from django.conf import settings

from maillage.booking.models import Resource
from maillage.booking.offer_services import booking_settings_ensure, resource_create
from maillage.places.services import place_create
from tests.browser.conftest import serious_violations
from tests.factories import OrganisationFactory, UserFactory, place_data
from tests.production.seed import session_for

pytestmark = pytest.mark.browser


@pytest.fixture
def network(reference_geography):
    manager = UserFactory(email="gestion@fabrique.fr")
    place = place_create(
        data=place_data(operator=OrganisationFactory(managers=[manager]).pk, opening_hours="24/7")
    )
    booking_settings_ensure(place=place)
    desks = resource_create(
        place=place,
        data={"kind": Resource.Kind.OPEN_SPACE, "name": "Espace partagé", "capacity": 4},
    )
    return {
        "place": place,
        "desks": desks,
        "membre": UserFactory(email="membre@exemple.fr"),
        "gestion": manager,
        "coordination": UserFactory(email="coordination@exemple.fr", coordinator=True),
    }


def pages(network) -> dict[str, list[str]]:
    place, desks = network["place"].public_id, network["desks"].pk
    return {
        "visiteur": [
            "/",
            "/lieux/",
            f"/lieux/{place}/",
            "/lieux/carte-integree/",
            "/reserver/",
            f"/reserver/ressource/{desks}/sans-compte/",
            "/observatoire/",
            "/observatoire/departement/14/",
            "/observatoire/scenarios/",
            "/compte/connexion",
            "/compte/inscription",
            "/compte/renvoyer",
            "/compte/mot-de-passe/oubli",
            "/agenda/",
            "/je-veux-un-lieu/",
        ],
        "membre": [
            "/reserver/mes-reservations/",
            "/reserver/agendas/",
            f"/reserver/ressource/{desks}/",
            "/compte/profil-de-deplacement",
            "/lieux/proposer/",
            "/membres/",
            "/membres/mon-profil",
            "/membres/messages/",
            "/evenements/mes-inscriptions/",
            "/je-veux-un-lieu/ma-demande/",
            "/consultations/",
            "/compte/supprimer",
        ],
        "gestion": [
            f"/reserver/lieu/{place}/agenda/",
            f"/reserver/lieu/{place}/membres/",
            f"/reserver/lieu/{place}/offre/",
            f"/lieux/{place}/modifier/",
            f"/lieux/{place}/historique/",
            "/evenements/organiser/",
            f"/evenements/nouveau/?lieu={place}",
            "/gestionnaires/",
            "/gestionnaires/publier/",
        ],
        "coordination": [
            "/moderation/",
            "/coordination/journal/",
            "/lieux/import/",
            "/observatoire/imports/",
            "/observatoire/etudes/",
            "/observatoire/etudes/nouvelle/",
            "/observatoire/departement/14/implantation/",
            "/membres/moderation",
            "/consultations/nouvelle/",
            "/demande/enquetes/",
            "/observatoire/departement/14/",  # with the « Demande exprimée » section
        ],
    }


def _session_cookie(user, live_server) -> dict:
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session_for(user),
        "url": live_server.url,
    }


@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_in_every_role_passes_axe_and_fits(browser, live_server, network, width):
    problems = {}
    for role, paths in pages(network).items():
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,  # axe is injected as an inline script
            locale="fr-FR",
            viewport={"width": width, "height": 860},
        )
        if role != "visiteur":
            context.add_cookies([_session_cookie(network[role], live_server)])
        page = context.new_page()
        try:
            for path in paths:
                response = page.goto(path)
                page.wait_for_load_state("networkidle")
                found = []
                if response.status != 200:
                    found.append(("statut", response.status))
                found += serious_violations(page)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found.append(("défilement horizontal", scroll))
                if found:
                    problems[f"{role} {path}"] = found
        finally:
            context.close()
    assert problems == {}
