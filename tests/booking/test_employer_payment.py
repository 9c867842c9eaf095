"""« Payé par mon employeur »: the rules and the monthly budget, checked under the employee's
lock; offered on the booking page only to an employee it can serve; parallel bookings never
overspend the budget."""

from collections import Counter
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from maillage.booking.errors import BookingError
from maillage.booking.models import Booking
from maillage.booking.services import BookingRequest, booking_cancel, booking_create
from maillage.employers.services import employee_leave
from maillage.places.services import place_create
from maillage.territory.models import EPCI, Departement
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.booking.test_concurrency import weekdays
from tests.concurrency import race
from tests.employers.conftest import make_employee, make_employer
from tests.factories import IN_ROUEN, UserFactory, place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    return make_employer(UserFactory(email="rh@acme.fr"))


def ask(user, resource, day=TUESDAY, slot="day", **kw):
    booking, _ = booking_create(
        user=user,
        request=BookingRequest(resource=resource, day=day, slot=slot, payment="employer", **kw),
        now=NOW,
    )
    return booking


def refused(user, resource, **kw) -> BookingError:
    with pytest.raises(BookingError) as error:
        ask(user, resource, **kw)
    return error.value


def test_the_booking_keeps_the_employee_and_the_price(employer, open_space):
    alice = make_employee(employer)
    booking = ask(alice.user, open_space)
    assert (booking.payment, booking.employee, booking.price_cents) == ("employer", alice, 1500)


def test_not_an_employee_is_refused(open_space):
    error = refused(UserFactory(), open_space)
    assert (error.status, error.code) == (403, "pas_salarie")
    assert Booking.objects.count() == 0


def test_a_leaver_is_refused(employer, open_space):
    alice = make_employee(employer)
    employee_leave(actor=alice.user, employee=alice)
    assert refused(alice.user, open_space).code == "pas_salarie"


def test_a_place_outside_the_allowed_places_is_refused(employer, open_space):
    alice = make_employee(employer)
    elsewhere = place_create(data=place_data(name="Autre lieu", **IN_ROUEN))
    alice.allowed_places.set([elsewhere])
    error = refused(alice.user, open_space)
    assert (error.status, error.message) == (
        403,
        "Ce lieu ne fait pas partie des lieux pris en charge par votre employeur.",
    )
    alice.allowed_places.add(open_space.place)
    assert ask(alice.user, open_space).employee == alice


def test_a_place_outside_the_area_is_refused(employer, open_space):
    alice = make_employee(employer, allowed_departement=Departement.objects.get(code="76"))
    error = refused(alice.user, open_space)
    assert error.message == "Ce lieu est hors du département pris en charge par votre employeur."
    alice.allowed_departement = None
    alice.allowed_epci = EPCI.objects.get(communes__code="76540")
    alice.save()
    error = refused(alice.user, open_space)
    assert error.message == (
        "Ce lieu est hors de l'intercommunalité prise en charge par votre employeur."
    )
    alice.allowed_epci = EPCI.objects.get(communes__code="14118")
    alice.save()
    assert ask(alice.user, open_space).payment == "employer"


def test_a_meeting_room_needs_rooms_included(employer, room):
    alice = make_employee(employer, budget_unit="euros", budget=100_000)
    error = refused(alice.user, room, slot="hours", start=_t(10), end=_t(12))
    assert (error.status, error.message) == (
        403,
        "Votre employeur ne prend pas en charge les salles de réunion.",
    )
    alice.rooms_included = True
    alice.save()
    booking = ask(alice.user, room, slot="hours", start=_t(10), end=_t(12))
    assert booking.price_cents == 4000


def test_equipment_is_never_paid_by_the_employer(employer, place):
    printer = make_resource(place, kind="equipment", name="Imprimante 3D", capacity=1)
    alice = make_employee(employer, rooms_included=True)
    assert refused(alice.user, printer).code == "hors_regles"


def test_the_days_budget_counts_half_days_as_half(employer, open_space):
    alice = make_employee(employer, budget=1)
    ask(alice.user, open_space, slot="morning")
    ask(alice.user, open_space, slot="afternoon")  # the same day: still one day
    error = refused(alice.user, open_space, day=TUESDAY + timedelta(days=1), slot="morning")
    assert (error.status, error.code, error.message) == (
        409,
        "budget_depasse",
        "Budget de votre employeur dépassé : 1 jour déjà réservé(s) sur 1 en 12/2026.",
    )


def test_the_euros_budget_counts_prices(employer, open_space):
    alice = make_employee(employer, budget_unit="euros", budget=2400)
    ask(alice.user, open_space)  # 15,00 €
    error = refused(alice.user, open_space, day=TUESDAY + timedelta(days=1))
    assert error.message == (
        "Budget de votre employeur dépassé : 15,00\u00a0€ déjà engagés sur 24,00\u00a0€ en 12/2026."
    )
    assert (
        ask(alice.user, open_space, day=TUESDAY + timedelta(days=1), slot="morning").price_cents
        == 900
    )


