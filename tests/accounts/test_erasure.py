"""Account erasure (RGPD, reliability scenario 15): every app's eraser and the account itself in
one transaction; invoices keep their frozen identity; the newcomer stays invisible until opt-in."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from maillage.accounts.services import AccountEraseError, account_erase
from maillage.audit.models import AuditEvent
from maillage.billing.services import Buyer, invoice_create
from maillage.booking.models import Booking
from maillage.booking.services import BookingRequest, booking_create
from maillage.community.models import Block, Conversation, MemberProfile, Message, Report
from maillage.community.selectors import DirectoryFilters, directory_search
from maillage.community.services import (
    CommunityError,
    conversation_start,
    message_reply,
    profile_visibility_set,
    report_create,
)
from maillage.core import erasure
from maillage.territory.models import Commune
from tests.billing.conftest import desk_days
from tests.booking.conftest import TUESDAY, make_resource
from tests.community.conftest import make_profile
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
PASSWORD = "mot-de-passe-de-test"
COMMUNITY = "réseau des membres (profil, messages, signalements)"


@pytest.fixture
def camille(place):
    """A member with a commute profile, a visible directory profile, a conversation with Bruno,
    a report, a block, a booking and an invoice."""
    caen = Commune.objects.get(code="14118")
    camille = UserFactory(
        email="camille@exemple.fr",
        first_name="Camille",
        last_name="Martin",
        display_name="Camille Martin",
        home_commune=caen,
        work_commune=caen,
    )
    profile = make_profile(camille, display_name="Camille M.", places=[place])
    bruno = UserFactory(display_name="Bruno Petit")
    bruno_profile = make_profile(bruno, display_name="Bruno P.")
    conversation = conversation_start(
        sender=camille, profile=bruno_profile, body="Bonjour Bruno, je suis Camille", now=NOW
    )
    message_reply(sender=bruno, conversation=conversation, body="Bonjour !", now=NOW)
    message_reply(sender=camille, conversation=conversation, body="Mon 06 12 34 56 78", now=NOW)
    report_create(
        reporter=camille,
        message=conversation.messages.get(sender=bruno),
        reason="autre",
        details="Camille Martin, 3 rue Écuyère",
        now=NOW,
    )
    Block.objects.create(blocker=UserFactory(), blocked=camille)
    booking, _ = booking_create(
        user=camille,
        request=BookingRequest(resource=make_resource(place), day=TUESDAY, slot="day"),
        now=NOW,
    )
    invoice = invoice_create(
        seller=LegalEntityFactory(),
        buyer=Buyer(user=camille, address="3 rue Écuyère", postcode="14000", city="Caen"),
        lines=[desk_days(service_date=date(2026, 11, 27))],
        service_start=date(2026, 11, 27),
        service_end=date(2026, 11, 27),
        now=NOW,
    )
    camille.fixture = {
        "profile": profile,
        "bruno": bruno,
        "conversation": conversation,
        "booking": booking,
        "invoice": invoice,
    }
    return camille


def test_scenario_15_erasure_end_to_end(client, camille):
    bruno, conversation = camille.fixture["bruno"], camille.fixture["conversation"]
    invoice = camille.fixture["invoice"]
    frozen_buyer = dict(invoice.buyer_data)
    assert camille.fixture["booking"].home_commune_id is not None

    counts = account_erase(user=camille, actor=camille, now=NOW)

    # 1 profile + 2 messages + 1 report + 1 block + 1 side of a conversation.
    assert counts[COMMUNITY] == 6
    assert counts["réservations (communes)"] == 1
    erased = get_user_model().objects.get(pk=camille.pk)
    assert erased.email.startswith("supprime-")
    assert erased.email.endswith("@compte-supprime.invalid")
    assert (erased.first_name, erased.last_name, erased.display_name) == ("", "", "")
    assert (erased.is_active, erased.has_usable_password()) == (False, False)
    assert (erased.home_commune, erased.work_commune) == (None, None)
    assert client.login(email="camille@exemple.fr", password=PASSWORD) is False

    # Directory, member page: gone.
    assert MemberProfile.objects.filter(user=erased).exists() is False
    assert [p.display_name for p in directory_search(DirectoryFilters())] == ["Bruno P."]
    client.force_login(bruno)
    member_page = reverse("community:member", args=[camille.fixture["profile"].public_id])
    assert client.get(member_page).status_code == 404
    api = client.get("/api/membres").json()
    assert [member["nom"] for member in api["membres"]] == ["Bruno P."]

    # Bruno's conversation keeps its shape, without Camille's words or name.
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("sender", "body", "erased")
    ) == [(None, "", True), (bruno.pk, "Bonjour !", False), (None, "", True)]
    page = client.get(conversation.get_absolute_url())
    html = page.content.decode()
    assert page.context["other_name"] == "Compte supprimé"
    assert html.count("Message supprimé") == 2
    for trace in ("Camille", "camille@exemple.fr", "06 12 34 56 78"):
        assert trace not in html
    with pytest.raises(CommunityError) as closed:
        message_reply(sender=bruno, conversation=conversation, body="Tu es là ?", now=NOW)
    assert closed.value.status == 409
    inbox = client.get(reverse("community:inbox"))
    assert [row["name"] for row in inbox.context["rows"]] == ["Compte supprimé"]

    # Anonymous counts stay; the report keeps its reason, not its text nor its author.
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 3
    assert list(Report.objects.values_list("reporter", "reason", "details")) == [
        (None, "autre", "")
    ]
    assert Block.objects.count() == 0

    # The booking stays, counted, without the communes; the invoice keeps its frozen identity.
    booking = Booking.objects.get(pk=camille.fixture["booking"].pk)
    assert Booking.objects.filter(user=erased).count() == 1
    assert (booking.home_commune_id, booking.work_commune_id) == (None, None)
    invoice.refresh_from_db()
    assert invoice.buyer_data == frozen_buyer
    assert invoice.buyer_user_id == erased.pk

    event = AuditEvent.objects.get(action="account.erase")
    assert (event.actor_id, event.object_id) == (erased.pk, str(erased.pk))
    assert event.data == {"counts": counts}
    assert "camille" not in str(event.data).lower()


def test_newcomer_is_invisible_until_opt_in_and_leaves_at_once(client, camille):
    account_erase(user=camille, actor=camille, now=NOW)
    newcomer = UserFactory(display_name="Dominique")

    def listed() -> list[str]:
        return [p.display_name for p in directory_search(DirectoryFilters())]

    assert listed() == ["Bruno P."]
    make_profile(newcomer, display_name="Dominique", visible=False)
    assert listed() == ["Bruno P."]
    profile_visibility_set(user=newcomer, visible=True, now=NOW)
    assert listed() == ["Bruno P.", "Dominique"]
    profile_visibility_set(user=newcomer, visible=False, now=NOW)
    assert listed() == ["Bruno P."]


def test_erasure_is_all_or_nothing(monkeypatch, camille):
    def broken(user) -> int:
        raise RuntimeError("panne")

    monkeypatch.setitem(erasure._ERASERS, "zzz en panne", broken)
    with pytest.raises(RuntimeError):
        account_erase(user=camille, actor=camille, now=NOW)
    camille.refresh_from_db()
    assert (camille.email, camille.is_active) == ("camille@exemple.fr", True)
    assert MemberProfile.objects.filter(user=camille).count() == 1
    assert Message.objects.filter(sender=camille).count() == 2
    assert AuditEvent.objects.filter(action="account.erase").count() == 0


def test_erasing_twice_is_refused(camille):
    account_erase(user=camille, actor=camille, now=NOW)
    with pytest.raises(AccountEraseError) as twice:
        account_erase(user=camille, actor=camille, now=NOW)
    assert twice.value.args == ("Ce compte est déjà supprimé.",)


def test_erase_page_asks_the_password_then_logs_out(client):
    member = UserFactory(email="dominique@exemple.fr")
    make_profile(member, display_name="Dominique")
    other_device = Client()
    assert other_device.login(email="dominique@exemple.fr", password=PASSWORD) is True
    client.force_login(member)
    url = reverse("accounts:erase")
    page = client.get(url)
    assert page.status_code == 200
    assert "Vos factures et avoirs" in page.content.decode()

    wrong = client.post(url, {"password": "pas le bon"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors == {
        "password": ["Mot de passe incorrect : le compte n'est pas supprimé."]
    }
    empty = client.post(url, {})
    assert empty.context["form"].errors == {
        "password": ["Saisissez votre mot de passe pour confirmer."]
    }
    member.refresh_from_db()
    assert member.is_active is True

    done = client.post(url, {"password": PASSWORD})
    assert done.status_code == 200
    assert "Votre compte est supprimé" in done.content.decode()
    member.refresh_from_db()
    assert member.is_active is False
    assert MemberProfile.objects.filter(user=member).exists() is False
    for device in (client, other_device):
        after = device.get(reverse("community:my_profile"))
        assert after.status_code == 302
        assert after["Location"].startswith(reverse("accounts:login"))


def test_erase_page_throttles_password_guesses(client):
    member = UserFactory()
    client.force_login(member)
    url = reverse("accounts:erase")
    for _ in range(5):
        assert client.post(url, {"password": "devine"}).status_code == 400
    throttled = client.post(url, {"password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    member.refresh_from_db()
    assert member.is_active is True


def test_erase_page_is_for_signed_in_members(client):
    response = client.get(reverse("accounts:erase"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
