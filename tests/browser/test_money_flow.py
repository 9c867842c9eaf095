"""Issue 13 end to end, on a phone and on a desk: an employee books a desk « payé par mon
employeur »; the month closes (the employer's invoice, the place's statement); the employer's
admin sees the month without the place and downloads the Factur-X invoice; the place's manager
accepts the statement and invoices the network. Every page fits the width and passes axe."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree
from playwright.sync_api import expect
from pypdf import PdfReader

from maillage.booking.models import Booking, Payment, Resource
from maillage.booking.timeslots import day_window, local_day
from maillage.employers.selectors import month_first, next_month
from maillage.employers.services import employer_month_invoice
from maillage.places.services import place_create
from maillage.settlement.models import SettlementStatement
from maillage.settlement.services import agreement_set, statement_compute
from tests.browser.conftest import serious_violations
from tests.employers.conftest import make_employee, make_employer
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory, place_data
from tests.production.seed import session_for

pytestmark = pytest.mark.browser

PLACE = "La Fabrique du Port"
BUYER_NAME = "//*[local-name()='BuyerTradeParty']/*[local-name()='Name']/text()"
# The innermost elements that reach past the viewport's right edge outside any scrolling box:
# what makes the page scroll sideways, named in the failure.
OVERFLOWING = """width => {
  const past = e => e.getBoundingClientRect().right > width + 0.5;
  const inScroller = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(e => past(e) && ![...e.children].some(past) && !inScroller(e))
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' '
              + (e.textContent || '').trim().slice(0, 40));
}"""


def bookable_day(resource: Resource):
    """The first day from tomorrow on when the place is open: in the current month except on
    its last open day (then the next month's, and that month closes instead)."""
    day = local_day(timezone.now()) + timedelta(days=1)
    while day_window(resource, day) is None:
        day += timedelta(days=1)
    return day


@pytest.fixture
def money(reference_geography):
    coordinator = UserFactory(coordinator=True)
    LegalEntityFactory(name="Réseau des tiers-lieux", is_network=True, invoice_prefix="R-")
    manager = UserFactory(email="gerante@fabrique.fr", display_name="Gérante")
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
    LegalEntityFactory(organisation=place.operator, name="SCIC La Fabrique", invoice_prefix="LF-")
    desk = Resource.objects.create(
        place=place, kind="open_space", name="Plateau", capacity=4, price_day_cents=1500
    )
    day = bookable_day(desk)
    agreement_set(
        actor=coordinator,
        place=place,
        rate_day_cents=1200,
        rate_half_day_cents=700,
        self_billing=False,
        valid_from=month_first(day) - timedelta(days=31),
    )
    admin = UserFactory(email="rh@acme.fr", display_name="Rose RH")
    employer = make_employer(admin)
    employee = make_employee(employer, email="alice@acme.fr", name="Alice Martin", budget=3)
    return {
        "coordinator": coordinator,
        "manager": manager,
        "place": place,
        "desk": desk,
        "day": day,
        "admin": admin,
        "employer": employer,
        "employee": employee,
    }


@pytest.fixture
def browse(browser, live_server):
    contexts = []

    def as_user(user, width):
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,  # only so that axe can be injected
            locale="fr-FR",
            viewport={"width": width, "height": 860},
            accept_downloads=True,
        )
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_for(user),
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield as_user
    for context in contexts:
        context.close()


