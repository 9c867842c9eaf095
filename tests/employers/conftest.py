"""Employer accounts for the tests: the network's entity, an employer whose people join by the
domain « acme.fr », and an employee with a budget of 3 days a month."""

from datetime import UTC, date, datetime

import pytest

from maillage.booking.services import BookingRequest, booking_create
from maillage.employers.services import domain_join, employer_open
from tests.booking.conftest import make_resource
from tests.factories import LegalEntityFactory, UserFactory, luhn_complete

# Monday 30 November 2026, 08:00 in Paris; bookings in December, invoiced in January.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
DECEMBER = date(2026, 12, 1)
JANUARY_NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
SIREN = luhn_complete("73282932")


def identity(**overrides) -> dict:
    return {
        "name": "Acme Industries",
        "legal_form": "SAS",
        "siren": SIREN,
        "siret": luhn_complete(SIREN + "0001"),
        "address": "1 rue de la Paix",
        "postcode": "14000",
        "city": "Caen",
        "email": "compta@acme.fr",
        "email_domain": "acme.fr",
    } | overrides


@pytest.fixture
def network():
    return LegalEntityFactory(name="Réseau des tiers-lieux", is_network=True)


@pytest.fixture
def admin():
    return UserFactory(email="rh@acme.fr", display_name="Rose RH")


def make_employer(admin, **overrides):
    return employer_open(user=admin, identity=identity(**overrides))


@pytest.fixture
def employer(admin):
    return make_employer(admin)


def join(employer, email: str, name: str):
    return domain_join(user=UserFactory(email=email, display_name=name), employer=employer)


def make_employee(employer, email="alice@acme.fr", name="Alice Martin", budget=3, **rules):
    """An employee with `budget` (days unless budget_unit says euros) and other rule fields."""
    employee = join(employer, email, name)
    for key, value in ({"monthly_budget": budget} | rules).items():
        setattr(employee, key, value)
    employee.save()
    return employee


@pytest.fixture
def employee(employer):
    """Alice, 3 days a month (the employer's default is 4)."""
    return make_employee(employer)


@pytest.fixture
def desk(place):
    return make_resource(place)


def book(employee, resource, day, slot="day", **kw):
    booking, _ = booking_create(
        user=employee.user,
        request=BookingRequest(resource=resource, day=day, slot=slot, payment="employer", **kw),
        now=NOW,
    )
    return booking
