"""Telling people who stated a demand that a place opened near them (issue 14, point 8)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.demand import services
from maillage.demand.models import DemandStatement, OpeningNotice
from maillage.demand.openings import demand_openings_notify
from maillage.demand.services import StatementInput
from maillage.places.models import Place
from maillage.places.services import place_create
from tests.concurrency import race
from tests.demand.conftest import link_path, queued
from tests.factories import UserFactory, place_data

OUISTREHAM = "14488"  # centre 12.4 km from the Caen place of place_data()
SAINT_DESIR = "14574"  # centre 39.8 km from it (near Lisieux)


def _open_place(**changes) -> Place:
    place = place_create(data=place_data())
    if changes:
        Place.objects.filter(pk=place.pk).update(**changes)
        place.refresh_from_db()
    return place


def _statement(commune, code, *, user=None, email="", notify=True) -> DemandStatement:
    data = StatementInput(
        commune=commune(code), days_per_week=2, needs=["poste"], notify_opening=notify
    )
    statement = services.statement_submit(data=data, user=user, email=email)
    if statement.status == DemandStatement.Status.PENDING:
        token = services.confirm_token(statement, now=timezone.now())
        statement = services.statement_confirm(token=token)
    return statement


def _opening_emails():
    return [e for e in queued() if e.subject.startswith("Un lieu ouvre près de chez vous")]


@pytest.mark.django_db
def test_a_place_12_km_away_notifies_and_40_km_does_not(commune):
    near = _statement(commune, OUISTREHAM, user=UserFactory(email="near@exemple.fr"))
    far = _statement(commune, SAINT_DESIR, user=UserFactory(email="far@exemple.fr"))
    place = _open_place()

    assert demand_openings_notify() == 1
    assert list(OpeningNotice.objects.values_list("statement_id", "place_id")) == [
        (near.pk, place.pk)
    ]
    [email] = _opening_emails()
    assert email.to == ["near@exemple.fr"]
    assert email.subject == "Un lieu ouvre près de chez vous — La Fabrique du Port"
    assert "à Caen (environ 12 km du centre d'Ouistreham)" in email.message
    assert f"/lieux/{place.public_id}/" in email.message
    assert not OpeningNotice.objects.filter(statement=far).exists()


@pytest.mark.django_db
def test_each_pair_is_told_once(commune):
    _statement(commune, OUISTREHAM, email="near@exemple.fr")
    _open_place()
    assert demand_openings_notify() == 1
    assert demand_openings_notify() == 0
    [email] = _opening_emails()
    assert email.to == ["near@exemple.fr"]
    # An e-mail-only person gets the signed link to withdraw.
    assert link_path(email).startswith("/je-veux-un-lieu/demande/")


@pytest.mark.django_db
def test_a_second_place_is_told_too(commune):
    statement = _statement(commune, OUISTREHAM, email="near@exemple.fr")
    _open_place()
    demand_openings_notify()
    _open_place()
    assert demand_openings_notify() == 1
    assert OpeningNotice.objects.filter(statement=statement).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, 1),  # no opening date, added today
        ({"opening_date": "TODAY-29"}, 1),
        ({"opening_date": "TODAY-31"}, 0),  # an old place, just added to the directory
        ({"opening_date": "TODAY+3"}, 0),  # not open yet
        ({"status": Place.Status.PROJECT}, 0),
        ({"status": Place.Status.CLOSED}, 0),
        ({"is_demo": True}, 0),
        ({"created_at": "NOW-31"}, 0),  # no date, added long ago
    ],
)
def test_only_recent_real_openings_count(commune, changes, expected):
    today = timezone.localdate()
    now = timezone.now()
    values = {
        "TODAY-29": today - timedelta(days=29),
        "TODAY-31": today - timedelta(days=31),
        "TODAY+3": today + timedelta(days=3),
        "NOW-31": now - timedelta(days=31),
    }
    _statement(commune, OUISTREHAM, email="near@exemple.fr")
    _open_place(**{k: values.get(v, v) if isinstance(v, str) else v for k, v in changes.items()})
    assert demand_openings_notify(now=now) == expected


@pytest.mark.django_db
def test_no_notice_without_consent_or_once_withdrawn(commune):
    _statement(commune, OUISTREHAM, email="quiet@exemple.fr", notify=False)
    withdrawn = _statement(commune, OUISTREHAM, email="gone@exemple.fr")
    services.statement_withdraw(statement=withdrawn)
    pending = services.statement_submit(
        data=StatementInput(commune=commune(OUISTREHAM), days_per_week=1, needs=["poste"]),
        email="late@exemple.fr",
    )
    _open_place()
    assert demand_openings_notify() == 0
    assert OpeningNotice.objects.count() == 0
    assert DemandStatement.objects.filter(pk=pending.pk).exists()  # 7 days to confirm


@pytest.mark.django_db
def test_the_pass_purges_statements_unconfirmed_after_seven_days(commune):
    pending = services.statement_submit(
        data=StatementInput(commune=commune(OUISTREHAM), days_per_week=1, needs=["poste"]),
        email="late@exemple.fr",
    )
    demand_openings_notify(now=timezone.now() + timedelta(days=6))
    assert DemandStatement.objects.filter(pk=pending.pk).exists()
    demand_openings_notify(now=timezone.now() + timedelta(days=7, minutes=1))
    assert not DemandStatement.objects.filter(pk=pending.pk).exists()


@pytest.mark.django_db
def test_a_replaced_statement_passes_its_notices_on(commune):
    user = UserFactory(email="mover@exemple.fr")
    _statement(commune, OUISTREHAM, user=user)
    place = _open_place()
    assert demand_openings_notify() == 1
    newer = _statement(commune, "14118", user=user)  # Caen, also near the place
    assert list(newer.opening_notices.values_list("place_id", flat=True)) == [place.pk]
    assert demand_openings_notify() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_tell_each_pair_once(commune):
    for n in range(3):
        _statement(commune, OUISTREHAM, email=f"p{n}@exemple.fr")
    _open_place()
    for _round in range(3):
        outcomes = race([demand_openings_notify, demand_openings_notify])
        assert [o[0] for o in outcomes] == ["ok", "ok"]
    assert OpeningNotice.objects.count() == 3
    assert sorted(e.to[0] for e in _opening_emails()) == [
        "p0@exemple.fr",
        "p1@exemple.fr",
        "p2@exemple.fr",
    ]
