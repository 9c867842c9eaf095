"""Fixtures of the settlement tests: the network's legal entity, two places with their
organisations' entities, network carnets, and bookings paid with network passes in November
2026 (computed in December)."""

from datetime import UTC, date, datetime

import pytest

from maillage.booking.models import PassProduct, PlaceBookingSettings
from maillage.booking.services import BookingRequest, booking_cancel, booking_create
from maillage.places.services import place_create
from maillage.settlement.services import agreement_set, network_pass_sale
from tests.booking.conftest import make_resource
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory, fablab_data

SOLD_AT = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)  # passes sold on Tuesday 20 October
BOOKED_AT = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # bookings made on Monday 2 November
AFTER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # November is over
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def network():
    return LegalEntityFactory(is_network=True, name="Réseau des tiers-lieux", invoice_prefix="R-")


@pytest.fixture
def seller(place):
    """The legal entity of the organisation that runs `place`."""
    return LegalEntityFactory(organisation=place.operator, name="La Fabrique SCIC")


@pytest.fixture
def other_manager():
    return UserFactory()


@pytest.fixture
def other_place(other_manager):
    place = place_create(
        data=fablab_data(operator=OrganisationFactory(managers=[other_manager]).pk)
    )
    LegalEntityFactory(organisation=place.operator, name="Fablab de Bayeux", franchise=True)
    return place


@pytest.fixture
def desks(place):
    PlaceBookingSettings.objects.create(place=place, accepts_network_pass=True)
    return make_resource(place, capacity=5)


@pytest.fixture
def other_desks(other_place):
    PlaceBookingSettings.objects.create(place=other_place, accepts_network_pass=True)
    return make_resource(other_place, capacity=5)


@pytest.fixture
def day_pass_product():
    return PassProduct.objects.create(
        place=None, name="Pass réseau 10 journées", unit="day", units=10, price_cents=15000
    )


@pytest.fixture
def half_day_pass_product():
    return PassProduct.objects.create(
        place=None, name="Pass réseau 10 demi-journées", unit="half_day", units=10, price_cents=8000
    )


def book_with_pass(user, resource, held, day: date, slot: str = "day", now=BOOKED_AT):
    booking, _ = booking_create(
        user=user,
        request=BookingRequest(
            resource=resource, day=day, slot=slot, payment="pass", pass_id=held.public_id
        ),
        now=now,
    )
    return booking


def sell(coordinator, product, buyer, quantity=1, **kw):
    return network_pass_sale(
        actor=coordinator,
        product=product,
        buyer_user=buyer,
        owners=[buyer] * quantity,
        quantity=quantity,
        paid_method=None,
        now=SOLD_AT,
        **kw,
    )


@pytest.fixture
def november(
    coordinator,
    network,
    seller,
    place,
    other_place,
    desks,
    other_desks,
    day_pass_product,
    half_day_pass_product,
):
    """Uses in two places: at `place` a day, a cancelled day, a morning and a day paid with
    half-day units; at `other_place` a day; a December day that November must not count."""
    agreement_set(
        actor=coordinator,
        place=place,
        rate_day_cents=1200,
        rate_half_day_cents=700,
        self_billing=False,
        valid_from=date(2026, 1, 1),
    )
    agreement_set(
        actor=coordinator,
        place=other_place,
        rate_day_cents=1000,
        rate_half_day_cents=600,
        self_billing=False,
        valid_from=date(2026, 1, 1),
    )
    ada, bob = UserFactory(), UserFactory()
    days = sell(coordinator, day_pass_product, ada).passes[0]
    halves = sell(coordinator, half_day_pass_product, bob).passes[0]
    book_with_pass(ada, desks, days, date(2026, 11, 3))
    cancelled = book_with_pass(ada, desks, days, date(2026, 11, 4))
    booking_cancel(actor=ada, public_id=cancelled.public_id, now=BOOKED_AT)
    book_with_pass(bob, desks, halves, date(2026, 11, 5), slot="morning")
    book_with_pass(bob, desks, halves, date(2026, 11, 6))  # a day: two half-day units
    book_with_pass(ada, other_desks, days, date(2026, 11, 10))
    book_with_pass(ada, desks, days, date(2026, 12, 1))
    return {"days": days, "halves": halves}
