"""E-mail never breaks a request (issue 12, point 10): the outbox is written with the change it
announces, and the worker delivers it, retrying through an SMTP outage."""

import logging
import signal
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import icalendar
import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from maillage.booking.models import Booking
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    reminders_send,
)
from maillage.booking.timeslots import local_day
from maillage.core.single_flight import single_flight
from maillage.tasks import worker
from maillage.tasks.outbox import email_queue
from maillage.tasks.selectors import outbox_state
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import UserFactory
from tests.mailbox import LOCMEM, deliver

pytestmark = pytest.mark.django_db

OUTAGE = f"{__name__}.OutageBackend"


class OutageBackend(BaseEmailBackend):
    """The SMTP server is down: every delivery attempt fails as smtplib reports it."""

    attempts = 0

    def send_messages(self, email_messages):
        OutageBackend.attempts += len(email_messages)
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def open_space(place):
    return make_resource(place)


@pytest.fixture
def smtp(settings):
    """Point the worker's delivery at `smtp(backend)`; retries due at once."""

    def use(backend: str) -> None:
        settings.POST_OFFICE = {
            **settings.POST_OFFICE,
            "BACKENDS": {"default": backend},
            "RETRY_INTERVAL": timedelta(0),
        }

    OutageBackend.attempts = 0
    return use


def book(user, resource) -> Booking:
    request = BookingRequest(resource=resource, day=TUESDAY, slot="day")
    return booking_create(user=user, request=request, now=NOW)[0]


def next_tuesday():
    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_booking_during_an_smtp_outage_succeeds_and_its_mail_goes_out_later(
    client, open_space, settings, smtp, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = OUTAGE  # nothing may send inline any more
    smtp(OUTAGE)
    user = UserFactory(email="ada@exemple.fr")
    client.force_login(user)
    url = f"/reserver/ressource/{open_space.pk}/"
    with django_capture_on_commit_callbacks(execute=True):  # as after a real commit
        response = client.post(
            url, {"date": next_tuesday(), "creneau": "day", "places": 1, "paiement": "on_site"}
        )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reserver/reservations/{booking.public_id}/"
    assert client.get(response["Location"]).status_code == 200
    [queued] = Email.objects.all()
    assert (queued.status, queued.to) == (STATUS.queued, ["ada@exemple.fr"])

    call_command("worker", "--once", stdout=(first := _Output()))
    queued.refresh_from_db()
    assert (queued.status, queued.number_of_retries) == (STATUS.requeued, 1)
    assert OutageBackend.attempts == 1 and mail.outbox == []
    assert first.text == "0 e-mail(s) envoyé(s), 1 à réessayer, 0 en échec.\n"
    state = outbox_state()
    assert (state.queued, state.sent, state.failed) == (1, 0, 0)
    assert state.last_error == "SMTPServerDisconnected : Connection unexpectedly closed"

    smtp(LOCMEM)  # the server is back
    call_command("worker", "--once", stdout=(second := _Output()))
    assert second.text == "1 e-mail(s) envoyé(s), 0 à réessayer, 0 en échec.\n"
    assert [m.subject for m in mail.outbox] == ["Réservation confirmée — La Fabrique du Port"]
    queued.refresh_from_db()
    assert queued.status == STATUS.sent
    assert (outbox_state().queued, outbox_state().sent) == (0, 1)
    call_command("worker", "--once", stdout=_Output())  # sent once, never again
    assert len(mail.outbox) == 1


def test_retries_run_out_then_the_mail_is_failed_and_shown(settings, smtp, open_space):
    smtp(OUTAGE)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 2}
    book(UserFactory(), open_space)
    results = [worker.outbox_send() for _ in range(4)]
    assert results == [
        worker.OutboxResult(sent=0, failed=0, requeued=1),
        worker.OutboxResult(sent=0, failed=0, requeued=1),
        worker.OutboxResult(sent=0, failed=1, requeued=0),
        worker.OutboxResult(sent=0, failed=0, requeued=0),  # failed: no longer attempted
    ]
    assert OutageBackend.attempts == 3
    state = outbox_state()
    assert (state.queued, state.sent, state.failed) == (0, 0, 1)


