"""Reports of abuse and the coordination's moderation queue."""

import pytest
from django.urls import reverse

from maillage.audit.models import AuditEvent
from maillage.community.models import MemberProfile, Message, Report
from maillage.community.services import CommunityError, conversation_start, report_decide
from tests.community.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def insult(alice, bruno_profile):
    """Bruno answers Alice rudely; Alice has a listed profile too."""
    conversation = conversation_start(sender=alice, profile=bruno_profile, body="Bonjour", now=NOW)
    return Message.objects.create(
        conversation=conversation, sender=bruno_profile.user, body="Va-t'en !", created_at=NOW
    )


def test_member_reports_a_message(client, alice, insult):
    client.force_login(alice)
    url = reverse("community:report_message", args=[insult.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "harcelement", "details": "Insultes répétées"})
    assert response.status_code == 302
    assert response["Location"] == insult.conversation.get_absolute_url()
    report = Report.objects.get()
    assert (report.message, report.profile, report.reason, report.details, report.status) == (
        insult,
        None,
        "harcelement",
        "Insultes répétées",
        "ouvert",
    )
    event = AuditEvent.objects.get(action="member_report.create")
    assert event.data == {"kind": "message", "reason": "harcelement"}


def test_own_message_cannot_be_reported(client, alice, insult):
    own = insult.conversation.messages.get(sender=alice)
    client.force_login(alice)
    assert client.get(reverse("community:report_message", args=[own.pk])).status_code == 404


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"reason": "inconnu"}, {"reason": ["Choisissez un motif dans la liste."]}),
        (
            {"reason": "spam", "details": "d" * 1001},
            {
                "details": [
                    "Assurez-vous que cette valeur comporte au plus 1000 caractères "
                    "(actuellement 1001)."
                ]
            },
        ),
    ],
)
def test_bad_report_saves_nothing(client, alice, bruno_profile, data, errors):
    client.force_login(alice)
    response = client.post(
        reverse("community:report_profile", args=[bruno_profile.public_id]), data
    )
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert Report.objects.count() == 0


def test_queue_is_for_the_coordination_only(client, alice, insult):
    report = Report.objects.create(reporter=alice, message=insult, reason="spam", created_at=NOW)
    client.force_login(alice)
    assert client.get(reverse("community:moderation")).status_code == 404
    decide = reverse("community:moderation_decide", args=[report.pk])
    assert client.post(decide, {"decision": "masquer-message"}).status_code == 404
    insult.refresh_from_db()
    report.refresh_from_db()
    assert (insult.hidden_by_moderation, report.status) == (False, "ouvert")


def test_hide_message(client, alice, coordinator, insult):
    report = Report.objects.create(reporter=alice, message=insult, reason="spam", created_at=NOW)
    client.force_login(coordinator)
    queue = client.get(reverse("community:moderation"))
    assert [r.pk for r in queue.context["reports"]] == [report.pk]
    response = client.post(
        reverse("community:moderation_decide", args=[report.pk]), {"decision": "masquer-message"}
    )
    assert response.status_code == 302
    insult.refresh_from_db()
    report.refresh_from_db()
    assert (insult.hidden_by_moderation, report.status, report.decided_by) == (
        True,
        "message-masque",
        coordinator,
    )
    assert client.get(reverse("community:moderation")).context["reports"] == []
    client.force_login(alice)
    page = client.get(insult.conversation.get_absolute_url()).content.decode()
    assert "Va-t&#x27;en" not in page
    assert "Message masqué par la coordination" in page
    assert AuditEvent.objects.filter(action="member_report.masquer-message").count() == 1


def test_hide_profile_from_a_message_report(client, alice, alice_profile, coordinator, insult):
    report = Report.objects.create(reporter=alice, message=insult, reason="spam", created_at=NOW)
    report_decide(moderator=coordinator, report_id=report.pk, decision="masquer-profil", now=NOW)
    profile = MemberProfile.objects.get(user=insult.sender)
    assert profile.hidden_by_moderation is True
    client.force_login(alice)
    assert client.get(profile.get_absolute_url()).status_code == 404
    names = client.get(reverse("community:directory")).context["page"].object_list
    assert [p.display_name for p in names] == ["Alice L."]


def test_report_profile_then_dismiss(client, alice, coordinator, bruno_profile):
    client.force_login(alice)
    response = client.post(
        reverse("community:report_profile", args=[bruno_profile.public_id]),
        {"reason": "arnaque"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.profile == bruno_profile
    report_decide(moderator=coordinator, report_id=report.pk, decision="classer", now=NOW)
    report.refresh_from_db()
    bruno_profile.refresh_from_db()
    assert (report.status, bruno_profile.hidden_by_moderation) == ("classe", False)
    with pytest.raises(CommunityError) as twice:
        report_decide(moderator=coordinator, report_id=report.pk, decision="classer", now=NOW)
    assert (twice.value.status, twice.value.message) == (409, "Ce signalement a déjà été traité.")
    with pytest.raises(CommunityError) as unknown:
        report_decide(moderator=coordinator, report_id=report.pk, decision="supprimer", now=NOW)
    assert unknown.value.message == "Décision inconnue."


def test_huge_report_id_is_not_found(client, coordinator):
    client.force_login(coordinator)
    url = "/membres/moderation/" + "9" * 30
    assert client.post(url, {"decision": "classer"}).status_code == 404
    assert client.post("/membres/moderation/99999", {"decision": "classer"}).status_code == 404
