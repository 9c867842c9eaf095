"""One participant submitting from many connections at once (reliability.md rule 4): always one
ballot, holding exactly one of the submitted distributions, never a mix nor a crash."""

import pytest

from maillage.consultation.models import Allocation, Ballot, Consultation, Invitation
from maillage.consultation.services import Voter, ballot_submit, invitations_send
from tests.concurrency import race
from tests.consultation.conftest import DURING, make_consultation, option_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8
ROUNDS = 3


def distributions(ids: list[int]) -> list[dict[int, int]]:
    """Eight different ballots of 10 points, so that a mix of two shows."""
    a, b, c = ids
    return [
        {a: 10},
        {b: 10},
        {c: 10},
        {a: 5, b: 5},
        {b: 5, c: 5},
        {a: 5, c: 5},
        {a: 4, b: 3, c: 3},
        {a: 1, b: 1, c: 8},
    ]


def stored(consultation) -> list[dict[int, int]]:
    return [
        dict(Allocation.objects.filter(ballot=ballot).values_list("option_id", "points"))
        for ballot in Ballot.objects.filter(consultation=consultation)
    ]


@pytest.mark.parametrize("kind", ["account", "invitation"])
def test_concurrent_submissions_of_one_participant_keep_one_whole_ballot(kind):
    coordinator = UserFactory(coordinator=True)
    access = Consultation.Access.OPEN if kind == "account" else Consultation.Access.INVITATION
    consultation = make_consultation(coordinator, access=access)
    if kind == "account":
        voter = Voter(user=UserFactory())
    else:
        invitations_send(
            actor=coordinator, consultation=consultation, emails=["alice@exemple.fr"], now=DURING
        )
        voter = Voter(invitation=Invitation.objects.get())
    choices = distributions(list(option_ids(consultation).values()))
    for _ in range(ROUNDS):
        outcomes = race(
            [
                lambda p=points: (
                    ballot_submit(consultation=consultation, voter=voter, points=p, now=DURING).pk
                )
                for points in choices[:THREADS]
            ]
        )
        assert [outcome[0] for outcome in outcomes] == ["ok"] * THREADS
        assert len({outcome[1] for outcome in outcomes}) == 1  # the same ballot every time
        (ballot,) = stored(consultation)
        assert ballot in choices
