"""« Réalisé » of a place's plan: invoices (credit notes subtracted) and bookings, made through
the billing and booking services."""

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from maillage.billing.services import Buyer, LineInput, credit_note_issue, invoice_create
from maillage.booking.services import BookingRequest, booking_create
from maillage.economics.engine import Pool, plan_compute
from maillage.economics.realised import (
    OTHER_SALES,
    place_realised,
    realised_rows,
    workbook_realised,
)
from tests.booking.conftest import make_resource
from tests.economics.plans import four_year_plan
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db

BOOKED_AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 30 November 2026, 08:00 Paris
ISSUED_AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CORRECTED_AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def line(label, quantity, price, unit) -> LineInput:
    return LineInput(
        label=label,
        quantity=Decimal(quantity),
        unit_price_ht_cents=price,
        vat_rate_bp=2000,
        unit=unit,
    )


@pytest.fixture
def plan_2026():
    """The four-year plan moved to start in 2026, so that 2026 is a year already lived."""
    return dataclasses.replace(four_year_plan(), first_year=2026)


@pytest.fixture
def sales(place):
    seller = LegalEntityFactory(name="SCIC du Port", organisation=place.operator)
    member = UserFactory(email="client@exemple.fr")
    invoice = invoice_create(
        seller=seller,
        buyer=Buyer(user=member, address="3 rue Écuyère", postcode="14000", city="Caen"),
        lines=[
            line("Journée", 4, 1500, "DAY"),  # 60,00 €
            line("Abonnement", 1, 18000, "MON"),  # 180,00 €
            line("Salle (heure)", 3, 2000, "HUR"),  # 60,00 €
            line("Café", 10, 150, "C62"),  # 15,00 €: autres ventes
        ],
        now=ISSUED_AT,
    )
    credit_note_issue(
        original=invoice,
        reason="Une journée non due",
        lines=[line("Journée", 1, 1500, "DAY")],
        now=CORRECTED_AT,
    )
    return invoice


def test_revenue_by_product_with_credit_notes_subtracted(place, plan_2026, sales):
    realised = place_realised(place, plan_2026, today=date(2026, 12, 8))
    assert [r.calendar_year for r in realised] == [2026]
    # MON is ambiguous in this plan (the subscription and the office rent are both monthly):
    # it goes to « autres ventes » with the coffee.
    assert realised[0].revenue_cents == {
        "journee": 4500,  # 60,00 − 15,00 of the credit note
        "salle-heure": 6000,
        OTHER_SALES: 18000 + 1500,
    }
    assert realised[0].total_cents == 30000


def test_an_unambiguous_monthly_product_gets_its_sales(place, plan_2026, sales):
    without_rent = dataclasses.replace(
        plan_2026, products=tuple(p for p in plan_2026.products if p.key != "bureau")
    )
    realised = place_realised(place, without_rent, today=date(2026, 12, 8))[0]
    assert realised.revenue_cents == {
        "journee": 4500,
        "mois": 18000,
        "salle-heure": 6000,
        OTHER_SALES: 1500,
    }


def test_years_not_begun_have_no_realised(place, sales):
    assert place_realised(place, four_year_plan(), today=date(2026, 12, 8)) == []


def test_occupancy_from_bookings(place, plan_2026):
    desks = make_resource(place, capacity=3)
    member = UserFactory()
    booking_create(
        user=member,
        request=BookingRequest(resource=desks, day=date(2026, 12, 1), slot="day"),
        now=BOOKED_AT,
    )
    realised = place_realised(place, plan_2026, today=date(2026, 12, 31))[0]
    # 2026 has 261 weekdays open 09:00–18:00 (place_data's hours), 3 seats; one seat for a day.
    assert realised.seat_occupancy == (9 * 3600) / (261 * 9 * 3600 * 3)
    assert realised.room_occupancy is None  # no meeting room on the platform


def test_results_page_and_workbook_show_the_realised(client, manager, place, sales, document):
    import io

    import openpyxl

    from maillage.economics.workbook import REALISED
    from tests.economics.conftest import stored

    plan = stored(manager, place=place, document=document | {"annee_debut": 2026})
    client.force_login(manager)
    html = client.get(reverse("economics:results", kwargs={"public_id": plan.public_id}))
    text = html.content.decode()
    assert "Réalisé comparé au scénario central" in text
    assert "<td>45,00\u00a0€</td>" in text  # journée: 60,00 − 15,00
    assert "<td>195,00\u00a0€</td>" in text  # autres ventes: 180,00 + 15,00
    body = client.get(
        reverse("economics:download", kwargs={"public_id": plan.public_id, "fmt": "xlsx"})
    ).content
    sheet = openpyxl.load_workbook(io.BytesIO(body))[REALISED]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=10)]
    assert values[0][:3] == ["Journée", "réalisé", 45.0]


