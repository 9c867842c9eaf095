"""The last seat and the waiting list, as two people live them in the browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import Booking, Resource
from maillage.booking.timeslots import local_day
from maillage.places.services import place_create
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser


def next_tuesday():
    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def last_seat(reference_geography):
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[UserFactory()]).pk))
    space = Resource.objects.create(
        place=place, kind="open_space", name="Plateau", capacity=2, price_day_cents=1500
    )
    Booking.objects.create(
        resource=space,
        place=place,
        exclusive=False,
        user=UserFactory(),
        unit="day",
        payment="on_site",
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=8),
    )
    return space


def log_in(page, email):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()


def test_last_seat_waiting_list_and_offer(
    page, last_seat, live_server, serious_accessibility_violations
):
    day = next_tuesday().isoformat()
    UserFactory(email="alice@example.org")
    UserFactory(email="bruno@example.org")
    other = UserFactory()
    Booking.objects.create(  # one of the two seats is already taken that day
        resource=last_seat,
        place=last_seat.place,
        exclusive=False,
        user=other,
        unit="day",
        payment="on_site",
        starts_at=timezone.datetime.fromisoformat(f"{day}T08:00:00+00:00"),
        ends_at=timezone.datetime.fromisoformat(f"{day}T17:00:00+00:00"),
    )

    # Alice finds the last seat near Caen and books it with the keyboard.
    log_in(page, "alice@example.org")
    page.goto(f"/reserver/?date={day}&creneau=day&pres_de=Caen")
    expect(page.locator(".hit")).to_contain_text("1 place libre")
    page.get_by_role("link", name=re.compile("Réserver Plateau")).click()
    page.get_by_role("button", name="Confirmer la réservation").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservation confirmée")
    alice_booking = page.url

    # Bruno sees it full and joins the waiting list.
    bruno = page.context.browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    log_in(bruno, "bruno@example.org")
    bruno.goto(f"/reserver/?date={day}&creneau=day")
    expect(bruno.locator(".hit")).to_contain_text("Complet")
    bruno.get_by_role("link", name=re.compile("Liste d'attente")).click()
    bruno.get_by_role("button", name="Confirmer la réservation").click()
    expect(bruno.get_by_role("alert")).to_contain_text("Complet")
    bruno.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(bruno.get_by_role("status")).to_contain_text("Vous êtes sur la liste d'attente")
    expect(bruno.get_by_role("heading", name="Listes d'attente")).to_be_visible()

    # Alice cancels; the seat is offered to Bruno, who confirms it.
    page.goto(alice_booking)
    page.get_by_role("button", name="Annuler la réservation").click()
    expect(page.get_by_role("status")).to_contain_text("Réservation annulée")
    bruno.reload()
    expect(bruno.get_by_role("heading", name="Places proposées (liste d'attente)")).to_be_visible()
    bruno.get_by_role("link", name=re.compile("Plateau")).first.click()
    expect(bruno.get_by_role("heading", level=1)).to_have_text("Une place vous est proposée")
    bruno.get_by_role("button", name="Confirmer cette place").click()
    expect(bruno.get_by_role("status")).to_contain_text("Place confirmée")
    expect(bruno.get_by_role("heading", level=1)).to_have_text("Réservation confirmée")
    assert (
        Booking.objects.filter(
            resource=last_seat, status="confirmed", user__email="bruno@example.org"
        ).count()
        == 1
    )

    assert serious_accessibility_violations(f"/reserver/?date={day}&creneau=day", ".hit") == []