def test_a_cancellation_frees_the_budget_and_each_month_has_its_own(employer, open_space):
    alice = make_employee(employer, budget=1)
    first = ask(alice.user, open_space)
    assert refused(alice.user, open_space, day=TUESDAY + timedelta(days=1)).status == 409
    booking_cancel(actor=alice.user, public_id=first.public_id, now=NOW)
    ask(alice.user, open_space, day=TUESDAY + timedelta(days=1))
    assert ask(alice.user, open_space, day=date(2027, 1, 5)).payment == "employer"


def test_the_employer_pays_for_one_seat(employer, place):
    alice = make_employee(employer)
    space = make_resource(place, capacity=5)
    assert refused(alice.user, space, seats=2).field == "places"


def _t(hour):
    return time(hour)


# --- the booking page --------------------------------------------------------------------------


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def choices(page) -> list[str]:
    return [value for value, _ in page.context["form"].fields["paiement"].choices]


def test_the_page_offers_the_employer_only_to_an_employee_it_serves(
    client, employer, open_space, room, frozen
):
    alice = make_employee(employer)
    client.force_login(alice.user)
    page = client.get(f"/reserver/ressource/{open_space.pk}/", {"date": "2026-12-01"})
    assert choices(page) == ["on_site", "employer"]
    assert choices(client.get(f"/reserver/ressource/{room.pk}/")) == ["on_site"]
    booked = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": "2026-12-01", "creneau": "day", "paiement": "employer"},
    )
    assert booked.status_code == 302
    assert Booking.objects.get().employee == alice


def test_a_forged_employer_choice_is_a_400(client, open_space, frozen):
    client.force_login(UserFactory())
    page = client.get(f"/reserver/ressource/{open_space.pk}/")
    assert choices(page) == ["on_site"]
    forged = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": "2026-12-01", "creneau": "day", "paiement": "employer"},
    )
    assert forged.status_code == 400
    assert Booking.objects.count() == 0


def test_the_budget_refusal_comes_back_on_the_page_as_409(client, employer, open_space, frozen):
    alice = make_employee(employer, budget=0)
    client.force_login(alice.user)
    answer = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": "2026-12-01", "creneau": "day", "paiement": "employer"},
    )
    assert answer.status_code == 409
    assert answer.context["form"].errors["paiement"] == [
        "Budget de votre employeur dépassé : 0 jour déjà réservé(s) sur 0 en 12/2026."
    ]


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_day_left_ten_parallel_bookings_one_succeeds(reference_geography):
    employer = make_employer(UserFactory(email="rh@acme.fr"))
    alice = make_employee(employer, budget=1)
    spaces = [
        make_resource(place_create(data=place_data(name=f"Lieu {n}")), capacity=3) for n in range(5)
    ]
    days = weekdays(10)
    outcomes = race(
        [
            (
                lambda s=spaces[i % 5], d=days[i]: booking_create(
                    user=alice.user,
                    request=BookingRequest(resource=s, day=d, slot="day", payment="employer"),
                    now=NOW,
                )
            )
            for i in range(10)
        ]
    )
    assert Counter(o[0] for o in outcomes) == {"ok": 1, 409: 9}, outcomes
    assert Booking.objects.filter(employee=alice, status="confirmed").count() == 1


def test_the_api_lists_an_employer_booking(client, employer, open_space):
    alice = make_employee(employer)
    booking = ask(alice.user, open_space)
    client.force_login(alice.user)
    answer = client.get(f"/api/reservations/{booking.public_id}")
    assert (answer.status_code, answer.json()["reglement"], answer.json()["montant_centimes"]) == (
        200,
        "employeur",
        1500,
    )


def test_a_manager_moves_an_employer_booking_only_within_what_the_employer_pays(
    employer, open_space, manager
):
    from maillage.booking.services import booking_move

    alice = make_employee(employer)
    booking = ask(alice.user, open_space)

    def move(**kw):
        request = BookingRequest(**({"resource": open_space, "day": TUESDAY, "slot": "day"} | kw))
        return booking_move(
            actor=manager, public_id=booking.public_id, request=request, reason="travaux", now=NOW
        )

    with pytest.raises(BookingError, match="même mois"):
        move(day=date(2027, 1, 5))
    with pytest.raises(BookingError, match="même durée"):
        move(slot="morning")
    room = make_resource(
        open_space.place, kind="meeting_room", name="Salle Hublot", capacity=1, by_day=True
    )
    with pytest.raises(BookingError) as outside:
        move(resource=room)
    assert (outside.value.code, outside.value.message) == (
        "hors_regles",
        "Votre employeur ne prend pas en charge les salles de réunion.",
    )
    moved = move(day=TUESDAY + timedelta(days=1))
    assert (moved.starts_at.date(), moved.payment, moved.employee) == (
        TUESDAY + timedelta(days=1),
        "employer",
        alice,
    )
