"""Publishing events and registering: the rules, the waiting list, reminders, erasure."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from post_office.models import Email

from maillage.audit.models import AuditEvent
from maillage.core.erasure import erasers
from maillage.events.errors import EventError
from maillage.events.models import Event, Registration
from maillage.events.services import (
    attendance_record,
    event_cancel,
    event_create,
    event_reminders_send,
    event_update,
    registration_cancel,
    registration_create,
    registrations_erase,
)
from tests.events.conftest import NOW, event_input, make_event
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db

WINTER_START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_event_create_dst_days_store_the_right_utc_offsets(manager, place):
    october = make_event(manager, place, now=WINTER_START, day=date(2026, 10, 25), start=time(9))
    march = make_event(manager, place, now=WINTER_START, day=date(2026, 3, 29), start=time(9))

    assert october.starts_at == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 +01:00
    assert march.starts_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 +02:00
    assert october.ends_at == datetime(2026, 10, 25, 19, 0, tzinfo=UTC)  # 20:00 +01:00


def test_event_create_nonexistent_time_refused(manager, place):
    with pytest.raises(EventError) as refused:
        make_event(manager, place, now=WINTER_START, day=date(2026, 3, 29), start=time(2, 30))

    assert refused.value.message == (
        "L'heure 02:30 n'existe pas le 29/03/2026 à Paris "
        "(passage à l'heure d'été : on passe de 2 h à 3 h)."
    )
    assert refused.value.field == "debut"
    assert Event.objects.count() == 0


def test_event_create_ambiguous_time_refused(manager, place):
    with pytest.raises(EventError) as refused:
        make_event(manager, place, now=WINTER_START, day=date(2026, 10, 25), start=time(2, 30))

    assert refused.value.message == (
        "L'heure 02:30 existe deux fois le 25/10/2026 à Paris "
        "(passage à l'heure d'hiver) : choisissez une autre heure."
    )
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"day": date(2026, 11, 29)}, "Le début de l'événement est déjà passé.", "debut"),
        ({"end": time(17, 0)}, "La fin doit venir après le début.", "fin"),
        ({"end": time(18, 0)}, "La fin doit venir après le début.", "fin"),
        ({"capacity": 0}, "Le nombre de places va de 1 à 10 000.", "places"),
        ({"capacity": 10_001}, "Le nombre de places va de 1 à 10 000.", "places"),
        ({"title": "   "}, "Donnez un titre (200 caractères au plus).", "titre"),
        ({"theme": "poker"}, "Choisissez un thème de la liste.", "theme"),
        ({"price_cents": 100_001}, "Le prix va de 0 à 1 000 € TTC.", "prix"),
    ],
)
def test_event_create_bad_input_refused_nothing_saved(manager, place, overrides, message, field):
    with pytest.raises(EventError) as refused:
        make_event(manager, place, **overrides)

    assert (refused.value.message, refused.value.field) == (message, field)
    assert Event.objects.count() == 0
    assert AuditEvent.objects.filter(action="event.create").count() == 0


def test_event_create_network_event_needs_coordinator_and_online_address(manager):
    with pytest.raises(EventError) as refused:
        event_create(user=manager, place=None, data=event_input(), now=NOW)
    assert refused.value.status == 404

    coordinator = UserFactory(coordinator=True)
    with pytest.raises(EventError) as refused:
        event_create(user=coordinator, place=None, data=event_input(), now=NOW)
    assert refused.value.message == (
        "Un événement du réseau sans lieu a lieu en ligne : donnez son adresse."
    )

    event = event_create(
        user=coordinator,
        place=None,
        data=event_input(online_url="https://visio.exemple.fr/reseau"),
        now=NOW,
    )
    assert (event.place, event.online_url) == (None, "https://visio.exemple.fr/reseau")


def test_event_create_other_team_refused(place):
    other_team_member = UserFactory()
    OrganisationFactory(managers=[other_team_member])

    with pytest.raises(EventError) as refused:
        make_event(other_team_member, place)

    assert (refused.value.status, refused.value.message) == (404, "Lieu introuvable.")
    assert Event.objects.count() == 0


def test_event_update_other_team_refused_unchanged(event):
    from maillage.places.services import place_create

    other_manager = UserFactory()
    place_create(
        data=place_data(
            name="Autre lieu", operator=OrganisationFactory(managers=[other_manager]).pk
        )
    )
    with pytest.raises(EventError) as refused:
        event_update(user=other_manager, event=event, data=event_input(title="Piraté"), now=NOW)

    assert refused.value.status == 404
    event.refresh_from_db()
    assert event.title == "Atelier réparation de vélos"


def test_registration_create_confirms_then_waiting_list(manager, place):
    event = make_event(manager, place, capacity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()

    statuses = [
        registration_create(event=event, user=person, now=NOW).status
        for person in (first, second, third)
    ]

    assert statuses == ["confirmed", "confirmed", "waiting"]
    event.refresh_from_db()
    assert event.confirmed_count == 2
    mails = list(Email.objects.order_by("id"))
    assert [(m.to, m.subject) for m in mails] == [
        ([first.email], "Inscription confirmée — Atelier réparation de vélos"),
        ([second.email], "Inscription confirmée — Atelier réparation de vélos"),
        ([third.email], "Liste d'attente — Atelier réparation de vélos"),
    ]
    assert [a.name for a in mails[0].attachments.all()] == ["evenement.ics"]
    assert [a.name for a in mails[2].attachments.all()] == []


def test_registration_create_twice_refused(event):
    person = UserFactory()
    registration_create(event=event, user=person, now=NOW)

    with pytest.raises(EventError) as refused:
        registration_create(event=event, user=person, now=NOW)

    assert (refused.value.status, refused.value.message) == (
        409,
        "Vous êtes déjà inscrit à cet événement (ou sur sa liste d'attente).",
    )
    assert Registration.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_registration_unique_constraint_holds_without_the_service(event):
    person = UserFactory()
    Registration.objects.create(event=event, user=person, status="waiting", created_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=person, status="confirmed", created_at=NOW)


def test_confirmed_count_check_holds_without_the_service(manager, place):
    event = make_event(manager, place, capacity=1)
    Event.objects.filter(pk=event.pk).update(confirmed_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(confirmed_count=2)


def test_registration_cancel_promotes_first_waiting_and_emails_them(manager, place):
    event = make_event(manager, place, capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for minutes, person in enumerate((first, second, third)):
        registration_create(event=event, user=person, now=NOW + timedelta(minutes=minutes))
    Email.objects.all().delete()

    registration_cancel(event=event, user=first, now=NOW + timedelta(hours=1))

    by_user = {r.user_id: r.status for r in Registration.objects.filter(event=event)}
    assert by_user == {first.pk: "cancelled", second.pk: "confirmed", third.pk: "waiting"}
    event.refresh_from_db()
    assert event.confirmed_count == 1
    assert [(m.to, m.subject) for m in Email.objects.all()] == [
        (
            [second.email],
            "Une place s'est libérée : vous êtes inscrit — Atelier réparation de vélos",
        )
    ]


def test_registration_cancel_twice_one_effect(manager, place):
    event = make_event(manager, place, capacity=1)
    first, second = UserFactory(), UserFactory()
    registration_create(event=event, user=first, now=NOW)
    registration_create(event=event, user=second, now=NOW)

    assert registration_cancel(event=event, user=first, now=NOW) is not None
    assert registration_cancel(event=event, user=first, now=NOW) is None

    event.refresh_from_db()
    assert event.confirmed_count == 1
    assert Registration.objects.get(user=second).status == "confirmed"
    assert AuditEvent.objects.filter(action="event.unregister").count() == 1


def test_registration_create_full_event_after_cancel_can_register_again(event):
    person = UserFactory()
    registration_create(event=event, user=person, now=NOW)
    registration_cancel(event=event, user=person, now=NOW)

    again = registration_create(event=event, user=person, now=NOW)

    assert again.status == "confirmed"
    assert Registration.objects.filter(event=event, user=person).count() == 2


def test_event_update_capacity_below_registrations_refused(manager, place):
    event = make_event(manager, place, capacity=3)
    for _ in range(2):
        registration_create(event=event, user=UserFactory(), now=NOW)

    with pytest.raises(EventError) as refused:
        event_update(user=manager, event=event, data=event_input(capacity=1), now=NOW)

    assert refused.value.message == (
        "2 personnes sont déjà inscrites : le nombre de places ne peut pas descendre en dessous."
    )
    event.refresh_from_db()
    assert event.capacity == 3


def test_event_update_more_seats_promotes_waiting(manager, place):
    event = make_event(manager, place, capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        registration_create(event=event, user=person, now=NOW)

    event_update(user=manager, event=event, data=event_input(capacity=2), now=NOW)

    statuses = [Registration.objects.get(user=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    event.refresh_from_db()
    assert (event.capacity, event.confirmed_count) == (2, 2)


def test_event_cancel_cancels_registrations_once(manager, place):
    event = make_event(manager, place, capacity=1)
    first, second = UserFactory(), UserFactory()
    registration_create(event=event, user=first, now=NOW)
    registration_create(event=event, user=second, now=NOW)
    Email.objects.all().delete()

    event_cancel(user=manager, event=event, now=NOW)
    event_cancel(user=manager, event=event, now=NOW)

    assert sorted(r.status for r in Registration.objects.all()) == ["cancelled", "cancelled"]
    assert sorted(m.to[0] for m in Email.objects.all()) == sorted([first.email, second.email])
    with pytest.raises(EventError) as refused:
        registration_create(event=event, user=UserFactory(), now=NOW)
    assert refused.value.message == "Cet événement est annulé."


def test_registration_create_managers_audience_refuses_others(manager, place):
    event = make_event(manager, place, audience="gestionnaires")

    with pytest.raises(EventError) as refused:
        registration_create(event=event, user=UserFactory(), now=NOW)

    assert refused.value.message == "Cet événement est réservé aux gestionnaires de lieux."
    assert registration_create(event=event, user=manager, now=NOW).status == "confirmed"


def test_attendance_record_only_after_start_and_for_the_team(manager, event):
    person = UserFactory()
    registration = registration_create(event=event, user=person, now=NOW)

    with pytest.raises(EventError) as early:
        attendance_record(
            user=manager, event=event, registration_id=registration.pk, present=True, now=NOW
        )
    assert early.value.message == "La présence se note à partir du début de l'événement."

    after = event.starts_at + timedelta(minutes=10)
    with pytest.raises(EventError) as stranger:
        attendance_record(
            user=person, event=event, registration_id=registration.pk, present=True, now=after
        )
    assert stranger.value.status == 404

    attendance_record(
        user=manager, event=event, registration_id=registration.pk, present=True, now=after
    )
    registration.refresh_from_db()
    assert registration.attendance == "present"


def test_event_reminders_send_once_the_day_before(manager, place):
    event = make_event(manager, place, capacity=1)  # 10 December 18:00 Paris
    registered, waiting_person = UserFactory(), UserFactory()
    registration_create(event=event, user=registered, now=NOW)
    registration_create(event=event, user=waiting_person, now=NOW)
    Email.objects.all().delete()
    day_before = event.starts_at - timedelta(hours=20)

    assert event_reminders_send(now=event.starts_at - timedelta(days=3)) == 0
    assert event_reminders_send(now=day_before) == 1
    assert event_reminders_send(now=day_before + timedelta(hours=1)) == 0

    assert [(m.to, m.subject) for m in Email.objects.all()] == [
        ([registered.email], "Rappel : c'est demain — Atelier réparation de vélos")
    ]
    assert waiting_person.event_registrations.get().reminded_at is None


def test_registrations_erase_detaches_and_frees_seat(manager, place):
    event = make_event(manager, place, capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    registration_create(event=event, user=leaving, now=NOW)
    registration_create(event=event, user=waiting, now=NOW)

    assert erasers()["inscriptions aux événements"] is registrations_erase
    assert registrations_erase(leaving, now=NOW) == 1

    rows = list(Registration.objects.filter(event=event).order_by("id"))
    assert [(r.user_id, r.status) for r in rows] == [
        (None, "cancelled"),
        (waiting.pk, "confirmed"),
    ]


def test_moving_an_event_tells_everyone_registered_with_a_newer_ics(manager, place):
    from icalendar import Calendar

    event = make_event(manager, place, capacity=1)
    confirmed, waiting = UserFactory(), UserFactory()
    registration_create(event=event, user=confirmed, now=NOW)
    registration_create(event=event, user=waiting, now=NOW)
    Registration.objects.update(reminded_at=NOW)
    Email.objects.all().delete()

    # A new title only: nobody is disturbed, the calendar's copy stays current.
    same = {"title": "Atelier vélo", "capacity": 1}
    event_update(user=manager, event=event, data=event_input(**same), now=NOW)
    assert Email.objects.count() == 0
    event.refresh_from_db()
    assert event.sequence == 0

    # A new time: both registered people get the new .ics, and a reminder is owed again.
    event_update(user=manager, event=event, data=event_input(**same, start=time(17)), now=NOW)
    event.refresh_from_db()
    assert event.sequence == 1
    mails = list(Email.objects.order_by("to"))
    assert sorted(m.to[0] for m in mails) == sorted([confirmed.email, waiting.email])
    assert {m.subject for m in mails} == {"Événement modifié — Atelier vélo"}
    attachment = mails[0].attachments.get()
    vevent = Calendar.from_ical(attachment.file.read()).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 1
    assert vevent.decoded("DTSTART").strftime("%H:%M %Z") == "17:00 CET"
    assert list(Registration.objects.values_list("reminded_at", flat=True)) == [None, None]

    event_cancel(user=manager, event=event, now=NOW)
    event.refresh_from_db()
    assert event.sequence == 2
