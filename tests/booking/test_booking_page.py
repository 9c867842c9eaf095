"""The booking page before confirming: waiting list for a full slot, cancellation deadline, only
the ways of paying the person holds; and the calendar addresses page (copy, webcal)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from maillage.booking.models import (
    Booking,
    CalendarFeed,
    PassProduct,
    Plan,
    WaitlistEntry,
)
from maillage.booking.selectors import has_usable_subscription, usable_passes
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    pass_sell,
    waitlist_join,
)
from tests.booking.conftest import NOW, TUESDAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # Monday 30 November 2026, 08:00 Paris


def fill(resource, day=TUESDAY, slot="day"):
    booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=resource, day=day, slot=slot, seats=resource.capacity),
        now=NOW,
    )


def page_of(client, resource, **query):
    return client.get(f"/reserver/ressource/{resource.pk}/", query)


def test_a_full_slot_offers_the_waiting_list_on_the_availability_page(client, open_space, frozen):
    fill(open_space, slot="morning")
    user = UserFactory()
    client.force_login(user)
    page = page_of(client, open_space, date="2026-12-01", creneau="day")
    assert page.status_code == 200 and page.context["full"] is True
    text = page.content.decode()
    # The big form for the slot asked, and one button per full row of the table.
    assert "M'inscrire sur la liste d'attente" in text
    assert text.count('class="inline-form slot-waitlist"') == 2  # the day and the morning
    assert 'name="creneau" value="morning"' in text
    joined = client.post(
        f"/reserver/ressource/{open_space.pk}/liste-attente/",
        {"date": "2026-12-01", "creneau": "morning", "paiement": "on_site", "places": 1},
    )
    assert joined.status_code == 302 and joined["Location"] == "/reserver/mes-reservations/"
    entry = WaitlistEntry.objects.get(user=user)
    assert (entry.unit, entry.starts_at) == ("half_day", datetime(2026, 12, 1, 8, tzinfo=UTC))


def test_a_free_slot_does_not_offer_the_waiting_list(client, open_space, frozen):
    client.force_login(UserFactory())
    page = page_of(client, open_space, date="2026-12-01", creneau="day")
    assert page.context["full"] is False
    assert "liste d'attente" not in page.content.decode()


def test_the_cancellation_deadline_is_shown_in_paris_time_before_confirming(
    client, open_space, frozen
):
    client.force_login(UserFactory())
    page = page_of(client, open_space, date="2026-12-01", creneau="afternoon")
    assert page.context["deadline"] == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert (
        "Annulation possible en ligne jusqu'au <strong>lundi 30 novembre 2026 à 13:00"
        "</strong> (heure de Paris), soit 24 h avant le début (mardi 1 décembre à 13:00)."
    ) in page.content.decode()


def test_the_deadline_follows_the_resource_rule_across_the_clock_change(
    client, open_space, monkeypatch
):
    # Booking on Monday 26 October 2026 at 09:00 (UTC+1); 48 h before is Saturday 24 at 10:00
    # Paris time (UTC+2): elapsed hours, not wall-clock ones.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 10, 20, 8, tzinfo=UTC))
    open_space.cancel_hours = 48
    open_space.save()
    open_space.place.opening_hours = "Mo-Su 09:00-18:00"
    open_space.place.save()
    client.force_login(UserFactory())
    page = page_of(client, open_space, date="2026-10-26", creneau="day")
    assert page.context["deadline"] == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
    assert "samedi 24 octobre 2026 à 10:00</strong> (heure de Paris), soit 48 h" in (
        page.content.decode()
    )


def test_a_slot_within_the_notice_says_it_cannot_be_cancelled_online(client, open_space, frozen):
    client.force_login(UserFactory())
    page = page_of(client, open_space, date="2026-11-30", creneau="afternoon")
    assert (
        "Ce créneau commence dans moins de 24 h : une fois confirmée, la réservation ne pourra "
        "plus être annulée en ligne (contactez le lieu)."
    ) in page.content.decode()


def payment_choices(page) -> list[str]:
    return [value for value, _label in page.context["form"].fields["paiement"].choices]


def test_plan_and_carnet_are_offered_only_to_holders(client, open_space, place, manager, frozen):
    nobody = UserFactory()
    client.force_login(nobody)
    page = page_of(client, open_space, date="2026-12-01", creneau="day")
    assert payment_choices(page) == ["on_site"]
    text = page.content.decode()
    assert "abonnement" not in text and 'value="pass"' not in text
    # Choosing a way the person does not hold is refused by the form, nothing is booked.
    refused = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": "2026-12-01", "creneau": "day", "paiement": "plan"},
    )
    assert refused.status_code == 400 and Booking.objects.count() == 0

    holder = UserFactory()
    plan = Plan.objects.create(place=place, name="Résident", price_month_cents=9000)
    plan.subscriptions.create(user=holder, starts_on=date(2026, 11, 1))
    pass_sell(
        seller=manager,
        buyer=holder,
        product=PassProduct.objects.create(place=place, name="Carnet 10", unit="day", units=10),
        now=NOW,
    )
    client.force_login(holder)
    page = page_of(client, open_space, date="2026-12-01", creneau="day")
    assert payment_choices(page) == ["on_site", "plan", "pass"]
    booked = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": "2026-12-01", "creneau": "day", "paiement": "plan"},
    )
    assert booked.status_code == 302
    assert Booking.objects.get().payment == "plan"


def test_used_up_ended_or_foreign_entitlements_are_not_offered(
    open_space, place, manager, network_settings
):
    user = UserFactory()
    plan = Plan.objects.create(place=place, name="Résident", price_month_cents=9000)
    plan.subscriptions.create(
        user=user, starts_on=date(2026, 10, 1), ends_on=date(2026, 11, 29)
    )  # ended the day before
    product = PassProduct.objects.create(place=place, name="Carnet 1", unit="day", units=1)
    spent = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    spent.units_left = 0
    spent.save()
    expired = pass_sell(seller=manager, buyer=user, product=product, now=NOW - timedelta(days=400))
    today = date(2026, 11, 30)
    assert has_usable_subscription(user, open_space, today=today) is False
    assert usable_passes(user, open_space, today=today) == []
    assert expired.expires_on < today
    # A carnet of the place pays for a desk, never for a meeting room.
    valid = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    assert usable_passes(user, open_space, today=today) == [valid]
    room = open_space.place.resources.create(
        kind="meeting_room", name="Salle", capacity=1, price_day_cents=5000
    )
    assert usable_passes(user, room, today=today) == []


def test_the_feeds_page_gives_https_and_webcal_addresses_and_a_copy_button(client, settings):
    settings.MAILLAGE_SITE_URL = "https://maillage.example.org"
    user = UserFactory()
    client.force_login(user)
    client.post("/reserver/agendas/", {"action": "creer"})
    token = CalendarFeed.objects.get(user=user).token
    text = client.get("/reserver/agendas/").content.decode()
    assert f'value="https://maillage.example.org/reserver/agenda/{token}.ics"' in text
    assert f'href="webcal://maillage.example.org/reserver/agenda/{token}.ics"' in text
    assert 'data-copy-target="feed-url-1" hidden>Copier l\'adresse' in text
    assert '<p id="copy-status" role="status"' in text
    assert "booking/feeds.js" in text


def test_a_full_morning_does_not_mark_the_afternoon_full(client, open_space, frozen):
    fill(open_space, slot="morning")
    client.force_login(UserFactory())
    page = page_of(client, open_space, date="2026-12-01", creneau="afternoon")
    assert page.context["full"] is False
    assert "M'inscrire sur la liste d'attente" not in page.content.decode()


def test_an_offer_lists_only_the_carnets_that_can_pay_for_it(
    client, open_space, place, manager, frozen
):
    first, waiting = UserFactory(), UserFactory()
    booking, _ = booking_create(
        user=first,
        request=BookingRequest(resource=open_space, day=TUESDAY, slot="day", seats=3),
        now=NOW,
    )
    waitlist_join(
        user=waiting, request=BookingRequest(resource=open_space, day=TUESDAY, slot="day"), now=NOW
    )
    booking_cancel(actor=first, public_id=booking.public_id, now=NOW)
    product = PassProduct.objects.create(place=place, name="Carnet 5", unit="day", units=5)
    valid = pass_sell(seller=manager, buyer=waiting, product=product, now=NOW)
    spent = pass_sell(seller=manager, buyer=waiting, product=product, now=NOW)
    spent.units_left = 0
    spent.save()
    offer = Booking.objects.get(user=waiting)
    client.force_login(waiting)
    page = client.get(f"/reserver/reservations/{offer.public_id}/")
    assert page.context["passes"] == [valid]
