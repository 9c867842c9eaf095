"""What the pages say and point to: every `aria-describedby` names an element of the page, the
French reads right (agreement, no label said twice, French zoom buttons, decimal commas)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from maillage.booking.models import Resource
from tests.booking.conftest import make_resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class _Ids(HTMLParser):
    """Every id in the page, and every id an aria-describedby points at (with its tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for target in (attributes.get("aria-describedby") or "").split():
            self.described.append((tag, target))


def missing_targets(html: str) -> list[tuple[str, str]]:
    parser = _Ids()
    parser.feed(html)
    return [(tag, target) for tag, target in parser.described if target not in parser.ids]


def test_missing_targets_finds_a_dangling_reference():
    html = '<input aria-describedby="a b"><p id="a"></p>'
    assert missing_targets(html) == [("input", "b")]


ANONYMOUS_PAGES = [
    "/",
    "/lieux/",
    "/reserver/",
    "/observatoire/",
    "/observatoire/departement/14/",
    "/observatoire/scenarios/",
    "/compte/connexion",
    "/compte/inscription",
    "/compte/renvoyer",
    "/compte/mot-de-passe/oubli",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_hint_reference_exists_on_public_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert missing_targets(response.content.decode()) == []


def test_every_hint_reference_exists_on_forms_with_errors(client):
    # A bad sign-up: fields with an error, one with help text too (the password).
    signup = client.post("/compte/inscription", {"email": "pas-une-adresse"})
    login = client.post("/compte/connexion", {"username": "x@exemple.fr", "password": "non"})
    assert (signup.status_code, login.status_code) == (400, 200)
    assert missing_targets(signup.content.decode()) == []
    assert missing_targets(login.content.decode()) == []
    html = signup.content.decode()
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
    assert 'id="id_email_error"' in html and 'id="id_password1_helptext"' in html


def test_every_hint_reference_exists_on_signed_in_pages(client, place, manager):
    coordinator = UserFactory(coordinator=True)
    resource = make_resource(place)
    client.force_login(coordinator)
    paths = [
        "/lieux/proposer/",
        f"/lieux/{place.public_id}/",
        f"/lieux/{place.public_id}/modifier/",
        "/moderation/",
        "/lieux/import/",
        "/observatoire/imports/",
        "/observatoire/etudes/",
        "/observatoire/etudes/nouvelle/",
        reverse("observatory:scenario-new", args=["tendanciel"]),
        "/reserver/reseau/chiffres/",
        f"/reserver/ressource/{resource.pk}/",
        "/reserver/mes-reservations/",
        "/reserver/agendas/",
        "/compte/profil-de-deplacement",
    ]
    for path in paths:
        response = client.get(path)
        assert (path, response.status_code) == (path, 200)
        assert (path, missing_targets(response.content.decode())) == (path, [])
    # A place form sent back with errors keeps its references too.
    bad = client.post(f"/lieux/{place.public_id}/modifier/", {"name": ""})
    assert missing_targets(bad.content.decode()) == []
    assert 'id="id_name_error"' in bad.content.decode()


def test_agenda_navigation_agrees_in_gender(client, place, manager):
    make_resource(place)
    client.force_login(manager)
    url = f"/reserver/lieu/{place.public_id}/agenda/"
    week = client.get(url, {"jour": "2026-12-01", "vue": "semaine"}).content.decode()
    day = client.get(url, {"jour": "2026-12-01"}).content.decode()
    assert ("Semaine précédente" in week, "Semaine suivante" in week) == (True, True)
    assert ("Jour précédent" in day, "Jour suivant" in day) == (True, True)
    assert "Semaine précédent<" not in week and "Semaine suivant " not in week


def test_a_resource_named_after_its_kind_is_not_labelled_twice(client, place):
    make_resource(place, kind=Resource.Kind.MEETING_ROOM, name="Salle de réunion", capacity=1)
    make_resource(place, kind=Resource.Kind.OPEN_SPACE, name="Le Plateau")
    page = client.get(f"/lieux/{place.public_id}/").content.decode()
    assert "Salle de réunion — Salle de réunion" not in page
    assert re.search(r"Salle de réunion</a></li>", page)
    assert re.search(r"Le Plateau</a> — Espace partagé \(postes\)</li>", page)


MAP_SCRIPTS = [
    "maillage/observatory/static/observatory/choropleth.js",
    "maillage/observatory/static/observatory/siting.js",
    "maillage/places/static/places/directory.js",
    "maillage/territory/static/territory/map.js",
]


def test_every_map_script_titles_its_zoom_buttons_in_french():
    scripts = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("maillage/*/static/**/*.js"))
    creating_maps = [p for p in scripts if "L.map(" in (ROOT / p).read_text()]
    assert set(MAP_SCRIPTS) <= set(creating_maps)  # the search sees the known maps
    for path in creating_maps:
        text = (ROOT / path).read_text()
        french = 'zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière"'
        assert text.index(french) < text.index("L.map("), path


def test_observatory_forms_show_decimal_commas(client):
    client.force_login(UserFactory(coordinator=True))
    pages = [
        "/observatoire/departement/14/",
        reverse("observatory:scenario-new", args=["tendanciel"]),
        "/observatoire/etudes/nouvelle/",
    ]
    for path in pages:
        page = client.get(path).content.decode()
        english = re.findall(r'<input[^>]*value="-?\d+\.\d+"', page)
        assert (path, english) == (path, [])
    scenario = client.get(pages[1]).content.decode()
    # The trend scenario's 2.5 days of home working a week, typed back the French way.
    assert re.search(r'name="days_per_week"[^>]*value="\d+,\d+"', scenario) or re.search(
        r'value="\d+,\d+"[^>]*name="days_per_week"', scenario
    )


def test_a_browser_asking_for_english_gets_french_pages_said_to_be_french(client, place, manager):
    """Decision 0022: no English catalogue, so no page announced as English with French text."""
    make_resource(place)
    client.force_login(manager)
    url = f"/reserver/lieu/{place.public_id}/agenda/"
    page = client.get(url, {"jour": "2026-12-01"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "décembre" in html and "December" not in html
