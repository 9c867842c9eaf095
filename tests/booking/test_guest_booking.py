"""Guest bookings for walk-ins: held without an account, confirmed by a signed e-mailed link that
opens the account made for the address (or keeps the existing one, never revealed)."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from maillage.booking import guest_services
from maillage.booking.errors import BookingError
from maillage.booking.guest_services import GUEST_HOLD, guest_confirm, guest_hold, guest_token
from maillage.booking.models import Booking
from maillage.booking.services import BookingRequest, booking_create, offers_expire
from maillage.booking.timeslots import local_day
from maillage.core import ratelimit
from tests.booking.conftest import NOW, TUESDAY
from tests.factories import UserFactory
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"https?://[^/\s]+(/reserver/sans-compte/confirmer/[^/\s]+/)")


def hold(room, email="walk-in@exemple.fr", name="Léa Martin", now=NOW, **slot):
    request = BookingRequest(resource=room, day=TUESDAY, **({"slot": "morning"} | slot))
    return guest_hold(name=name, email=email, request=request, now=now)


def test_a_guest_hold_keeps_the_slot_and_mails_a_signed_link(room):
    booking = hold(room)
    person = User.objects.get(email="walk-in@exemple.fr")
    assert (person.is_active, person.display_name, person.has_usable_password()) == (
        False,
        "Léa Martin",
        False,
    )
    assert (booking.user, booking.status, booking.offer_expires_at) == (
        person,
        Booking.Status.OFFERED,
        NOW + GUEST_HOLD,
    )
    assert (booking.payment, booking.price_cents) == ("on_site", 900)  # the half-day price
    # The hold counts like any booking: the room cannot be taken meanwhile.
    with pytest.raises(BookingError) as refused:
        booking_create(
            user=UserFactory(),
            request=BookingRequest(resource=room, day=TUESDAY, slot="morning"),
            now=NOW,
        )
    assert refused.value.code == "complet"
    [message] = deliver()
    assert message.to == ["walk-in@exemple.fr"]
    assert message.subject == "Confirmez votre réservation — La Fabrique du Port"
    assert "Elle est retenue jusqu'au 30/11/2026 à 08:30 (heure de Paris)" in message.body
    token = LINK.search(message.body).group(1).split("/")[-2]
    assert signing.loads(token, salt=guest_services.SALT) == {
        "b": str(booking.public_id),
        "e": "walk-in@exemple.fr",
    }


def test_confirming_opens_the_account_and_confirms_once(room):
    booking = hold(room)
    confirmed, activated = guest_confirm(token=guest_token(booking), now=NOW + timedelta(minutes=5))
    assert (confirmed.pk, confirmed.status, activated) == (booking.pk, "confirmed", True)
    assert User.objects.get(email="walk-in@exemple.fr").is_active is True
    again, activated = guest_confirm(token=guest_token(booking), now=NOW + timedelta(minutes=6))
    assert (again.pk, again.status, activated) == (booking.pk, "confirmed", False)
    assert [m.subject for m in deliver()] == [
        "Confirmez votre réservation — La Fabrique du Port",
        "Réservation confirmée — La Fabrique du Port",
    ]


def test_an_existing_account_is_used_and_keeps_its_password(room):
    owner = UserFactory(email="claire@exemple.fr")
    booking = hold(room, email="Claire@Exemple.fr", name="Quelqu'un d'autre")
    assert (
        booking.user == owner
        and User.objects.filter(email__iexact="claire@exemple.fr").count() == 1
    )
    owner.refresh_from_db()
    assert owner.display_name != "Quelqu'un d'autre"
    _confirmed, activated = guest_confirm(token=guest_token(booking), now=NOW)
    assert activated is False
    owner.refresh_from_db()
    assert owner.check_password("mot-de-passe-de-test") and owner.is_active


def test_an_unconfirmed_hold_is_released_by_the_sweep(room):
    booking = hold(room)
    assert offers_expire(now=NOW + GUEST_HOLD + timedelta(seconds=1)) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.EXPIRED
    taken, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=room, day=TUESDAY, slot="morning"),
        now=NOW + GUEST_HOLD,
    )
    assert taken.status == "confirmed"
    with pytest.raises(BookingError) as late:
        guest_confirm(token=guest_token(booking), now=NOW + GUEST_HOLD + timedelta(minutes=1))
    assert (late.value.status, late.value.code) == (409, "expiree")
    assert User.objects.get(email="walk-in@exemple.fr").is_active is False


def test_an_old_or_altered_link_is_refused(room, monkeypatch):
    booking = hold(room)
    real = time.time()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: real - 31 * 60))
    old = guest_token(booking)
    monkeypatch.setattr(signing, "time", time)
    with pytest.raises(BookingError) as expired:
        guest_confirm(token=old, now=NOW)
    assert (expired.value.status, expired.value.code) == (410, "lien_expire")
    with pytest.raises(BookingError) as altered:
        guest_confirm(token=guest_token(booking)[:-2] + "xx", now=NOW)
    assert altered.value.status == 404
    # A genuine signature over another address does not reach the booking either.
    other = signing.dumps(
        {"b": str(booking.public_id), "e": "x@exemple.fr"}, salt=guest_services.SALT
    )
    with pytest.raises(BookingError):
        guest_confirm(token=other, now=NOW)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.OFFERED


def test_a_guest_pays_at_the_place_only(room):
    with pytest.raises(BookingError) as refused:
        hold(room, payment="pass")
    assert refused.value.message == "Sans compte, la réservation se règle au lieu."
    assert Booking.objects.count() == 0


# --- pages ----------------------------------------------------------------------------------


def next_tuesday():
    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def limiter(monkeypatch):
    cache.clear()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def guest_post(client, resource, email="walk-in@exemple.fr", **extra):
    data = {
        "nom": "Léa Martin",
        "email": email,
        "date": next_tuesday().isoformat(),
        "creneau": "day",
        "paiement": "on_site",
        "consent": "on",
    } | extra
    return client.post(f"/reserver/ressource/{resource.pk}/sans-compte/", data)


def test_a_visitor_without_account_is_sent_to_the_guest_page(client, open_space):
    response = client.get(f"/reserver/ressource/{open_space.pk}/", {"date": "2030-01-08"})
    assert response.status_code == 302
    assert (
        response["Location"] == f"/reserver/ressource/{open_space.pk}/sans-compte/?date=2030-01-08"
    )
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "Recevoir le lien de confirmation" in text
    assert 'type="radio"' not in text and "Connectez-vous" in text
    client.force_login(UserFactory())
    back = client.get(f"/reserver/ressource/{open_space.pk}/sans-compte/")
    assert back["Location"] == f"/reserver/ressource/{open_space.pk}/"


def test_guest_flow_from_the_form_to_the_confirmed_booking(client, open_space, limiter):
    refused = guest_post(client, open_space, consent="")
    assert refused.status_code == 400 and Booking.objects.count() == 0
    sent = guest_post(client, open_space)
    assert (sent.status_code, sent["Location"]) == (302, "/reserver/sans-compte/envoye/")
    assert "La place vous est retenue 30 minutes" in client.get(sent["Location"]).content.decode()
    path = LINK.search(deliver()[0].body).group(1)
    # Opening the link changes nothing (mail scanners open links); the button confirms.
    ask = client.get(path)
    assert ask.status_code == 200 and Booking.objects.get().status == "offered"
    done = client.post(path)
    booking = Booking.objects.get()
    assert booking.status == "confirmed"
    assert done["Location"] == f"/reserver/reservations/{booking.public_id}/"
    detail = client.get(done["Location"])
    assert detail.status_code == 200 and "Réservation confirmée" in detail.content.decode()


def test_the_page_says_the_same_for_an_address_with_an_account(client, open_space, limiter):
    UserFactory(email="claire@exemple.fr")
    known = guest_post(client, open_space, email="claire@exemple.fr")
    unknown = guest_post(client, open_space, email="nouveau@exemple.fr")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    first, second = deliver()
    assert first.subject == second.subject
    assert LINK.sub("", first.body) == LINK.sub("", second.body)


def test_a_confirmed_link_of_an_existing_account_does_not_sign_in(client, open_space, limiter):
    UserFactory(email="claire@exemple.fr")
    guest_post(client, open_space, email="claire@exemple.fr")
    path = LINK.search(deliver()[0].body).group(1)
    page = client.post(path)
    assert (
        page.status_code == 200
        and "Elle figure dans votre compte maillage" in page.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_guest_bookings_are_throttled_per_address(client, open_space, limiter):
    open_space.capacity = 10
    open_space.save()
    for _ in range(3):
        assert guest_post(client, open_space).status_code == 302
    fourth = guest_post(client, open_space)
    assert fourth.status_code == 429 and fourth["Retry-After"] == "3600"
    assert "Trop de tentatives : réessayez dans 60 minutes." in fourth.content.decode()
    assert Booking.objects.count() == 3


def test_bad_links_answer_in_french_without_a_500(client):
    page = client.post("/reserver/sans-compte/confirmer/abc/")
    assert page.status_code == 404 and "Lien de confirmation invalide." in page.content.decode()


def test_the_team_books_a_walk_in_without_an_account(client, open_space, manager):
    client.force_login(manager)
    url = f"/reserver/lieu/{open_space.place.public_id}/reserver-pour/"
    data = {
        "email": "passant@exemple.fr",
        "ressource": open_space.pk,
        "date": next_tuesday().isoformat(),
        "creneau": "morning",
        "paiement": "on_site",
    }
    no_name = client.post(url, data)
    assert no_name.status_code == 400
    assert "indiquez le nom de la personne" in no_name.content.decode()
    bad = client.post(url, data | {"email": "pas-une-adresse", "nom": "Paul"})
    assert bad.status_code == 400 and "Adresse e-mail invalide." in bad.content.decode()
    assert Booking.objects.count() == 0
    held = client.post(url, data | {"nom": "Paul Passant"})
    assert held["Location"] == f"/reserver/lieu/{open_space.place.public_id}/agenda/"
    booking = Booking.objects.get()
    assert (booking.status, booking.created_by, booking.user.email, booking.user.is_active) == (
        "offered",
        manager,
        "passant@exemple.fr",
        False,
    )
    [message] = deliver()
    assert message.to == ["passant@exemple.fr"] and LINK.search(message.body)
