"""Two owners of every money object, for the hostile sweeps: side A (`owner`: coordinator,
manager of place A and its seller, admin of employer A) holds one object of each kind; side B
(`other_manager` of place B and its seller, `other_admin` of employer B) holds its own. The
attackers are side B, a plain member and an anonymous visitor."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.services import Buyer, invoice_create, invoice_draft, period_close
from maillage.booking.models import Pass, PassProduct, PlaceBookingSettings
from maillage.booking.services import BookingRequest, booking_create
from maillage.employers.models import Employer
from maillage.employers.services import domain_join, employer_open, invitation_send
from maillage.payments.services import checkout_start, payment_record
from maillage.places.services import place_create
from maillage.settlement.services import agreement_set, network_pass_sale, statement_compute
from tests.booking.conftest import make_resource
from tests.employers.conftest import identity
from tests.factories import (
    LegalEntityFactory,
    OrganisationFactory,
    UserFactory,
    fablab_data,
    luhn_complete,
    place_data,
)
from tests.payments.conftest import day_line

# Wednesday 2 December 2026, 10:00 in Paris: November is over and closed.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ISSUED_AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOVEMBER = date(2026, 11, 1)

# Names of side A that no attacker may read on any page.
SELLER_A = "Zéphyr Coopérative"
EMPLOYER_A = "Acme Industries"
EMPLOYEE_A = "Alice Zarkov"
SECRETS = (SELLER_A, EMPLOYER_A, EMPLOYEE_A)

# The rows the sweeps count before and after every request.
COUNTED = (
    "billing.Invoice",
    "billing.InvoiceLine",
    "billing.AccountingPeriod",
    "billing.LegalEntity",
    "payments.Payment",
    "payments.CheckoutSession",
    "employers.Employer",
    "employers.Employee",
    "employers.Invitation",
    "settlement.SettlementStatement",
    "settlement.SettlementAgreement",
    "settlement.NetworkPassSale",
    "booking.Pass",
    "booking.PassProduct",
    "booking.Booking",
    "audit.AuditEvent",
)


def db_state() -> dict:
    """Row counts of the money tables and the fields an attacker would like to change."""
    state = {label: apps.get_model(label).objects.count() for label in COUNTED}
    state["invoices"] = sorted(
        Invoice.objects.values_list("pk", "status", "number", "reference", "total_ttc_cents")
    )
    state["networks"] = sorted(LegalEntity.objects.filter(is_network=True).values_list("pk"))
    state["passes"] = sorted(Pass.objects.values_list("pk", "units_left"))
    state["products"] = sorted(PassProduct.objects.values_list("pk", "price_cents", "is_active"))
    state["statements"] = sorted(
        apps.get_model("settlement.SettlementStatement").objects.values_list("pk", "status")
    )
    state["employees"] = sorted(
        apps.get_model("employers.Employee").objects.values_list(
            "pk", "status", "monthly_budget", "shares_details"
        )
    )
    state["admins"] = sorted(Employer.admins.through.objects.values_list("employer_id", "user_id"))
    state["staff"] = sorted(
        get_user_model().objects.filter(is_staff=True).values_list("pk", flat=True)
    )
    state["bookings"] = sorted(
        apps.get_model("booking.Booking").objects.values_list("pk", "status", "price_cents")
    )
    return state


@dataclass
class World:
    owner: object
    member: object
    other_manager: object
    other_admin: object
    seller: LegalEntity
    organisation: object
    place: object
    invoice: Invoice
    draft: Invoice
    period: object
    payment: object
    session: object
    employer: Employer
    employee: object
    invitation: object
    booking: object
    product: PassProduct
    statement: object


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture(autouse=True)
def archives_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "archives": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archives")},
        },
    }


@pytest.fixture
def fake_payments(settings):
    settings.MAILLAGE_PAYMENT_PROVIDER = "fake"


@pytest.fixture
def world(fake_payments) -> World:
    LegalEntityFactory(is_network=True, name="Réseau des tiers-lieux", invoice_prefix="R-")
    owner = UserFactory(coordinator=True, email="owner@acme.fr")
    organisation = OrganisationFactory(managers=[owner])
    place = place_create(data=place_data(operator=organisation.pk))
    seller = LegalEntityFactory(organisation=organisation, name=SELLER_A)
    PlaceBookingSettings.objects.create(place=place, accepts_network_pass=True)
    desk = make_resource(place, capacity=5)

    other_manager = UserFactory(email="gerant@autre.fr")
    other_organisation = OrganisationFactory(managers=[other_manager])
    other_place = place_create(data=fablab_data(operator=other_organisation.pk))
    LegalEntityFactory(organisation=other_organisation, name="Fablab B")
    other_admin = UserFactory(email="rh@beta.fr")
    other_siren = luhn_complete("81234567")
    employer_open(
        user=other_admin,
        identity=identity(
            name="Beta Conseil",
            siren=other_siren,
            siret=luhn_complete(other_siren + "0001"),
            email="compta@beta.fr",
            email_domain="beta.fr",
        ),
    )
    make_resource(other_place)

    employer = employer_open(user=owner, identity=identity(name=EMPLOYER_A))
    employee = domain_join(
        user=UserFactory(email="alice@acme.fr", display_name=EMPLOYEE_A), employer=employer
    )
    invitation_send(actor=owner, employer=employer, emails=["bob@acme.fr"])
    invoice = invoice_create(
        seller=seller,
        buyer=Buyer(entity=employer.entity),
        lines=[day_line(), day_line(3000)],
        now=ISSUED_AT,
    )
    draft = invoice_draft(seller=seller, buyer=Buyer(entity=employer.entity), lines=[day_line()])
    period = period_close(
        seller=seller, starts_on=NOVEMBER, ends_on=date(2026, 11, 30), actor=owner, now=NOW
    )
    payment = payment_record(
        actor=owner,
        invoice=invoice,
        method="transfer",
        amount_cents=500,
        received_on=date(2026, 12, 1),
    )
    session = checkout_start(user=owner, invoice=invoice)
    booking, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=desk, day=date(2026, 12, 8), slot="day"),
        now=NOW,
    )
    product = PassProduct.objects.create(
        place=None, name="Pass réseau 10 journées", unit="day", units=10, price_cents=15000
    )
    network_pass_sale(
        actor=owner,
        product=product,
        buyer_user=owner,
        owners=[owner],
        quantity=1,
        paid_method=None,
        now=ISSUED_AT,
    )
    agreement_set(
        actor=owner,
        place=place,
        rate_day_cents=1200,
        rate_half_day_cents=700,
        self_billing=False,
        valid_from=date(2026, 1, 1),
    )
    statement = statement_compute(actor=owner, place=place, month=NOVEMBER, now=NOW)
    return World(
        owner=owner,
        member=UserFactory(email="membre@exemple.fr"),
        other_manager=other_manager,
        other_admin=other_admin,
        seller=seller,
        organisation=organisation,
        place=place,
        invoice=invoice,
        draft=draft,
        period=period,
        payment=payment,
        session=session,
        employer=employer,
        employee=employee,
        invitation=employer.invitations.get(),
        booking=booking,
        product=product,
        statement=statement,
    )
