"""The booking rules, one by one, through the service every path uses."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from maillage.booking.errors import BookingError
from maillage.booking.models import (
    Booking,
    Closure,
    IdempotencyKey,
    Pass,
    PassLedger,
    PassProduct,
    Plan,
    WaitlistEntry,
)
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_check_in,
    booking_check_in_by_code,
    booking_create,
    booking_for,
    booking_move,
    offer_accept,
    offers_expire,
    pass_sell,
    subscription_create,
    waitlist_join,
)
from maillage.places.services import place_create
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, place_data
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db


def book(user, resource, *, day=TUESDAY, slot="day", now=NOW, **kw):
    booking, _ = booking_create(
        user=user, request=BookingRequest(resource=resource, day=day, slot=slot, **kw), now=now
    )
    return booking


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    from maillage.places.opening_hours import PARIS

    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def test_day_and_half_days_follow_opening_hours_and_the_place_split(open_space):
    user = UserFactory()
    day = book(user, open_space)
    assert (day.starts_at, day.ends_at) == (paris(TUESDAY, 9), paris(TUESDAY, 18))
    assert day.price_cents == 1500 and day.unit == "day" and day.status == "confirmed"
    morning = book(user, open_space, slot="morning")
    afternoon = book(user, open_space, slot="afternoon")
    assert (morning.starts_at, morning.ends_at) == (paris(TUESDAY, 9), paris(TUESDAY, 13))
    assert (afternoon.starts_at, afternoon.ends_at) == (paris(TUESDAY, 13), paris(TUESDAY, 18))
    assert morning.price_cents == 900


def test_confirmation_email_carries_an_ics(open_space, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(UserFactory(email="ada@example.org"), open_space)
    [message] = deliver()
    assert message.to == ["ada@example.org"] and "confirmée" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == "reservation.ics" and mimetype == "text/calendar"
    assert "DTSTART;TZID=Europe/Paris:20261201T090000" in str(content)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"day": date(2026, 11, 27)}, "date", "déjà commencé ou passé"),
        ({"day": date(2026, 12, 5)}, "date", "fermé le 05/12/2026"),
        ({"day": TUESDAY + timedelta(days=90)}, "date", "60 jours à l'avance"),
        ({"seats": 4}, "places", "n'a que 3 place(s)"),
        (
            {"slot": "hours", "start": time(10), "end": time(12)},
            "creneau",
            "ne se réserve pas à l'heure",
        ),
        ({"slot": "nuit"}, "creneau", "Choisissez la journée"),
    ],
)
def test_each_bad_request_gets_a_precise_message_and_changes_nothing(
    open_space, change, field, message
):
    with pytest.raises(BookingError) as refused:
        book(UserFactory(), open_space, **change)
    assert refused.value.status == 400 and refused.value.field == field
    assert message in refused.value.message
    assert not Booking.objects.exists() and not deliver()


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (time(8), time(10), "debut", "déborde des horaires"),
        (time(10), time(10, 30), "fin", "Durée minimale : 1 h"),
        (time(9), time(14), "fin", "Durée maximale : 4 h"),
        (time(22), time(2), "fin", "se termine le jour où elle commence"),
    ],
)
def test_hourly_rules(room, start, end, field, message):
    with pytest.raises(BookingError) as refused:
        book(UserFactory(), room, slot="hours", start=start, end=end)
    assert (refused.value.field, refused.value.status) == (field, 400)
    assert message in refused.value.message


def test_closure_and_inactive_resource_are_refused(place, open_space):
    Closure.objects.create(
        place=place, starts_at=paris(TUESDAY, 0), ends_at=paris(TUESDAY, 23), reason="Travaux"
    )
    with pytest.raises(BookingError, match="Fermeture exceptionnelle sur ce créneau : Travaux"):
        book(UserFactory(), open_space)
    open_space.is_active = False
    open_space.save()
    with pytest.raises(BookingError, match="pas ouverte à la réservation"):
        book(UserFactory(), open_space, day=TUESDAY + timedelta(days=1))


def test_open_space_never_holds_more_than_its_seats(open_space):
    book(UserFactory(), open_space, seats=2)
    book(UserFactory(), open_space, slot="morning")
    with pytest.raises(BookingError) as refused:
        book(UserFactory(), open_space, slot="afternoon", seats=2)
    assert refused.value.status == 409 and refused.value.code == "complet"
    assert "Complet" in refused.value.message
    book(UserFactory(), open_space, slot="afternoon")  # the morning seat is free again at 13:00
    assert Booking.objects.count() == 3


def test_room_refuses_overlap_and_accepts_the_adjacent_hour(room):
    book(UserFactory(), room, slot="hours", start=time(10), end=time(11))
    with pytest.raises(BookingError, match="Créneau déjà pris"):
        book(UserFactory(), room, slot="hours", start=time(10, 30), end=time(12))
    book(UserFactory(), room, slot="hours", start=time(11), end=time(12))
    assert room.bookings.count() == 2


def test_database_itself_refuses_overlapping_room_bookings(room):
    """The guarantee does not rest on Python: a raw insert that bypasses the service fails."""
    first = book(UserFactory(), room, slot="hours", start=time(10), end=time(12))
    overlapping = Booking(
        resource=room,
        place=room.place,
        exclusive=True,
        user=UserFactory(),
        unit="hour",
        payment="on_site",
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(hours=1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    overlapping.status = "cancelled"
    overlapping.save()  # inactive bookings may overlap


def test_pass_ledger_is_append_only(place, manager):
    product = PassProduct.objects.create(place=place, name="10 journées", unit="day", units=10)
    held = pass_sell(seller=manager, buyer=UserFactory(), product=product, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE booking_passledger SET delta = 100 WHERE pass_ref_id = %s", [held.pk]
        )
    assert PassLedger.objects.get(pass_ref=held).delta == 10


def test_pass_pays_per_unit_and_refunds_once_on_cancel(place, manager, open_space):
    product = PassProduct.objects.create(
        place=place, name="10 demi-journées", unit="half_day", units=3
    )
    user = UserFactory()
    held = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    day = book(user, open_space, payment="pass", pass_id=held.public_id)
    held.refresh_from_db()
    assert (day.pass_units, day.price_cents, held.units_left) == (2, 0, 1)  # a day = two half-days
    with pytest.raises(BookingError) as refused:
        book(
            user,
            open_space,
            day=TUESDAY + timedelta(days=1),
            payment="pass",
            pass_id=held.public_id,
        )
    assert refused.value.status == 409 and "épuisé" in refused.value.message
    booking_cancel(actor=user, public_id=day.public_id, now=NOW)
    with pytest.raises(BookingError, match="déjà annulée"):
        booking_cancel(actor=user, public_id=day.public_id, now=NOW)
    held.refresh_from_db()
    assert held.units_left == 3
    assert sum(PassLedger.objects.filter(pass_ref=held).values_list("delta", flat=True)) == 3
    moves = list(PassLedger.objects.filter(pass_ref=held).values_list("reason", "delta", "place"))
    assert moves == [("sale", 3, place.pk), ("use", -2, place.pk), ("refund", 2, place.pk)]


def test_network_pass_works_only_where_the_place_takes_part(place, open_space):
    coordinator = UserFactory(coordinator=True)
    product = PassProduct.objects.create(
        place=None, name="Pass réseau 5 jours", unit="day", units=5
    )
    user = UserFactory()
    held = pass_sell(seller=coordinator, buyer=user, product=product, now=NOW)
    with pytest.raises(BookingError, match="n'accepte pas le pass réseau"):
        book(user, open_space, payment="pass", pass_id=held.public_id)
    from maillage.booking.models import PlaceBookingSettings

    PlaceBookingSettings.objects.create(place=place, accepts_network_pass=True)
    used = book(user, open_space, payment="pass", pass_id=held.public_id)
    assert PassLedger.objects.get(booking=used).place == place  # recorded where it was used
    with pytest.raises(BookingError, match="Vous ne vendez pas ce carnet"):
        pass_sell(seller=UserFactory(), buyer=user, product=product, now=NOW)


def test_someone_elses_pass_is_unknown(place, manager, open_space):
    product = PassProduct.objects.create(place=place, name="Carnet", unit="day", units=2)
    held = pass_sell(seller=manager, buyer=UserFactory(), product=product, now=NOW)
    with pytest.raises(BookingError, match="Choisissez un de vos carnets"):
        book(UserFactory(), open_space, payment="pass", pass_id=held.public_id)
    assert Pass.objects.get().units_left == 2


def test_plan_with_days_per_month(place, manager, open_space):
    plan = Plan.objects.create(place=place, name="2 jours par mois", days_per_month=2)
    user = UserFactory()
    subscription_create(actor=manager, user=user, plan=plan, starts_on=date(2026, 11, 1))
    book(user, open_space, payment="plan")
    book(user, open_space, slot="morning", payment="plan")  # same day: still one day of the plan
    book(user, open_space, day=TUESDAY + timedelta(days=1), payment="plan")
    with pytest.raises(BookingError, match="2 jour\\(s\\) par mois"):
        book(user, open_space, day=TUESDAY + timedelta(days=2), payment="plan")
    with pytest.raises(BookingError, match="pas d'abonnement en cours"):
        book(UserFactory(), open_space, payment="plan")


def test_user_cancels_before_the_deadline_only_manager_any_time_with_a_reason(
    open_space, manager, django_capture_on_commit_callbacks
):
    user = UserFactory()
    booking = book(user, open_space)
    late = booking.starts_at - timedelta(hours=2)
    with pytest.raises(BookingError) as refused:
        booking_cancel(actor=user, public_id=booking.public_id, now=late)
    assert refused.value.code == "delai_depasse" and Booking.objects.get().status == "confirmed"
    with pytest.raises(BookingError, match="Indiquez le motif"):
        booking_cancel(actor=manager, public_id=booking.public_id, now=late)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(
            actor=manager, public_id=booking.public_id, reason="Dégât des eaux", now=late
        )
    assert "Dégât des eaux" in deliver()[-1].body


def test_other_peoples_bookings_do_not_exist_for_you(open_space, room):
    booking = book(UserFactory(), open_space)
    stranger = UserFactory()
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    for actor in (stranger, other_manager):
        with pytest.raises(BookingError) as refused:
            booking_for(actor, booking.public_id)
        assert refused.value.status == 404
        with pytest.raises(BookingError) as refused:
            booking_cancel(actor=actor, public_id=booking.public_id, reason="x", now=NOW)
        assert refused.value.status == 404
        with pytest.raises(BookingError) as refused:
            booking_check_in(actor=actor, public_id=booking.public_id, now=booking.starts_at)
        assert refused.value.status == 404
    assert (
        Booking.objects.get().status == "confirmed" and Booking.objects.get().checked_in_at is None
    )


def test_check_in_by_manager_and_by_qr_code(open_space, manager, network_settings):
    user = UserFactory()
    booking = book(user, open_space)
    with pytest.raises(BookingError, match="Trop tôt"):
        booking_check_in(actor=manager, public_id=booking.public_id, now=NOW)
    checked = booking_check_in_by_code(
        user=user, token=network_settings.check_in_token, now=booking.starts_at
    )
    assert checked.checked_in_at == booking.starts_at and checked.checked_in_by == user
    with pytest.raises(BookingError, match="Aucune réservation de votre part"):
        booking_check_in_by_code(
            user=UserFactory(), token=network_settings.check_in_token, now=booking.starts_at
        )
    with pytest.raises(BookingError, match="Code de présence inconnu"):
        booking_check_in_by_code(user=user, token="faux", now=booking.starts_at)


def test_manager_moves_a_booking_within_the_place_only(open_space, room, manager):
    user = UserFactory()
    booking = book(user, open_space)
    moved = booking_move(
        actor=manager,
        public_id=booking.public_id,
        now=NOW,
        reason="Réunion d'équipe",
        request=BookingRequest(
            resource=open_space, day=TUESDAY + timedelta(days=1), slot="morning"
        ),
    )
    assert moved.starts_at == paris(TUESDAY + timedelta(days=1), 9) and moved.price_cents == 900
    elsewhere = make_resource(place_create(data=place_data(name="Ailleurs", **IN_BAYEUX)))
    with pytest.raises(BookingError, match="même lieu"):
        booking_move(
            actor=manager,
            public_id=booking.public_id,
            now=NOW,
            reason="x",
            request=BookingRequest(resource=elsewhere, day=TUESDAY, slot="day"),
        )
    with pytest.raises(BookingError) as refused:
        booking_move(
            actor=user,
            public_id=booking.public_id,
            now=NOW,
            reason="x",
            request=BookingRequest(resource=open_space, day=TUESDAY, slot="day"),
        )
    assert refused.value.status == 404


def test_idempotency_key_replays_and_refuses_another_payload(open_space):
    user = UserFactory()
    request = BookingRequest(resource=open_space, day=TUESDAY, slot="day")
    first, replayed_first = booking_create(
        user=user, request=request, idempotency_key="k-1", now=NOW
    )
    again, replayed = booking_create(user=user, request=request, idempotency_key="k-1", now=NOW)
    assert (again.pk, replayed_first, replayed) == (first.pk, False, True)
    with pytest.raises(BookingError) as refused:
        booking_create(
            user=user,
            request=BookingRequest(resource=open_space, day=TUESDAY, slot="morning"),
            idempotency_key="k-1",
            now=NOW,
        )
    assert refused.value.status == 422
    assert Booking.objects.count() == IdempotencyKey.objects.count() == 1
    # The same key from another user is another request.
    booking_create(user=UserFactory(), request=request, idempotency_key="k-1", now=NOW)
    assert Booking.objects.count() == 2


def test_waiting_list_offer_accept_and_expiry(open_space, django_capture_on_commit_callbacks):
    open_space.capacity = 1
    open_space.save()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    booking = book(first, open_space)
    request = BookingRequest(resource=open_space, day=TUESDAY, slot="day")
    with pytest.raises(BookingError, match="Il reste de la place"):
        tomorrow = BookingRequest(resource=open_space, day=TUESDAY + timedelta(days=1), slot="day")
        waitlist_join(user=second, request=tomorrow, now=NOW)
    waitlist_join(user=second, request=request, now=NOW)
    waitlist_join(user=third, request=request, now=NOW + timedelta(minutes=1))
    with pytest.raises(BookingError, match="déjà en liste d'attente"):
        waitlist_join(user=second, request=request, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=first, public_id=booking.public_id, now=NOW)
    offer = Booking.objects.get(user=second)
    assert offer.status == "offered" and offer.offer_expires_at == NOW + timedelta(hours=12)
    assert [m.to for m in deliver() if "libérée" in m.subject] == [[second.email]]
    with pytest.raises(BookingError, match="Complet"):  # the held seat counts
        book(UserFactory(), open_space, now=NOW + timedelta(hours=1))
    # Second lets it expire: the sweeper passes the seat to the third, once.
    assert offers_expire(now=NOW + timedelta(hours=13)) == 1
    assert offers_expire(now=NOW + timedelta(hours=13)) == 0
    with pytest.raises(BookingError, match="expiré"):
        offer_accept(user=second, public_id=offer.public_id, now=NOW + timedelta(hours=13))
    third_offer = Booking.objects.get(user=third)
    accepted = offer_accept(
        user=third, public_id=third_offer.public_id, now=NOW + timedelta(hours=14)
    )
    assert accepted.status == "confirmed"
    assert list(WaitlistEntry.objects.order_by("created_at").values_list("status", flat=True)) == [
        "expired",
        "booked",
    ]


def test_reminders_go_out_once_the_day_before(open_space, django_capture_on_commit_callbacks):
    from maillage.booking.services import reminders_send

    booking = book(UserFactory(), open_space)
    deliver().clear()
    assert reminders_send(now=booking.starts_at - timedelta(hours=30)) == 0
    assert reminders_send(now=booking.starts_at - timedelta(hours=20)) == 1
    assert reminders_send(now=booking.starts_at - timedelta(hours=19)) == 0
    assert [m.subject for m in deliver()] == ["Rappel de réservation — La Fabrique du Port"]


def test_demo_resources_follow_demo_places_only(place):
    from maillage.booking.demo import demo_resources_create
    from maillage.places.demo import demo_places_create

    demo_places_create(count=4, region="28")
    assert demo_resources_create() >= 4
    assert demo_resources_create() == 0  # idempotent
    assert not place.resources.exists()  # a real place is never touched
