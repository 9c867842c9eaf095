"""Saving one scenario from many connections at once (issue 11): each save gets its own version
or a French conflict message, never a crash; threads released together by a barrier, each with
its own database connection, on SQLite and PostgreSQL."""

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connections
from django.test import Client

from maillage.observatory.errors import ObservatoryError
from maillage.observatory.models import SavedScenario
from maillage.observatory.scenarios import default_scenarios, scenario_copy
from maillage.observatory.services import scenario_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 3, 2)
THREADS = 20
ROUNDS = 3


def race(calls):
    """Run the callables at the same instant on separate connections; the outcome of each:
    ("ok", value), ("refused", field, message) for an `ObservatoryError`, ("crash", repr)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except ObservatoryError as error:
            results[index] = ("refused", error.field, error.message)
        except Exception as error:  # what the issue saw: IntegrityError → 500
            results[index] = ("crash", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _variant(name, adoption=0.7):
    return scenario_copy(
        default_scenarios(TODAY.year)["actuel"], name, today=TODAY, adoption=adoption
    )


def _save(user, name, adoption):
    return scenario_save(user=user, scenario=_variant(name, adoption), today=TODAY).version


def test_twenty_saves_of_a_new_name_by_its_author_get_twenty_versions():
    author = UserFactory()
    for round_ in range(ROUNDS):
        name = f"essai-{round_}"
        outcomes = race(
            [lambda i=i, n=name: _save(author, n, adoption=0.5 + i / 100) for i in range(THREADS)]
        )
        assert Counter(o[0] for o in outcomes) == {"ok": THREADS}, outcomes
        assert sorted(o[1] for o in outcomes) == list(range(1, THREADS + 1))
        stored = SavedScenario.objects.named(name)
        assert sorted(stored.values_list("version", flat=True)) == list(range(1, THREADS + 1))
        # Each row carries its own version in its data, and each save's own values.
        assert all(row.data["version"] == row.version for row in stored)
        assert len({row.data["adoption"] for row in stored}) == THREADS


def test_twenty_saves_of_an_existing_scenario_get_the_next_twenty_versions():
    author = UserFactory()
    _save(author, "existant", adoption=0.6)
    for round_ in range(ROUNDS):
        outcomes = race(
            [lambda i=i: _save(author, "existant", adoption=0.5 + i / 100) for i in range(THREADS)]
        )
        assert Counter(o[0] for o in outcomes) == {"ok": THREADS}, outcomes
        first = 2 + round_ * THREADS
        assert sorted(o[1] for o in outcomes) == list(range(first, first + THREADS))
    assert SavedScenario.objects.named("existant").count() == 1 + ROUNDS * THREADS


def test_twenty_people_claiming_one_new_name_one_wins_the_others_are_told():
    for round_ in range(ROUNDS):
        name = f"revendique-{round_}"
        people = [UserFactory() for _ in range(THREADS)]
        outcomes = race([lambda u=u, n=name: _save(u, n, adoption=0.7) for u in people])
        assert Counter(o[0] for o in outcomes) == {"ok": 1, "refused": THREADS - 1}, outcomes
        assert {o[1:] for o in outcomes if o[0] == "refused"} == {
            (
                "name",
                f"Nom du scénario : « {name} » appartient à quelqu'un d'autre ; choisir un "
                "autre nom.",
            )
        }
        # The name belongs to one person only: nobody slipped a version in beside the winner.
        stored = SavedScenario.objects.named(name)
        assert list(stored.values_list("version", flat=True)) == [1]
        winner = next(i for i, o in enumerate(outcomes) if o[0] == "ok")
        assert stored.get().created_by == people[winner]


def test_ten_concurrent_api_saves_answer_201_or_409_never_500():
    author = UserFactory()
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(author)
        clients.append(client)

    def post(client, adoption):
        response = client.post(
            "/api/observatoire/scenarios",
            {"nom": "via-api", "depuis": "actuel", "parametres": {"adoption": adoption}},
            content_type="application/json",
        )
        return response.status_code, response.json()

    outcomes = race([lambda c=c, i=i: post(c, 0.5 + i / 100) for i, c in enumerate(clients)])
    statuses = Counter(o[1][0] for o in outcomes if o[0] == "ok")
    assert sum(statuses.values()) == 10, outcomes
    assert set(statuses) <= {201, 409}, outcomes
    created = sorted(o[1][1]["version"] for o in outcomes if o[1][0] == 201)
    assert created == list(range(1, statuses[201] + 1))
    assert SavedScenario.objects.named("via-api").count() == statuses[201]
    # Serialised saves all go through on both databases.
    assert statuses == {201: 10}
