"""The last seat under real concurrency (reliability.md rule 4, scenario 1): 20 people on their
own connections register at once for an event with one seat left, over several rounds."""

import pytest

from maillage.events.models import Event, Registration
from maillage.events.services import registration_create
from tests.concurrency import race
from tests.events.conftest import NOW, make_event
from tests.factories import UserFactory

ROUNDS = 3
PEOPLE = 20


@pytest.mark.django_db(transaction=True)
def test_registration_create_last_seat_one_winner(reference_geography, manager, place):
    for round_number in range(ROUNDS):
        event = make_event(manager, place, capacity=3, title=f"Atelier {round_number}")
        for _ in range(2):
            registration_create(event=event, user=UserFactory(), now=NOW)
        people = [UserFactory() for _ in range(PEOPLE)]

        outcomes = race(
            [
                lambda person=person, event=event: (
                    registration_create(event=event, user=person, now=NOW).status
                )
                for person in people
            ]
        )

        assert sorted(outcomes) == sorted(
            [("ok", "confirmed")] + [("ok", "waiting")] * (PEOPLE - 1)
        )
        event.refresh_from_db()
        assert event.confirmed_count == 3
        assert Registration.objects.filter(event=event, status="confirmed").count() == 3
        waiting = Registration.objects.filter(event=event, status="waiting")
        assert waiting.count() == PEOPLE - 1
    assert Event.objects.count() == ROUNDS
