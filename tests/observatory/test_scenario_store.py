"""Saved scenarios: versions per name, reserved names, validation, deletion by the author."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from maillage.observatory.errors import ScenarioError
from maillage.observatory.models import SavedScenario
from maillage.observatory.scenarios import default_scenarios, from_dict, scenario_copy, to_dict
from maillage.observatory.services import scenario_delete, scenario_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


@pytest.fixture
def variant():
    return scenario_copy(
        default_scenarios(TODAY.year)["actuel"],
        "normandie-2030",
        today=TODAY,
        label="Normandie 2030",
        adoption=0.7,
        horizon=2030,
    )


def test_scenario_save_first_version(variant):
    user = UserFactory()

    saved = scenario_save(user=user, scenario=variant, today=TODAY)

    assert (saved.name, saved.version, saved.label) == ("normandie-2030", 1, "Normandie 2030")
    assert (saved.based_on, saved.created_by) == ("actuel v1", user)
    assert saved.data == to_dict(variant)
    assert from_dict(saved.data) == variant


def test_scenario_save_same_name_again_adds_a_version(variant):
    user = UserFactory()
    scenario_save(user=user, scenario=variant, today=TODAY)
    changed = scenario_copy(variant, "normandie-2030", today=TODAY, adoption=0.8)

    saved = scenario_save(user=user, scenario=changed, today=TODAY)

    assert saved.version == 2
    assert saved.data["version"] == 2
    assert saved.data["adoption"] == 0.8
    assert list(
        SavedScenario.objects.named("normandie-2030").values_list("version", "data__adoption")
    ) == [
        (2, 0.8),
        (1, 0.7),
    ]


@pytest.mark.parametrize("name", ["actuel", "tendanciel", "rupture"])
def test_scenario_save_refuses_published_names(variant, name):
    copy = scenario_copy(variant, name, today=TODAY)

    with pytest.raises(ScenarioError) as caught:
        scenario_save(user=UserFactory(), scenario=copy, today=TODAY)

    assert caught.value.field == "name"
    assert caught.value.message == (
        f"Nom du scénario : « {name} » est réservé à un scénario publié ; choisir un autre nom "
        f"(par exemple « {name}-variante »)."
    )
    assert SavedScenario.objects.count() == 0


@pytest.mark.parametrize("name", ["Normandie 2030", "été", "a--b", "-a"])
def test_scenario_save_refuses_names_that_are_not_slugs(variant, name):
    with pytest.raises(ScenarioError) as caught:
        scenario_save(
            user=UserFactory(), scenario=scenario_copy(variant, name, today=TODAY), today=TODAY
        )

    assert caught.value.field == "name"
    assert caught.value.message == (
        f"Nom du scénario : « {name} » n'est pas valide ; utiliser des minuscules sans accent, "
        "des chiffres et des tirets (par exemple « normandie-2030 »)."
    )


def test_scenario_save_validates_against_today(variant):
    # Saved on 2 March 2026 with a 2030 horizon: fine; a year later than 2030, refused.
    with pytest.raises(ScenarioError) as caught:
        scenario_save(user=UserFactory(), scenario=variant, today=date(2031, 1, 5))

    assert (caught.value.field, caught.value.message) == (
        "horizon",
        "Année d'horizon : 2030 est dans le passé ; choisir 2031 ou une année suivante.",
    )
    assert SavedScenario.objects.count() == 0


def test_database_refuses_a_reserved_name_and_a_duplicate_version(variant):
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedScenario.objects.create(name="actuel", version=1, data={})
    SavedScenario.objects.create(name="essai", version=1, data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedScenario.objects.create(name="essai", version=1, data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedScenario.objects.create(name="essai", version=0, data={})


def test_scenario_delete_by_its_author_keeps_older_versions(variant):
    author = UserFactory()
    first = scenario_save(user=author, scenario=variant, today=TODAY)
    second = scenario_save(user=author, scenario=variant, today=TODAY)

    scenario_delete(user=author, saved=second)

    assert list(SavedScenario.objects.named("normandie-2030")) == [first]


def test_scenario_delete_by_someone_else_is_refused(variant):
    saved = scenario_save(user=UserFactory(), scenario=variant, today=TODAY)

    with pytest.raises(PermissionDenied) as caught:
        scenario_delete(user=UserFactory(), saved=saved)

    assert str(caught.value) == (
        "Seul l'auteur du scénario « normandie-2030 » (version 1) peut le supprimer."
    )
    assert SavedScenario.objects.count() == 1
