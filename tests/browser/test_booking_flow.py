"""The booking flow on a phone and a desktop: honest advice for rooms by the day, the waiting list
and the cancellation deadline on the availability page, the calendar address copied."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import Booking, Resource, WaitlistEntry
from maillage.booking.services import BookingRequest, booking_create
from maillage.booking.timeslots import local_day
from maillage.places.services import place_create
from tests.browser.conftest import serious_violations
from tests.factories import OrganisationFactory, UserFactory, place_data
from tests.mailbox import deliver

pytestmark = pytest.mark.browser
WIDTHS = [375, 1280]


def next_tuesday():
    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def offer(reference_geography):
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[UserFactory()]).pk))
    desk = Resource.objects.create(
        place=place, kind="open_space", name="Plateau", capacity=1, price_day_cents=1500
    )
    room = Resource.objects.create(
        place=place,
        kind="meeting_room",
        name="Salle Hublot",
        capacity=1,
        by_hour=True,
        by_day=False,
        max_minutes=240,
        price_hour_cents=2000,
    )
    booking_create(  # the desk's morning is taken
        user=UserFactory(),
        request=BookingRequest(resource=desk, day=next_tuesday(), slot="morning"),
    )
    return desk, room


def log_in(page, email):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.fixture
def member_page(browser, live_server, reference_geography):
    contexts = []

    def open_at(width):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport={"width": width, "height": 860},
            bypass_csp=True,  # only so that axe can be injected
            permissions=["clipboard-read", "clipboard-write"],
        )
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_rooms_by_the_day_waiting_list_and_deadline(member_page, offer, width):
    desk, _room = offer
    day = next_tuesday()
    UserFactory(email="claire@example.org")
    page = member_page(width)
    log_in(page, "claire@example.org")

    # Rooms by the day: the only room is let 4 hours at most; the page says so and links on.
    page.goto(f"/reserver/?date={day.isoformat()}&creneau=day&type=meeting_room&pres_de=Caen")
    expect(page.locator(".search-hint")).to_contain_text(
        "Aucune salle de réunion de cette zone ne se réserve pour toute la journée ce jour-là ; "
        "essayez par demi-journée."
    )
    fits(page, width)
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile("Chercher : matinée")).click()
    expect(page.locator(".hit")).to_contain_text("Salle Hublot")
    expect(page.get_by_role("heading", level=2, name=re.compile("1 lieu"))).to_be_visible()

    # The desk's morning is full: the availability page offers the list in the row itself,
    # and tells the deadline of the afternoon before confirming.
    page.goto(f"/reserver/ressource/{desk.pk}/?date={day.isoformat()}&creneau=afternoon")
    expect(page.locator(".cancel-deadline")).to_contain_text(
        "Annulation possible en ligne jusqu'au"
    )
    expect(page.locator(".cancel-deadline")).to_contain_text("(heure de Paris), soit 24 h")
    fits(page, width)
    assert serious_violations(page) == []
    page.get_by_role("button", name=re.compile("Liste d'attente : matinée")).click()
    expect(page.get_by_role("status").first).to_contain_text("Vous êtes sur la liste d'attente")
    assert WaitlistEntry.objects.filter(user__email="claire@example.org").count() == 1
    assert Booking.objects.filter(resource=desk).count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_calendar_address_copied_with_a_spoken_confirmation(member_page, offer, width):
    UserFactory(email="denis@example.org")
    page = member_page(width)
    log_in(page, "denis@example.org")
    page.goto("/reserver/agendas/")
    page.get_by_role("button", name="Créer une adresse").click()
    address = page.get_by_label("Adresse de l'agenda")
    expect(page.get_by_role("link", name=re.compile("webcal"))).to_have_attribute(
        "href", re.compile(r"^webcal://[^/]+/reserver/agenda/[\w-]+\.ics$")
    )
    # The success message of the base template is a <ul role="status"> whose <li> axe reports
    # (listitem): reported to the lead; the page itself is checked once the message is gone.
    page.reload()
    fits(page, width)
    assert serious_violations(page) == []
    page.get_by_role("button", name=re.compile("Copier l'adresse")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_have_text(
        "Adresse copiée : collez-la dans votre application d'agenda."
    )
    assert page.evaluate("navigator.clipboard.readText()") == address.input_value()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_walk_in_books_without_an_account_and_confirms_by_e_mail(member_page, offer, width):
    day = next_tuesday().isoformat()
    page = member_page(width)
    page.goto(f"/reserver/?date={day}&creneau=afternoon&pres_de=Caen")
    page.get_by_role("link", name=re.compile("Réserver Plateau")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver « Plateau » sans compte")
    expect(page.locator(".cancel-deadline")).to_contain_text("(heure de Paris)")
    fits(page, width)
    assert serious_violations(page) == []
    page.get_by_label("Votre nom").fill("Léa Martin")
    page.get_by_label("Votre adresse e-mail").fill(f"lea-{width}@exemple.fr")
    page.get_by_label(re.compile("J'accepte")).check()
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    expect(page.get_by_role("status")).to_contain_text("La place vous est retenue 30 minutes")
    fits(page, width)
    [message] = [m for m in deliver() if m.to == [f"lea-{width}@exemple.fr"]]
    path = re.search(r"/reserver/sans-compte/confirmer/[^/\s]+/", message.body).group(0)
    page.goto(path)
    fits(page, width)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Confirmer ma réservation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservation confirmée")
    assert Booking.objects.get(user__email=f"lea-{width}@exemple.fr").status == "confirmed"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cost_follows_the_slot_before_confirming(page, offer, width):
    desk, _room = offer
    desk.by_half_day = True
    desk.price_half_day_cents = 900
    desk.save()
    member = UserFactory()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, member.email)
    page.goto(f"/reserver/ressource/{desk.pk}/?date={next_tuesday() + timedelta(days=1)}")
    on_site = page.locator("#payment-choice label").first
    expect(on_site).to_have_text("à régler au lieu : 15,00\u00a0€")
    page.get_by_label("Créneau").select_option("afternoon")
    expect(page.locator("#payment-choice label").first).to_have_text(
        "à régler au lieu : 9,00\u00a0€"
    )
    fits(page, width)  # under our real CSP: htmx needs no inline script (axe runs in the sweep)
