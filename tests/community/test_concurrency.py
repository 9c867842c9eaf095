"""Real concurrency on separate connections: two members writing to each other for the first
time at once share one conversation; two coordinators deciding one report give one decision."""

import pytest

from maillage.community.models import Conversation, Message, Report
from maillage.community.services import CommunityError, conversation_start, report_decide
from tests.community.conftest import NOW, make_profile
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def refusal_as_result(call):
    def run():
        try:
            return call()
        except CommunityError as error:
            return (error.status, error.message)

    return run


def test_crossed_first_messages_share_one_conversation(reference_geography):
    for _round in range(5):
        one, other = make_profile(display_name="Un"), make_profile(display_name="Autre")
        outcomes = race(
            [
                lambda one=one, other=other: (
                    conversation_start(sender=one.user, profile=other, body="Salut", now=NOW).pk
                ),
                lambda one=one, other=other: (
                    conversation_start(sender=other.user, profile=one, body="Coucou", now=NOW).pk
                ),
            ]
        )
        assert [kind for kind, _ in outcomes] == ["ok", "ok"]
        assert outcomes[0][1] == outcomes[1][1]
        conversation = Conversation.objects.get(pk=outcomes[0][1])
        assert sorted(conversation.messages.values_list("body", flat=True)) == [
            "Coucou",
            "Salut",
        ]
    assert Conversation.objects.count() == 5
    assert Message.objects.count() == 10


def test_a_report_is_decided_once(reference_geography):
    moderators = [UserFactory(coordinator=True) for _ in range(4)]
    profile = make_profile(display_name="Signalé")
    report = Report.objects.create(
        reporter=UserFactory(), profile=profile, reason="spam", created_at=NOW
    )
    decisions = ["masquer-profil", "classer", "masquer-profil", "classer"]
    outcomes = race(
        [
            refusal_as_result(
                lambda moderator=moderator, decision=decision: (
                    report_decide(
                        moderator=moderator, report_id=report.pk, decision=decision, now=NOW
                    ).status
                )
            )
            for moderator, decision in zip(moderators, decisions, strict=True)
        ]
    )
    results = sorted((str(result) for _kind, result in outcomes))
    assert [kind for kind, _ in outcomes] == ["ok"] * 4
    assert results.count("(409, 'Ce signalement a déjà été traité.')") == 3
    report.refresh_from_db()
    assert report.status in {"profil-masque", "classe"}
    profile.refresh_from_db()
    assert profile.hidden_by_moderation is (report.status == "profil-masque")
