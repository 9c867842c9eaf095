"""Messages between members: through the platform only, blocks, throttles, IDOR."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from maillage.community.models import Block, Conversation, Message
from maillage.community.selectors import unread_count
from maillage.community.services import (
    CommunityError,
    conversation_start,
    message_reply,
)
from maillage.core.ratelimit import Throttled
from tests.community.conftest import NOW, make_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _write(client, profile, body="Bonjour, on se croise jeudi ?"):
    return client.post(reverse("community:contact", args=[profile.public_id]), {"body": body})


def test_first_message_opens_a_conversation_and_mails_without_address(client, alice, bruno_profile):
    client.force_login(alice)
    response = _write(client, bruno_profile)
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community:conversation", args=[conversation.public_id])
    assert list(conversation.messages.values_list("sender__email", "body")) == [
        ("alice@exemple.fr", "Bonjour, on se croise jeudi ?")
    ]
    email = Email.objects.get()
    assert email.to == ["bruno@exemple.fr"]
    assert email.subject == "Alice Leroy vous a écrit sur maillage"
    assert f"/membres/messages/{conversation.public_id}" in email.message
    assert "alice@exemple.fr" not in email.message
    assert "alice@exemple.fr" not in email.subject


def test_one_email_per_unread_streak(alice, bruno_profile):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Un", now=NOW)
    message_reply(sender=alice, conversation=conversation, body="Deux", now=NOW)
    assert Email.objects.count() == 1
    assert unread_count(bruno_profile.user) == 2
    assert unread_count(alice) == 0


def test_conversation_page_marks_read_and_shows_no_address(client, alice, bruno_profile):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    client.force_login(bruno_profile.user)
    inbox = client.get(reverse("community:inbox"))
    assert inbox.context["unread"] == 1
    assert [row["name"] for row in inbox.context["rows"]] == ["Alice Leroy"]
    page = client.get(reverse("community:conversation", args=[conversation.public_id]))
    assert page.status_code == 200
    assert "alice@exemple.fr" not in page.content.decode()
    assert unread_count(bruno_profile.user) == 0
    assert client.get(reverse("community:inbox")).context["unread"] == 0


def test_reply_goes_into_the_same_conversation(client, alice, bruno_profile):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    client.force_login(bruno_profile.user)
    response = client.post(
        reverse("community:conversation", args=[conversation.public_id]), {"body": "Bonjour !"}
    )
    assert response.status_code == 302
    assert list(conversation.messages.values_list("body", flat=True)) == ["Salut", "Bonjour !"]
    # Writing again from the directory joins the same conversation.
    client.force_login(alice)
    _write(client, bruno_profile, body="Encore moi")
    assert Conversation.objects.count() == 1
    assert conversation.messages.count() == 3


def test_hidden_member_cannot_be_contacted(client, alice, bruno_profile):
    bruno_profile.visible = False
    bruno_profile.consented_at = None
    bruno_profile.save()
    client.force_login(alice)
    assert _write(client, bruno_profile).status_code == 404
    assert Message.objects.count() == 0
    assert Email.objects.count() == 0


def test_member_without_profile_can_still_answer(client, alice, bruno_profile):
    """Alice has no profile: Bruno cannot find her, but answers her conversation."""
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    message_reply(sender=bruno_profile.user, conversation=conversation, body="Re", now=NOW)
    assert conversation.messages.count() == 2


def test_someone_elses_conversation_is_not_found(client, alice, bruno_profile):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Privé", now=NOW)
    message = conversation.messages.get()
    client.force_login(UserFactory())
    url = reverse("community:conversation", args=[conversation.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "intrus"}).status_code == 404
    assert "Privé" not in client.get(url).content.decode()
    block = reverse("community:conversation_block", args=[conversation.public_id])
    assert client.post(block).status_code == 404
    report = reverse("community:report_message", args=[message.pk])
    assert client.get(report).status_code == 404
    assert client.post(report, {"reason": "spam"}).status_code == 404
    huge = "/membres/messages/signaler/" + "9" * 30
    assert client.get(huge).status_code == 404
    assert conversation.messages.count() == 1
    assert Block.objects.count() == 0


@pytest.mark.parametrize("who_blocks", ["recipient", "sender"])
def test_block_refuses_messages_and_stores_nothing(client, alice, bruno_profile, who_blocks):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    bruno = bruno_profile.user
    if who_blocks == "recipient":
        Block.objects.create(blocker=bruno, blocked=alice)
    else:
        Block.objects.create(blocker=alice, blocked=bruno)
    Email.objects.all().delete()
    client.force_login(alice)
    refused = _write(client, bruno_profile, body="Tu m'as bloqué ?")
    assert refused.status_code == 403
    assert refused.context["form"].non_field_errors() == [
        "Vous ne pouvez pas écrire à cette personne."
    ]
    reply = client.post(
        reverse("community:conversation", args=[conversation.public_id]), {"body": "Et ici ?"}
    )
    assert reply.status_code == 403
    assert list(conversation.messages.values_list("body", flat=True)) == ["Salut"]
    assert Email.objects.count() == 0


def test_block_from_the_conversation_then_unblock(client, alice, bruno_profile):
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    bruno = bruno_profile.user
    client.force_login(bruno)
    response = client.post(reverse("community:conversation_block", args=[conversation.public_id]))
    assert response.status_code == 302
    block = Block.objects.get()
    assert (block.blocker, block.blocked) == (bruno, alice)
    with pytest.raises(CommunityError) as refused:
        message_reply(sender=alice, conversation=conversation, body="?", now=NOW)
    assert (refused.value.status, refused.value.message) == (
        403,
        "Vous ne pouvez pas écrire à cette personne.",
    )
    # Someone else's block id is unknown.
    client.force_login(alice)
    assert client.post(reverse("community:blocks"), {"block": block.pk}).status_code == 404
    assert client.post(reverse("community:blocks"), {"block": "x" * 40}).status_code == 404
    client.force_login(bruno)
    listing = client.get(reverse("community:blocks"))
    assert [row["name"] for row in listing.context["rows"]] == ["Alice Leroy"]
    assert client.post(reverse("community:blocks"), {"block": block.pk}).status_code == 302
    assert Block.objects.count() == 0
    message_reply(sender=alice, conversation=conversation, body="Merci", now=NOW)
    assert conversation.messages.count() == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Le message est vide."),
        ("   ", "Le message est vide."),
        ("m" * 2001, "Le message fait 2000 caractères au plus (2001 saisis)."),
    ],
)
def test_bad_message_is_refused_in_french(client, alice, bruno_profile, body, error):
    client.force_login(alice)
    response = _write(client, bruno_profile, body=body)
    assert response.status_code == 400
    assert response.context["form"].errors == {"body": [error]}
    assert Message.objects.count() == 0


def test_service_bounds_the_body_too(alice, bruno_profile):
    with pytest.raises(CommunityError) as huge:
        conversation_start(sender=alice, profile=bruno_profile, body="m" * 5000, now=NOW)
    assert huge.value.message == "Le message fait 5000 caractères : 2000 au plus."
    with pytest.raises(CommunityError) as self_message:
        conversation_start(sender=bruno_profile.user, profile=bruno_profile, body="moi", now=NOW)
    assert self_message.value.message == "Vous ne pouvez pas vous écrire à vous-même."
    assert Message.objects.count() == 0


def test_thirty_messages_an_hour(client, alice, bruno_profile):
    now = timezone.now()  # the page counts in the real clock's window
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="1", now=now)
    for number in range(2, 31):
        message_reply(sender=alice, conversation=conversation, body=str(number), now=now)
    client.force_login(alice)
    response = client.post(
        reverse("community:conversation", args=[conversation.public_id]), {"body": "31"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert [str(m) for m in response.context["messages"]][-1].startswith(
        "Trop de tentatives : réessayez dans"
    )
    assert conversation.messages.count() == 30
    later = now + timedelta(hours=1)
    message_reply(sender=alice, conversation=conversation, body="31", now=later)
    assert conversation.messages.count() == 31


def test_ten_new_conversations_a_day(client, alice):
    now = timezone.now()  # the page counts in the real clock's window
    profiles = [make_profile(display_name=f"Membre {n}") for n in range(11)]
    for profile in profiles[:10]:
        conversation_start(sender=alice, profile=profile, body="Bonjour", now=now)
    with pytest.raises(Throttled):
        conversation_start(sender=alice, profile=profiles[10], body="Bonjour", now=now)
    client.force_login(alice)
    response = _write(client, profiles[10])
    assert response.status_code == 429
    assert Conversation.objects.count() == 10
    # An existing conversation is not a first contact.
    conversation_start(sender=alice, profile=profiles[0], body="Encore", now=now)
    assert Message.objects.count() == 11


def test_header_badge_counts_unread_lazily(rf, alice, bruno_profile, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from maillage.community.context_processors import community

    conversation_start(sender=alice, profile=bruno_profile, body="Salut", now=NOW)
    request = rf.get("/")
    request.user = bruno_profile.user
    with django_assert_num_queries(0):
        badge = community(request)["community"]
    with django_assert_num_queries(1):
        assert (badge.unread, badge.unread) == (1, 1)
    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    assert community(anonymous)["community"].unread == 0
