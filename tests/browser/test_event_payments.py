"""A priced event collected at the event, on a phone: the team's registrations page offers
« Encaisser » with the method, then shows « payé — facture N° … »; the page fits 375 px and
passes axe before and after."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.billing.models import Invoice
from maillage.booking.timeslots import local_day
from maillage.events.services import registration_create
from maillage.payments.models import Payment
from maillage.places.services import place_create
from tests.browser.conftest import serious_violations
from tests.events.conftest import make_event
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser


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


def test_team_collects_a_registration_on_a_phone(phone_page):
    manager = UserFactory(email="gestion@fabrique.fr")
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
    LegalEntityFactory(organisation=place.operator, name="SCIC La Fabrique")
    event = make_event(
        manager,
        place,
        now=None,
        day=local_day(timezone.now()) + timedelta(days=20),
        price_cents=1500,
    )
    registration_create(event=event, user=UserFactory(display_name="Camille Visiteuse"))
    page = phone_page

    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill("gestion@fabrique.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()
    page.goto(f"/evenements/{event.public_id}/inscrits/")

    row = page.get_by_role("row", name="Camille Visiteuse")
    expect(row.get_by_role("button", name="Encaisser : Camille Visiteuse")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    assert serious_violations(page) == []
    row.get_by_label("Moyen de paiement de Camille Visiteuse").select_option("cheque")
    row.get_by_role("button", name="Encaisser : Camille Visiteuse").click()

    expect(page.get_by_text("Inscription encaissée : facture F-000001 de 15,00 €.")).to_be_visible()
    row = page.get_by_role("row", name="Camille Visiteuse")
    expect(row).to_contain_text("payé — facture N° F-000001")
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    assert serious_violations(page) == []
    row.get_by_role("link", name="N° F-000001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("F-000001")
    invoice = Invoice.objects.get()
    assert invoice.total_ttc_cents == 1500
    assert list(Payment.objects.values_list("method", "amount_cents")) == [("cheque", 1500)]