def test_a_rolled_back_booking_queues_nothing(open_space):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(UserFactory(), open_space)
        assert Email.objects.count() == 1  # written with the booking…
        raise RuntimeError("the request failed after the booking")
    assert Booking.objects.count() == 0 and Email.objects.count() == 0  # …and gone with it
    assert deliver() == []


def test_the_ics_attachment_survives_the_queue(open_space):
    booking = book(UserFactory(email="ada@exemple.fr"), open_space)
    [message] = deliver()
    assert message.to == ["ada@exemple.fr"]
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("reservation.ics", "text/calendar")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["uid"]).startswith(str(booking.public_id))
    assert event.decoded("dtstart") == booking.starts_at


def test_text_that_looks_like_template_code_is_sent_as_written(open_space, manager):
    booking = book(UserFactory(), open_space)
    reason = "Dégât des eaux {% endif %} {{ oups"
    booking_cancel(actor=manager, public_id=booking.public_id, reason=reason, now=NOW)
    assert Booking.objects.get().status == "cancelled"
    assert "Motif donné par le lieu : Dégât des eaux {% endif %} {{ oups" in deliver()[-1].body


def test_place_names_keep_their_apostrophe(open_space):
    open_space.place.name = "L'Atelier & Co"
    open_space.place.save()
    book(UserFactory(), open_space)
    [message] = deliver()
    assert message.subject == "Réservation confirmée — L'Atelier & Co"
    assert "(L'Atelier & Co) est confirmée" in message.body


def test_djangos_own_sends_join_the_outbox(client, settings):
    settings.EMAIL_BACKEND = "maillage.tasks.outbox.OutboxBackend"  # as in production
    member = UserFactory(email="dominique@exemple.fr")
    client.post("/compte/mot-de-passe/oubli", {"email": member.email})
    assert mail.outbox == []
    assert list(Email.objects.values_list("to", "status")) == [
        (["dominique@exemple.fr"], STATUS.queued)
    ]
    [message] = deliver()
    assert "/compte/mot-de-passe/nouveau/" in message.body


def test_periodic_jobs_never_run_in_two_workers_at_once(open_space):
    booking = book(UserFactory(), open_space)
    deliver()
    mail.outbox.clear()
    now = booking.starts_at - timedelta(hours=20)
    with single_flight(worker.PERIODIC_KEY, seconds=60) as held:  # another worker is running
        assert held
        assert worker.periodic_run(now=now) is None
        assert Booking.objects.get().reminder_sent_at is None
    assert worker.periodic_run(now=now) == worker.PeriodicResult(expired=0, reminded=1)
    assert worker.periodic_run(now=now) == worker.PeriodicResult(expired=0, reminded=0)
    assert [m.subject for m in deliver()] == ["Rappel de réservation — La Fabrique du Port"]


def test_two_workers_never_deliver_the_same_mail(open_space):
    book(UserFactory(), open_space)
    with single_flight(worker.OUTBOX_KEY, seconds=60):  # another worker is sending
        assert worker.outbox_send() is None
        assert mail.outbox == [] and Email.objects.get().status == STATUS.queued
    assert len(deliver()) == 1


def test_a_reminder_is_marked_and_queued_together(open_space, monkeypatch):
    booking = book(UserFactory(), open_space)

    def broken(_booking):
        raise RuntimeError("template missing")

    monkeypatch.setattr("maillage.booking.notifications.booking_reminder", broken)
    with pytest.raises(RuntimeError):
        reminders_send(now=booking.starts_at - timedelta(hours=20))
    assert Booking.objects.get().reminder_sent_at is None  # will be tried again


