"""The booking pages that list rows make as many queries for many rows as for one (no N+1):
"mes réservations", the manager's agenda and the members page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.booking.models import PassProduct, Plan
from maillage.booking.services import (
    BookingRequest,
    booking_create,
    pass_sell,
    subscription_create,
    waitlist_join,
)
from maillage.places.services import place_create
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db

MONTH_AGO = NOW - timedelta(days=30)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # Monday 30 November 2026, 08:00 Paris


def queries_of(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def book(user, resource, day=TUESDAY, slot="day", now=NOW):
    return booking_create(
        user=user, request=BookingRequest(resource=resource, day=day, slot=slot), now=now
    )[0]


def a_place_of_mine(user, manager, n: int) -> None:
    """One more place with everything "mes réservations" lists: an upcoming and a past booking,
    a waiting-list entry for a full room, and a carnet."""
    place = place_create(
        data=place_data(name=f"Lieu {n}", operator=OrganisationFactory(managers=[manager]).pk)
    )
    desk = make_resource(place, name=f"Bureau {n}")
    room = make_resource(place, name=f"Salle {n}", capacity=1)
    book(user, desk)
    book(user, desk, day=(MONTH_AGO + timedelta(days=2)).date(), now=MONTH_AGO)
    book(UserFactory(), room)
    waitlist_join(user=user, request=BookingRequest(resource=room, day=TUESDAY, slot="day"))
    product = PassProduct.objects.create(place=place, name=f"Carnet {n}", unit="day", units=10)
    pass_sell(seller=manager, buyer=user, product=product, now=NOW)


def test_my_bookings_page_queries_do_not_grow_with_its_rows(client, django_assert_max_num_queries):
    user, manager = UserFactory(), UserFactory()
    client.force_login(user)
    url = "/reserver/mes-reservations/"
    a_place_of_mine(user, manager, 0)
    queries_of(client, url)  # the first request of a session may set it up
    one = queries_of(client, url)
    for n in range(1, 6):
        a_place_of_mine(user, manager, n)
    with django_assert_max_num_queries(one):
        page = client.get(url)
    text = page.content.decode()
    assert text.count("Bureau 5 — Lieu 5") == 2  # upcoming and past
    assert "Salle 5 — Lieu 5" in text and "Carnet 5" in text


def test_agenda_and_members_queries_do_not_grow_with_their_rows(
    client, place, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    agenda = f"/reserver/lieu/{place.public_id}/agenda/"
    members = f"/reserver/lieu/{place.public_id}/membres/"
    week = {"jour": TUESDAY.isoformat(), "vue": "semaine"}
    plan = Plan.objects.create(place=place, name="Résident", price_month_cents=9000)
    product = PassProduct.objects.create(place=place, name="Carnet 10", unit="day", units=10)

    def a_member(n: int) -> None:
        person = UserFactory(display_name=f"Membre {n:02}")
        desk = make_resource(place, name=f"Bureau {n:02}", capacity=2)
        book(person, desk)
        book(person, desk, day=TUESDAY + timedelta(days=1), slot="morning")
        subscription_create(actor=manager, user=person, plan=plan, starts_on=TUESDAY)
        pass_sell(seller=manager, buyer=person, product=product, now=NOW)

    a_member(0)
    queries_of(client, agenda, week)
    agenda_one, members_one = queries_of(client, agenda, week), queries_of(client, members)
    for n in range(1, 8):
        a_member(n)
    with django_assert_max_num_queries(agenda_one):
        page = client.get(agenda, week)
    assert page.content.decode().count("Membre 07</a>") == 2  # Tuesday and Wednesday
    with django_assert_max_num_queries(members_one):
        page = client.get(members)
    text = page.content.decode()
    assert all(f"Membre {n:02}" in text for n in range(8))