def checked(page, width):
    """The page once its stylesheets are in: no sideways scroll, no serious axe violation."""
    page.wait_for_load_state("load")
    wide = page.evaluate(OVERFLOWING, width)
    assert (page.evaluate("document.documentElement.scrollWidth"), wide) == (width, [])
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_employer_pays_month_closes_invoice_and_settlement(browse, money, width):
    day, place = money["day"], money["place"]

    # The employee finds the desk, chooses her employer, sees the price, confirms.
    page = browse(money["employee"].user, width)
    page.goto(f"/reserver/?date={day.isoformat()}&creneau=day&pres_de=Caen")
    checked(page, width)
    page.get_by_role("link", name=re.compile(f"Réserver Plateau, {PLACE}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver « Plateau »")
    expect(page.get_by_text("Tarifs :")).to_contain_text("journée 15,00 €")
    expect(page.get_by_text("« Payé par mon employeur » : dans la limite")).to_be_visible()
    checked(page, width)
    expect(page.locator("label", has_text="payé par mon employeur")).to_have_text(
        "payé par mon employeur : 15,00 € (reste ce mois-ci : 3 jours)"
    )
    page.get_by_label(re.compile("^payé par mon employeur")).check()
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservation confirmée")
    expect(page.locator(".booking-facts dt:text-is('Règlement') + dd")).to_have_text(
        "payé par mon employeur : 15,00 €"
    )
    checked(page, width)
    # What her employer will see of her month, on her own page « Mon employeur ».
    page.goto(f"/compte/employeur/?mois={day:%Y-%m}")
    seen = page.locator(".month-table tbody tr")
    expect(seen.locator("td").nth(2)).to_have_text("15,00 €")
    checked(page, width)
    seen_by_her = seen.inner_text()
    booking = Booking.objects.get(user=money["employee"].user)
    assert (booking.payment, booking.price_cents, booking.employee_id) == (
        Payment.EMPLOYER,
        1500,
        money["employee"].pk,
    )

    # The month closes: the monthly command's invoice, the coordination's statement.
    month = month_first(day)
    closing = datetime.combine(next_month(month), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=6
    )
    invoice = employer_month_invoice(employer=money["employer"], month=month, now=closing)
    statement = statement_compute(actor=money["coordinator"], place=place, month=month, now=closing)
    assert (invoice.total_ttc_cents, statement.employer_amount_cents) == (1500, 1500)

    # The employer's admin: the month without the place, the invoice, its Factur-X PDF.
    page = browse(money["admin"], width)
    page.goto(f"/employeurs/{money['employer'].public_id}/?mois={month:%Y-%m}")
    row = page.locator(".month-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Alice Martin")
    expect(row.locator("td").nth(1)).to_have_text("1 jour")
    expect(row.locator("td").nth(2)).to_have_text("15,00 €")
    expect(row.locator("td").nth(6)).to_have_text("non partagés")
    expect(page.locator("main")).not_to_contain_text(PLACE)
    assert row.inner_text() == seen_by_her
    checked(page, width)
    page.get_by_role("link", name=invoice.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(invoice.reference)
    expect(page.locator(".invoice-document")).to_contain_text("Acme Industries")
    expect(page.locator(".invoice-document")).to_contain_text("Alice Martin — 1 jour en tiers-lieu")
    expect(page.locator(".invoice-document")).not_to_contain_text(PLACE)
    checked(page, width)
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Télécharger le PDF (Factur-X)").click()
    download = waiting.value
    assert download.suggested_filename == f"{invoice.reference}.pdf"
    content = Path(download.path()).read_bytes()
    assert content[:4] == b"%PDF"
    [xml] = PdfReader(io.BytesIO(content)).attachments["factur-x.xml"]
    assert etree.fromstring(xml).xpath(BUYER_NAME) == ["Acme Industries"]

    # The place's manager: the statement, accepted, then invoiced to the network.
    page = browse(money["manager"], width)
    page.goto(f"/lieux/{place.public_id}/reversements/")
    card = page.locator("article.feed")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("réservations payées par les employeurs : 15,00 €")
    expect(card.locator("tbody tr")).to_have_count(1)
    expect(card.locator("tbody tr td").last).to_have_text("15,00 €")
    checked(page, width)
    card.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(page.get_by_role("status")).to_contain_text("accepté")
    page.get_by_role("button", name=re.compile("^Émettre la facture")).click()
    expect(page.get_by_role("status")).to_contain_text("émise au réseau.")
    statement.refresh_from_db()
    assert statement.status == SettlementStatement.Status.INVOICED
    reference = statement.invoice.reference
    expect(page.get_by_role("status")).to_have_text(f"Facture {reference} émise au réseau.")
    expect(card.get_by_role("link", name=reference)).to_be_visible()
    assert reference.startswith("LF-")
    assert statement.invoice.buyer_entity.is_network
    assert statement.invoice.total_ttc_cents == 1500
    checked(page, width)