def test_the_worker_logs_each_pass_with_fields(open_space, smtp, caplog):
    smtp(LOCMEM)
    book(UserFactory(), open_space)
    with caplog.at_level(logging.DEBUG, logger="maillage.tasks.worker"):
        call_command("worker", "--once", stdout=_Output())
    records = {r.getMessage(): r for r in caplog.records if r.name == "maillage.tasks.worker"}
    sent = records["E-mails : 1 envoyé(s), 0 en échec, 0 à réessayer."]
    assert (sent.levelno, sent.sent, sent.failed, sent.requeued) == (logging.INFO, 1, 0, 0)
    periodic = records[
        "Tâches périodiques : 0 proposition(s) expirée(s), 0 rappel(s) envoyé(s), "
        "0 e-mail(s) ancien(s) effacé(s), 0 facture(s) mensuelle(s) d'employeur, "
        "0 rappel(s) d'événement, 0 lettre(s) hebdomadaire(s) des gestionnaires, "
        "0 personne(s) prévenue(s) d'une ouverture, 0 relance(s) de renouvellement du label."
    ]
    # Nothing done: only at DEBUG, so an idle worker does not fill the logs.
    assert (
        periodic.levelno,
        periodic.expired,
        periodic.reminded,
        periodic.purged,
        periodic.label_reminded,
    ) == (logging.DEBUG, 0, 0, 0, 0)


def test_sigterm_stops_the_loop_after_the_current_pass(monkeypatch):
    passes = []
    before = signal.getsignal(signal.SIGTERM)

    def one_pass(*, periodic):
        passes.append(periodic)
        if len(passes) == 2:
            signal.raise_signal(signal.SIGTERM)  # systemd stops the service mid-pass
        return None

    monkeypatch.setattr("maillage.tasks.management.commands.worker.worker_pass", one_pass)
    monkeypatch.setattr(
        "maillage.tasks.management.commands.worker.close_old_connections", lambda: None
    )
    call_command("worker", "--pause", "1", "--periode", "60")
    assert passes == [True, False]  # periodic jobs first, then only mail within the period
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--pause", "0"], "un nombre entier de 1 à 3600 est attendu"),
        (["--periode", "abc"], "un nombre entier de 1 à 1440 est attendu"),
        (["--periode", "99999999999999999999"], "un nombre entier de 1 à 1440 est attendu"),
    ],
)
def test_worker_options_are_bounded(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("worker", *arguments)


def test_the_journal_shows_the_outbox(client, smtp, open_space):
    smtp(OUTAGE)
    book(UserFactory(), open_space)
    book(UserFactory(), open_space)
    worker.outbox_send()
    client.force_login(UserFactory(coordinator=True))
    html = client.get(reverse("audit:journal")).content.decode()
    assert "En attente : 2 · Envoyés : 0 · En échec : 0" in html
    assert "SMTPServerDisconnected : Connection unexpectedly closed" in html


class _Output:
    """A stdout for call_command that keeps what the command wrote."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_old_mails_and_their_attachments_are_purged(open_space, settings):
    settings.MAILLAGE_EMAIL_KEEP_DAYS = 30
    book(UserFactory(email="ancienne@exemple.fr"), open_space)
    book(UserFactory(email="recente@exemple.fr"), open_space)
    deliver()
    old = Email.objects.get(to=["ancienne@exemple.fr"])
    old_file = old.attachments.get().file
    storage, old_path = old_file.storage, old_file.name
    assert storage.exists(old_path)
    now = timezone.now()
    Email.objects.filter(pk=old.pk).update(created=now - timedelta(days=31))
    Email.objects.exclude(pk=old.pk).update(created=now - timedelta(days=29))

    assert worker.outbox_purge(now=now) == 1
    assert list(Email.objects.values_list("to", flat=True)) == [["recente@exemple.fr"]]
    assert not storage.exists(old_path)
    assert Email.objects.get().attachments.count() == 1


def test_mails_of_equal_priority_leave_in_the_order_they_were_queued():
    # Ties used to be left to the database: PostgreSQL could send a reply before its request.
    for n in range(6):
        email_queue(EmailMessage(subject=f"n°{n}", body="…", to=[f"p{n}@exemple.fr"]))
    # On PostgreSQL an updated row moves to the end of the table: it must still leave first.
    Email.objects.filter(subject="n°0").update(subject="n°0")
    assert [m.subject for m in deliver()] == [f"n°{n}" for n in range(6)]
