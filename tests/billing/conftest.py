"""Issued documents of every kind the French rules tell apart, for the billing tests: a person
(B2C), an employer (B2B), a seller under the VAT franchise, a credit note, a public buyer."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from maillage.billing.services import Buyer, LineInput, credit_note_issue, invoice_create
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory

ISSUED_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def desk_days(days: int = 2, **kw) -> LineInput:
    """Desk days at 12,50 € HT (20 %): 2 days = 25,00 € HT, 5,00 € VAT."""
    values = {
        "label": "Poste en espace partagé, journée",
        "quantity": Decimal(days),
        "unit_price_ht_cents": 1250,
        "vat_rate_bp": 2000,
        "unit": "DAY",
    }
    return LineInput(**(values | kw))


def meal_line(**kw) -> LineInput:
    """A 10 % line, so that a document has two VAT rates."""
    values = {
        "label": "Déjeuner partagé",
        "quantity": Decimal("1.5"),
        "unit_price_ht_cents": 999,
        "vat_rate_bp": 1000,
    }
    return LineInput(**(values | kw))


@pytest.fixture
def seller_manager():
    return UserFactory(display_name="Gérante du lieu")


@pytest.fixture
def place_seller(seller_manager):
    """The legal entity of a place's operator, managed by `seller_manager`."""
    organisation = OrganisationFactory(managers=[seller_manager])
    return LegalEntityFactory(
        name="SCIC La Fabrique du Port",
        legal_form="SCIC SAS",
        organisation=organisation,
        late_penalty_rate="taux d'intérêt légal majoré de 10 points",
    )


@pytest.fixture
def member():
    return UserFactory(first_name="Camille", last_name="Martin", email="camille@exemple.fr")


@pytest.fixture
def b2c_invoice(place_seller, member):
    return invoice_create(
        seller=place_seller,
        buyer=Buyer(user=member, address="3 rue Écuyère", postcode="14000", city="Caen"),
        lines=[desk_days(service_date=date(2026, 11, 27)), meal_line()],
        service_start=date(2026, 11, 26),
        service_end=date(2026, 11, 27),
        now=ISSUED_AT,
    )


@pytest.fixture
def employer():
    return LegalEntityFactory(name="Industries Normandes SA", legal_form="SA")


@pytest.fixture
def b2b_invoice(place_seller, employer):
    return invoice_create(
        seller=place_seller,
        buyer=Buyer(entity=employer, order_ref="BC-2026-118"),
        lines=[desk_days(10), meal_line(quantity=Decimal(3))],
        service_start=date(2026, 11, 1),
        service_end=date(2026, 11, 30),
        now=ISSUED_AT,
    )


@pytest.fixture
def franchise_invoice(member):
    seller = LegalEntityFactory(
        franchise=True, name="Atelier Partagé", legal_form="association", rcs="", share_capital=""
    )
    return invoice_create(
        seller=seller,
        buyer=Buyer(user=member),
        lines=[desk_days(3, unit_price_ht_cents=1000, vat_rate_bp=0)],
        now=ISSUED_AT,
    )


@pytest.fixture
def credit_note(b2b_invoice):
    return credit_note_issue(
        original=b2b_invoice,
        reason="Deux journées annulées",
        lines=[desk_days(2)],
        now=ISSUED_AT,
    )


@pytest.fixture
def commune():
    return LegalEntityFactory(
        name="Commune de Bayeux",
        legal_form="collectivité territoriale",
        rcs="",
        share_capital="",
        vat_number="",
        is_public_body=True,
        service_code="SERV-TIERS-LIEUX",
    )


@pytest.fixture
def public_invoice(place_seller, commune):
    return invoice_create(
        seller=place_seller,
        buyer=Buyer(entity=commune, order_ref="ENG-2026-0042"),
        lines=[desk_days(4)],
        service_start=date(2026, 11, 2),
        service_end=date(2026, 11, 27),
        now=ISSUED_AT,
    )
