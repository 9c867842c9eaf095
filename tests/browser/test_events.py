"""Events end to end: a place's manager publishes an event through the form; a visitor signs in,
registers from the event page and sees the confirmation; the manager's list shows them. The
agenda and the event page fit a phone (375 px) and pass axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.timeslots import local_day
from maillage.events.models import Event, Registration
from maillage.places.services import place_create
from tests.browser.conftest import serious_violations
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


@pytest.fixture
def phone_page(browser, live_server, reference_geography):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe can be injected
    )
    yield context.new_page()
    context.close()


def test_publish_register_and_see_the_list(page, phone_page):
    manager = UserFactory(email="gestion@fabrique.fr", display_name="Gestion Fabrique")
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
    UserFactory(email="visiteuse@exemple.fr", display_name="Camille Visiteuse")
    day = local_day(timezone.now()) + timedelta(days=20)

    # The manager publishes from the place page's « Publier un événement ».
    log_in(page, "gestion@fabrique.fr")
    page.goto(f"/lieux/{place.public_id}/")
    page.get_by_role("link", name="Publier un événement").click()
    expect(page.get_by_label("Organisé par")).to_have_value(str(place.public_id))
    page.get_by_label("Titre").fill("Atelier réparation de vélos")
    page.get_by_label("Description").fill("Apportez votre vélo.")
    page.get_by_label("Date (obligatoire)").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("18:00")
    page.get_by_label("Heure de fin").fill("20:00")
    page.get_by_label("Nombre de places").fill("8")
    page.get_by_label("Thème").select_option("fabrication")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier réparation de vélos")
    event = Event.objects.get()
    assert (event.place_id, event.capacity) == (place.pk, 8)
    log_out(page)

    # A visitor finds it on the agenda (on a phone), signs in and registers.
    phone_page.goto("/agenda/")
    expect(phone_page.locator("#events-map")).to_have_attribute("data-count", "1")
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    assert serious_violations(phone_page) == []
    phone_page.get_by_role("link", name="Atelier réparation de vélos").click()
    phone_page.get_by_role("link", name="Connectez-vous pour vous inscrire").click()
    phone_page.get_by_label("Adresse e-mail").fill("visiteuse@exemple.fr")
    phone_page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    phone_page.get_by_role("button", name="Se connecter").click()
    phone_page.get_by_role("button", name="M'inscrire").click()
    expect(phone_page.locator("#inscription-etat")).to_have_text("Vous êtes inscrit.")
    expect(phone_page.get_by_text("Inscription confirmée")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 375
    assert serious_violations(phone_page) == []
    assert Registration.objects.get().status == "confirmed"

    # The manager's list shows her.
    log_in(page, "gestion@fabrique.fr")
    page.goto("/evenements/organiser/")
    page.get_by_role("link", name="Atelier réparation de vélos").click()
    row = page.get_by_role("row", name="Camille Visiteuse")
    expect(row).to_contain_text("inscrit")
    expect(page.get_by_text("1 inscrit sur 8 places")).to_be_visible()
