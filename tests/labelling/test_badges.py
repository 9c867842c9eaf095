# ruff: noqa: F811  (fixtures imported from tests/labelling/badge_fixtures.py)
"""The label badge across the platform, by time travel: granted today, expired, suspended,
revoked, not started yet; on the map features and their cache, the directory and its filter, the
API, the place page, the widget and the exports."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.labelling import services
from maillage.labelling.badges import (
    labelled_place_ids,
    labels_version,
    place_awards_in_force,
    scheme_short_name,
)
from maillage.labelling.models import Criterion, LabelScheme
from maillage.places.selectors import PlaceFilters, place_directory, place_map_features
from maillage.places.services import place_create
from tests.factories import fablab_data, place_data
from tests.labelling.badge_fixtures import (  # noqa: F401  (fixtures)
    badge_scheme,
    french_day,
    grant,
    granted_today,
    paris_today,
)

pytestmark = pytest.mark.django_db

MAP = "/api/lieux/carte.geojson"
BADGE = '<span class="badge badge-label">Label régional</span>'


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fablab(manager):
    """A second place, never labelled."""
    return place_create(data=fablab_data(operator=manager.organisations.get().pk))


# --- Who is labelled on a day -----------------------------------------------------------------


def test_labelled_on_a_day_follows_dates_suspension_and_revocation(place, fablab, grant):
    today = paris_today()
    award = grant(place, today - timedelta(days=30), today + timedelta(days=10))
    assert labelled_place_ids(today) == {place.pk}
    # The échéance is the first day without the label.
    assert labelled_place_ids(today + timedelta(days=9)) == {place.pk}
    assert labelled_place_ids(today + timedelta(days=10)) == set()
    assert labelled_place_ids(today - timedelta(days=31)) == set()
    assert place_awards_in_force([place.pk, fablab.pk], today) == {place.pk: award}

    services.award_suspend(user=None, award=award, reason="x")
    assert labelled_place_ids(today) == set()
    services.award_reinstate(user=None, award=award)
    assert labelled_place_ids(today) == {place.pk}
    services.award_revoke(user=None, award=award, reason="y")
    assert labelled_place_ids(today) == set()


def test_renewal_overlap_keeps_the_award_lasting_longest(place, grant):
    today = paris_today()
    grant(place, today - timedelta(days=700), today + timedelta(days=20))
    # A renewal may only be granted once the first application is closed: a second one here.
    renewal = grant(place, today - timedelta(days=5), today + timedelta(days=1000))
    assert place_awards_in_force([place.pk], today) == {place.pk: renewal}
    [shown] = place_directory(PlaceFilters())
    assert (shown.label_starts_on, shown.label_expires_on) == (
        today - timedelta(days=5),
        today + timedelta(days=1000),
    )


def test_short_name_comes_from_the_scheme(badge_scheme):
    badge_scheme.short_name = "Tiers-lieu labellisé"
    badge_scheme.save()
    assert scheme_short_name() == "Tiers-lieu labellisé"


def test_short_name_without_a_scheme_is_the_default(db):
    Criterion.objects.all().delete()
    LabelScheme.objects.all().delete()
    assert scheme_short_name() == "Label régional"


# --- Map ----------------------------------------------------------------------------------------


def features(client, **params) -> dict:
    response = client.get(MAP, params)
    assert response.status_code == 200
    return {f["properties"]["nom"]: f["properties"] for f in response.json()["features"]}


def test_map_marks_labelled_places_only(client, granted_today, fablab):
    by_name = features(client)
    assert by_name["La Fabrique du Port"]["label"] == "Label régional"
    assert "label" not in by_name["Fablab de Bayeux"]
    assert list(features(client, labellise="true")) == ["La Fabrique du Port"]
    assert sorted(features(client, labellise="false")) == [
        "Fablab de Bayeux",
        "La Fabrique du Port",
    ]


@pytest.mark.parametrize("state", ["suspended", "revoked", "expired", "not_started"])
def test_map_has_no_badge_when_not_in_force(client, place, grant, state):
    today = paris_today()
    starts, ends = today - timedelta(days=100), today + timedelta(days=100)
    if state == "expired":
        ends = today  # today is the first day without the label
    if state == "not_started":
        starts = today + timedelta(days=1)
    grant(place, starts, ends, suspended=state == "suspended", revoked=state == "revoked")
    assert "label" not in features(client)["La Fabrique du Port"]
    assert features(client, labellise="1") == {}


def test_cached_map_follows_grant_suspension_and_revocation(client, place, grant):
    assert "label" not in features(client)["La Fabrique du Port"]
    # Cached: asking again reads only the three versions (directory, events, labels).
    with CaptureQueriesContext(connection) as cached:
        assert "label" not in features(client)["La Fabrique du Port"]
    assert len(cached) == 3

    today = paris_today()
    award = grant(place, today, today + timedelta(days=365))
    assert features(client)["La Fabrique du Port"]["label"] == "Label régional"
    services.award_suspend(user=None, award=award, reason="x")
    assert "label" not in features(client)["La Fabrique du Port"]
    services.award_reinstate(user=None, award=award)
    assert features(client)["La Fabrique du Port"]["label"] == "Label régional"
    services.award_revoke(user=None, award=award, reason="y")
    assert "label" not in features(client)["La Fabrique du Port"]


def test_map_version_moves_with_the_day_at_expiry(place, grant):
    today = paris_today()
    grant(place, today - timedelta(days=10), today + timedelta(days=1))
    tomorrow = today + timedelta(days=1)
    assert labels_version(today) != labels_version(tomorrow)
    assert labels_version(today) == labels_version(today)
    now = timezone.now()
    assert [row[11] for row in place_map_features(PlaceFilters(), now=now)] == ["Label régional"]
    later = now + timedelta(days=1)
    assert [row[11] for row in place_map_features(PlaceFilters(), now=later)] == [None]


def test_map_features_query_count_does_not_grow_with_labelled_places(manager, place, grant):
    today = paris_today()
    grant(place, today, today + timedelta(days=30))
    with CaptureQueriesContext(connection) as one:
        place_map_features(PlaceFilters())
    for n in range(4):
        other = place_create(data=place_data(name=f"Lieu {n}", latitude=49.18 + n / 1000))
        grant(other, today, today + timedelta(days=30))
    with CaptureQueriesContext(connection) as five:
        rows = place_map_features(PlaceFilters())
    assert [row[11] for row in rows] == ["Label régional"] * 5
    assert len(one) == len(five) == 3


# --- Directory, widget, place page ---------------------------------------------------------------


def test_directory_cards_and_filter(client, granted_today, fablab):
    page = client.get("/lieux/").content.decode()
    assert page.count(BADGE) == 1
    assert 'name="labellise"' in page
    assert "Marqueur doré : lieu labellisé (badge « Label régional » dans sa bulle)." in page

    response = client.get("/lieux/", {"labellise": "1"})
    assert response.status_code == 200
    names = [p.name for p in response.context["places"]]
    assert names == ["La Fabrique du Port"]
    assert response.context["query"] == "labellise=1"
    # The ticked box sends « on »: the same filter.
    on = client.get("/lieux/", {"labellise": "on"})
    assert [p.name for p in on.context["places"]] == ["La Fabrique du Port"]
    # Unticked: every place.
    off = client.get("/lieux/", {"labellise": "0"})
    assert [p.name for p in off.context["places"]] == ["Fablab de Bayeux", "La Fabrique du Port"]


def test_directory_filter_value_is_bounded(client, granted_today):
    response = client.get("/lieux/", {"labellise": "peut-être"})
    assert response.status_code == 400
    assert "Valeur attendue : « 1 » ou rien." in response.content.decode()


def test_directory_without_badge_after_expiry(client, place, grant):
    today = paris_today()
    grant(place, today - timedelta(days=400), today)
    assert BADGE not in client.get("/lieux/").content.decode()
    assert list(client.get("/lieux/", {"labellise": "1"}).context["places"]) == []


def test_widget_shows_the_badge(client, granted_today, fablab):
    page = client.get("/lieux/carte-integree/").content.decode()
    assert page.count(BADGE) == 1
    filtered = client.get("/lieux/carte-integree/", {"labellise": "1"})
    assert [p.name for p in filtered.context["places"]] == ["La Fabrique du Port"]


def test_place_page_says_since_and_until(client, place, grant):
    today = paris_today()
    starts = today - timedelta(days=40)
    grant(place, starts, today + timedelta(days=60))
    page = client.get(f"/lieux/{place.public_id}/").content.decode()
    assert BADGE in page
    last_day = today + timedelta(days=59)
    assert (
        "Label régional des tiers-lieux de Normandie : labellisé depuis le "
        f"{french_day(starts)} jusqu'au {french_day(last_day)}."
    ) in page


@pytest.mark.parametrize("state", ["suspended", "revoked", "expired"])
def test_place_page_without_badge_when_not_in_force(client, place, grant, state):
    today = paris_today()
    ends = today if state == "expired" else today + timedelta(days=60)
    grant(place, today - timedelta(days=40), ends, suspended=state == "suspended",
          revoked=state == "revoked")  # fmt: skip
    page = client.get(f"/lieux/{place.public_id}/").content.decode()
    assert "badge-label" not in page
    assert "labellisé depuis" not in page


# --- API and exports ------------------------------------------------------------------------------


def test_api_lists_label_and_filters(client, granted_today, fablab):
    expires = (paris_today() + timedelta(days=3 * 365)).isoformat()
    rows = {p["nom"]: p for p in client.get("/api/lieux").json()}
    assert (rows["La Fabrique du Port"]["label_regional"], rows["La Fabrique du Port"][
        "label_regional_echeance"]) == ("Label régional", expires)  # fmt: skip
    assert (rows["Fablab de Bayeux"]["label_regional"], rows["Fablab de Bayeux"][
        "label_regional_echeance"]) == (None, None)  # fmt: skip
    assert [p["nom"] for p in client.get("/api/lieux?labellise=true").json()] == [
        "La Fabrique du Port"
    ]
    one = client.get(f"/api/lieux/{granted_today.place.public_id}").json()
    assert one["label_regional"] == "Label régional"
    assert client.get("/api/lieux?labellise=peut-etre").status_code == 422


def test_exports_carry_the_label_columns(client, granted_today, fablab):
    expires = (paris_today() + timedelta(days=3 * 365)).isoformat()
    response = client.get("/lieux/telecharger/", {"format": "csv"})
    rows = {r["nom"]: r for r in csv.DictReader(io.StringIO(b"".join(response).decode()))}
    port, bayeux = rows["La Fabrique du Port"], rows["Fablab de Bayeux"]
    assert (port["label_regional"], port["label_regional_echeance"]) == ("Label régional", expires)
    assert (bayeux["label_regional"], bayeux["label_regional_echeance"]) == ("", "")

    response = client.get("/lieux/telecharger/", {"format": "geojson", "labellise": "1"})
    data = json.loads(b"".join(response))
    assert [f["properties"]["label_regional"] for f in data["features"]] == ["Label régional"]

    response = client.get("/api/lieux/export", {"format": "json"})
    data = {r["nom"]: r for r in json.loads(b"".join(response))}
    assert data["La Fabrique du Port"]["label_regional_echeance"] == expires
    assert data["Fablab de Bayeux"]["label_regional"] == ""


def test_export_after_suspension_has_no_label(client, place, grant):
    today = paris_today()
    grant(place, today - timedelta(days=5), today + timedelta(days=50), suspended=True)
    response = client.get("/lieux/telecharger/", {"format": "csv"})
    [row] = csv.DictReader(io.StringIO(b"".join(response).decode()))
    assert (row["label_regional"], row["label_regional_echeance"]) == ("", "")


def test_mediation_export_names_the_label_in_its_free_field(client, place, grant):
    from maillage.places.opendata.mediation import mediation_row

    today = paris_today()
    grant(place, today - timedelta(days=5), today + timedelta(days=50))
    [labelled] = place_directory(PlaceFilters())
    row, _warnings = mediation_row(labelled)
    assert row["autres_formations_labels"] == "Label régional des tiers-lieux de Normandie"
    assert row["formations_labels"] == ""


def test_export_command_places_carry_the_label(granted_today, fablab):
    from maillage.places.opendata.export import exported_places, place_row

    expires = (paris_today() + timedelta(days=3 * 365)).isoformat()
    rows = {row["nom"]: row for row in map(place_row, exported_places())}
    assert (
        rows["La Fabrique du Port"]["label_regional"],
        rows["La Fabrique du Port"]["label_regional_echeance"],
    ) == ("Label régional", expires)
    assert rows["Fablab de Bayeux"]["label_regional"] == ""
