"""Coordinators find their tools: the header's « Coordination » menu links every back-office
page and counts the proposals waiting for moderation; nobody else sees it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.places.services import proposal_accept, proposal_submit
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db

BACK_OFFICE = [
    "/moderation/",
    "/reserver/reseau/chiffres/",
    "/reseau/pass/",
    "/reseau/reversements/",
    "/membres/moderation",
    "/consultations/",
    "/demande/enquetes/",
    "/label/candidatures/",
    "/label/labels/",
    "/label/criteres/",
    "/lieux/import/",
    "/observatoire/imports/",
    "/observatoire/scenarios/",
    "/observatoire/etudes/",
    "/coordination/journal/",
]


def menu(html: str) -> str:
    found = re.search(r'<li class="nav-menu">(.*?)</details>', html, re.S)
    return found.group(1) if found else ""


def test_coordinator_menu_links_every_back_office_page_and_counts_pending(client, place):
    coordinator = UserFactory(coordinator=True)
    contributor = UserFactory()
    first = proposal_submit(user=contributor, place=place, data={"name": "Autre nom"})
    proposal_submit(user=contributor, data=place_data(name="Le Hangar"))
    proposal_submit(user=contributor, data=place_data(name="La Grange"))
    proposal_accept(user=coordinator, proposal=first)  # no longer pending
    client.force_login(coordinator)

    section = menu(client.get("/").content.decode())
    links = re.findall(r'<a href="([^"]+)"', section)
    assert links == BACK_OFFICE
    assert '<span class="nav-count">2<span class="visually-hidden"> propositions en attente' in (
        section
    )
    assert "Modération (2 en attente)" in section
    for path in BACK_OFFICE:
        assert (path, client.get(path).status_code) == (path, 200)


def test_one_pending_proposal_is_singular_and_none_shows_no_count(client, place):
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    assert "nav-count" not in menu(client.get("/").content.decode())
    assert "Modération</a>" in menu(client.get("/").content.decode())
    proposal_submit(user=UserFactory(), data=place_data(name="Le Hangar"))
    section = menu(client.get("/").content.decode())
    assert "> proposition en attente</span>" in section
    assert "Modération (1 en attente)" in section


def test_staff_coordinator_also_gets_the_admin(client):
    client.force_login(UserFactory(coordinator=True, is_staff=True))
    assert '<a href="/admin/">Administration</a>' in menu(client.get("/").content.decode())


@pytest.mark.parametrize("who", ["anonymous", "member", "manager"])
def test_no_coordination_menu_for_others(client, manager, who):
    if who == "member":
        client.force_login(UserFactory())
    elif who == "manager":
        client.force_login(manager)
    page = client.get("/").content.decode()
    assert ("<summary>Coordination" in page, "/moderation/" in page) == (False, False)


def test_the_menu_costs_a_member_one_query_and_a_coordinator_two(client):
    def menu_queries(path: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return [
            q["sql"]
            for q in captured.captured_queries
            if "auth_group" in q["sql"] or "places_placeproposal" in q["sql"]
        ]

    assert menu_queries("/lieux/") == []
    client.force_login(UserFactory())
    assert len(menu_queries("/lieux/")) == 1  # the role, answered « no »: no count
    client.force_login(UserFactory(coordinator=True))
    role, count = menu_queries("/lieux/")
    assert ("auth_group" in role, count.startswith('SELECT COUNT(*) AS "__count"')) == (True, True)