def test_workbook_realised_shape(plan_2026):
    from maillage.economics.realised import RealisedYear

    entry = RealisedYear(2026, {"journee": 4500}, seat_occupancy=0.25, room_occupancy=None)
    assert workbook_realised(plan_2026, [entry]) == {
        1: {"recettes": {"journee": 4500}, "occupation": {Pool.SEATS: 0.25}}
    }


HOURLY = {
    "capacity": 1,
    "by_hour": True,
    "by_half_day": True,
    "by_day": True,
    "min_minutes": 60,
    "max_minutes": 540,
    "price_hour_cents": 2000,
}


def _book(resource, slot="day", start=None, end=None):
    from datetime import time

    return booking_create(
        user=UserFactory(),
        request=BookingRequest(
            resource=resource,
            day=date(2026, 12, 1),
            slot=slot,
            start=start and time(start),
            end=end and time(end),
        ),
        now=BOOKED_AT,
    )


def test_room_and_office_occupancy_per_kind_equipment_left_out(place, plan_2026):
    from maillage.booking.models import Resource

    kinds = Resource.Kind
    meeting = make_resource(place, kind=kinds.MEETING_ROOM, name="Salle Hublot", **HOURLY)
    visio = make_resource(place, kind=kinds.VISIO_ROOM, name="Salle Écran", **HOURLY)
    office = make_resource(place, kind=kinds.OFFICE, name="Bureau 1", **HOURLY)
    printer = make_resource(place, kind=kinds.EQUIPMENT, name="Traceur", **HOURLY)
    _book(meeting, "hours", 9, 11)  # 2 h
    _book(visio, "hours", 14, 15)  # 1 h
    _book(office)  # the day: 9 h
    _book(printer)  # 9 h, not a room nor an office: left out
    realised = place_realised(place, plan_2026, today=date(2026, 12, 31))[0]
    year_hours = 261 * 9 * 3600  # 261 weekdays open 09:00–18:00 in 2026, per resource
    assert realised.room_occupancy == (3 * 3600) / (2 * year_hours)
    assert realised.office_occupancy == (9 * 3600) / year_hours
    rows = realised_rows(plan_2026, plan_compute(plan_2026), [realised])
    assert [row["label"] for row in rows["occupancy"]] == [
        "Occupation des postes",
        "Occupation des bureaux fermés",
        "Occupation des salles",
    ]
    assert rows["occupancy"][1]["cells"] == [(0.50, (9 * 3600) / year_hours)]
    assert rows["headings"] == ["2026"]
    assert workbook_realised(plan_2026, [realised])[1]["occupation"] == {
        Pool.OFFICES: 9 / (261 * 9),
        Pool.ROOMS: 3 / (2 * 261 * 9),
    }


def test_sales_of_two_places_of_one_operator_are_not_mixed(place, plan_2026):
    from maillage.places.services import place_create
    from tests.factories import IN_BAYEUX, place_data

    annex = place_create(data=place_data(name="Annexe", operator=place.operator_id, **IN_BAYEUX))
    room = make_resource(place, kind="meeting_room", name="Salle Hublot", **HOURLY)
    booking, _ = _book(room, "hours", 9, 12)
    seller = LegalEntityFactory(name="SCIC du Port", organisation=place.operator)
    invoice = invoice_create(
        seller=seller,
        buyer=Buyer(user=UserFactory(), address="3 rue Écuyère", postcode="14000", city="Caen"),
        lines=[
            dataclasses.replace(line("Salle (heure)", 3, 2000, "HUR"), booking_id=booking.pk),
            line("Café", 10, 150, "C62"),  # tied to no place: cannot be split between the two
        ],
        now=ISSUED_AT,
    )
    credit_note_issue(
        original=invoice,
        reason="Une heure non due",
        lines=[dataclasses.replace(line("Salle (heure)", 1, 2000, "HUR"), booking_id=booking.pk)],
        now=CORRECTED_AT,
    )
    today = date(2026, 12, 8)
    port = place_realised(place, plan_2026, today=today)[0]
    assert (port.revenue_cents, port.unattributed_cents) == ({"salle-heure": 4000}, 1500)
    annexe = place_realised(annex, plan_2026, today=today)[0]
    assert (annexe.revenue_cents, annexe.unattributed_cents) == ({}, 1500)
    rows = realised_rows(plan_2026, plan_compute(plan_2026), [port])
    assert rows["revenues"][-1] == {
        "label": "Ventes de l'organisation non rattachées à un lieu (non comptées dans ce lieu)",
        "cells": [(None, 1500)],
    }
    assert rows["headings"] == ["2026 au 08/12/2026"]
