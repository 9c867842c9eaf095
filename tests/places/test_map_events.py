"""Upcoming events on the places map: counts per marker, the cache that follows events, the
directory's « avec des événements à venir » filter, and one grouped query for all places."""

from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.events.selectors import events_map_version, places_upcoming_events
from maillage.events.services import EventInput, event_cancel, event_create
from maillage.places.opening_hours import PARIS
from maillage.places.selectors import PlaceFilters, place_map_features
from maillage.places.services import place_create
from tests.factories import fablab_data, place_data

pytestmark = pytest.mark.django_db

MAP = "/api/lieux/carte.geojson"


def paris_today() -> date:
    return datetime.now(PARIS).date()


def publish(manager, place, day: date, *, now: datetime | None = None, title="Atelier vélo"):
    """An evening workshop on `day` (Paris), published as the place's team does it; `now` earlier
    than the real clock makes an event already over."""
    data = EventInput(
        title=title,
        description="",
        day=day,
        start=time(18, 0),
        end=time(20, 0),
        capacity=12,
        theme="fabrication",
    )
    return event_create(user=manager, place=place, data=data, now=now)


@pytest.fixture
def fablab(manager):
    """A second place of the same team, without events."""
    return place_create(data=fablab_data(operator=manager.organisations.get().pk))


@pytest.fixture
def busy_place(manager, place):
    """`place` with 2 upcoming events, 1 already over and 1 cancelled."""
    today = paris_today()
    publish(manager, place, today + timedelta(days=20), title="Apéro du réseau")
    publish(manager, place, today + timedelta(days=10))
    publish(manager, place, today - timedelta(days=3), now=datetime.now(PARIS) - timedelta(days=30))
    cancelled = publish(manager, place, today + timedelta(days=5), title="Annulé")
    event_cancel(user=manager, event=cancelled)
    return place


def features(client, **params) -> dict:
    response = client.get(MAP, params)
    assert response.status_code == 200
    return {f["properties"]["nom"]: f["properties"] for f in response.json()["features"]}


def test_marker_counts_upcoming_published_events_with_the_next_day(client, busy_place, fablab):
    by_name = features(client)
    assert by_name["La Fabrique du Port"] == {
        "nom": "La Fabrique du Port",
        "commune": "Caen",
        "types": ["coworking"],
        "statut": "ouvert",
        "postes": 26,
        "evenements": 2,
        "prochain_evenement": (paris_today() + timedelta(days=10)).isoformat(),
    }
    # No upcoming event: no event keys at all (the map stays light).
    assert "evenements" not in by_name["Fablab de Bayeux"]
    assert "prochain_evenement" not in by_name["Fablab de Bayeux"]


def test_next_day_is_the_paris_day(manager, place):
    # 00:30 in Paris on the 1st is still the 31st in UTC: the map says the Paris day.
    day = paris_today() + timedelta(days=40)
    data = EventInput(
        title="Nuit des tiers-lieux",
        description="",
        day=day,
        start=time(0, 30),
        end=time(2, 0),
        capacity=50,
        theme="convivialite",
    )
    event_create(user=manager, place=place, data=data)
    assert places_upcoming_events() == {place.pk: (1, day)}


def test_cached_map_follows_published_and_cancelled_events(client, manager, place):
    assert "evenements" not in features(client)["La Fabrique du Port"]
    # The body is cached: asking again only reads the three versions (places, events, labels).
    with CaptureQueriesContext(connection) as cached:
        assert "evenements" not in features(client)["La Fabrique du Port"]
    assert len(cached) == 3

    event = publish(manager, place, paris_today() + timedelta(days=7))
    properties = features(client)["La Fabrique du Port"]
    assert (properties["evenements"], properties["prochain_evenement"]) == (
        1,
        (paris_today() + timedelta(days=7)).isoformat(),
    )

    event_cancel(user=manager, event=event)
    assert "evenements" not in features(client)["La Fabrique du Port"]


def test_events_version_moves_when_the_next_event_starts(manager, place):
    event = publish(manager, place, paris_today() + timedelta(days=7))
    before = events_map_version(now=event.starts_at - timedelta(minutes=1))
    assert events_map_version(now=event.starts_at) == before  # starting now is still upcoming
    assert events_map_version(now=event.starts_at + timedelta(seconds=1)) != before
    assert places_upcoming_events(now=event.starts_at) == {place.pk: (1, event.starts_at.date())}
    assert places_upcoming_events(now=event.starts_at + timedelta(seconds=1)) == {}


def test_api_filter_keeps_places_with_upcoming_events(client, busy_place, fablab):
    assert sorted(features(client)) == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert sorted(features(client, evenements=1)) == ["La Fabrique du Port"]
    assert sorted(features(client, evenements="false")) == [
        "Fablab de Bayeux",
        "La Fabrique du Port",
    ]
    listed = client.get("/api/lieux", {"evenements": "1"}).json()
    assert [p["nom"] for p in listed] == ["La Fabrique du Port"]
    assert client.get(MAP, {"evenements": "peut-être"}).status_code == 422


def test_api_filter_leaves_out_past_and_cancelled_events(client, manager, place, fablab):
    publish(
        manager,
        place,
        paris_today() - timedelta(days=2),
        now=datetime.now(PARIS) - timedelta(days=9),
    )
    cancelled = publish(manager, fablab, paris_today() + timedelta(days=3))
    event_cancel(user=manager, event=cancelled)
    assert features(client, evenements=1) == {}


def test_directory_filter(client, busy_place, fablab):
    response = client.get("/lieux/", {"evenements": "1", "q": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-query="evenements=1"' in html
    assert response["HX-Push-Url"] == "/lieux/?evenements=1"
    assert [p.name for p in response.context["places"]] == ["La Fabrique du Port"]
    page = client.get("/lieux/?evenements=1").content.decode()
    assert '<option value="1" selected>Avec des événements à venir</option>' in page
    assert '<details class="more-filters" open>' in page


def test_directory_filter_refuses_other_values(client, place):
    response = client.get("/lieux/", {"evenements": "peut-être"})
    assert response.status_code == 400
    assert "Valeur attendue : « 1 » ou rien." in unescape(response.content.decode())


def _five_places(manager) -> list:
    organisation = manager.organisations.get().pk
    return [
        place_create(
            data=place_data(name=f"Lieu {n}", operator=organisation, latitude=49.18 + n / 1000)
        )
        for n in range(5)
    ]


def test_map_features_take_three_queries_whatever_the_number_of_places(manager, place):
    day = paris_today() + timedelta(days=12)
    publish(manager, place, day)
    with CaptureQueriesContext(connection) as one:
        rows = place_map_features(PlaceFilters())
    assert [row[-2:] for row in rows] == [(1, day)]

    for other in _five_places(manager)[:4]:
        publish(manager, other, day)
    with CaptureQueriesContext(connection) as five:
        rows = place_map_features(PlaceFilters())
    assert [row[-2:] for row in rows] == [(1, day)] * 5 + [(0, None)]
    assert len(one) == len(five) == 3
