"""Saved scenarios: versions per name, reserved names, validation, deletion by the author."""

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from maillage.observatory import services
from maillage.observatory.errors import ScenarioError
from maillage.observatory.models import SavedScenario
from maillage.observatory.scenarios import default_scenarios, from_dict, scenario_copy, to_dict
from maillage.observatory.services import ScenarioConflict, scenario_delete, scenario_save
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
    assert (saved.based_on, saved.created_by) == ("actuel v2", user)
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


def test_a_scenario_saved_before_the_days_in_a_shared_place_still_loads_and_runs():
    # Defaults version 1 stored neither the compatible ratio nor the days in a shared place.
    from maillage.observatory import defaults, model, selectors

    data = to_dict(default_scenarios(TODAY.year)["actuel"]) | {
        "name": "ancien",
        "based_on": "actuel v1",
        "days_per_week": 1.0,
    }
    del data["compatible_ratio"], data["shared_days_per_week"]
    SavedScenario.objects.create(name="ancien", version=1, data=data, based_on="actuel v1")

    old = selectors.scenario_catalogue(today=TODAY)["ancien"]

    # Missing r takes its default 0.744; missing g its default 1.57, capped at the stored 1 day.
    assert (old.compatible_ratio, old.shared_days_per_week) == (0.744, 1.0)
    # The estimate of 1,000 inhabitants: 418.25 working, × 91.2 / 99.6 = 382.98 in PCS 3–6,
    # × 0.9611 salaried = 368.06, × 40.76 % teleworkable (τ weighted by the PCS shares) =
    # 150.01, × 0.744 × 0.62 = 69.20 teleworkers (with r missing taken as 1: 93.01).
    inputs = defaults.estimate_inputs(["14118"], [1000], [10])
    assert round(float(model.run(inputs, old).teleworkers[0]), 2) == 69.20


# --- bad input and concurrent saves (issue 11) -------------------------------------------------


def test_scenario_save_refuses_a_name_longer_than_the_table_takes(variant):
    long_name = "a" * 61

    with pytest.raises(ScenarioError) as caught:
        scenario_save(
            user=UserFactory(), scenario=scenario_copy(variant, long_name, today=TODAY), today=TODAY
        )

    assert (caught.value.field, caught.value.message) == (
        "name",
        "Nom du scénario : 61 caractères, c'est trop long ; au plus 60.",
    )
    assert SavedScenario.objects.count() == 0


@pytest.mark.parametrize("name", ["", "   "])
def test_scenario_save_refuses_an_empty_name(variant, name):
    with pytest.raises(ScenarioError) as caught:
        scenario_save(
            user=UserFactory(), scenario=scenario_copy(variant, name, today=TODAY), today=TODAY
        )

    assert (caught.value.field, caught.value.message) == (
        "name",
        "Nom du scénario : ce champ est obligatoire.",
    )
    assert SavedScenario.objects.count() == 0


def test_scenario_save_refuses_a_label_longer_than_the_table_takes(variant):
    with pytest.raises(ScenarioError) as caught:
        scenario_save(user=UserFactory(), scenario=replace(variant, label="x" * 201), today=TODAY)

    assert (caught.value.field, caught.value.message) == (
        "label",
        "Libellé : 201 caractères, c'est trop long ; au plus 200.",
    )
    assert SavedScenario.objects.count() == 0


def test_someone_elses_name_is_a_conflict_and_adds_nothing(variant):
    owner = UserFactory()
    scenario_save(user=owner, scenario=variant, today=TODAY)

    with pytest.raises(ScenarioConflict) as caught:
        scenario_save(user=UserFactory(), scenario=variant, today=TODAY)

    assert (caught.value.field, caught.value.message) == (
        "name",
        "Nom du scénario : « normandie-2030 » appartient à quelqu'un d'autre ; choisir un autre "
        "nom.",
    )
    assert list(SavedScenario.objects.values_list("version", "created_by")) == [(1, owner.pk)]


def test_a_first_save_that_lost_the_race_takes_the_next_version(variant, monkeypatch):
    """The unique (name, version) constraint refuses the loser's version 1 (the winner's row
    committed after the loser read the name): it tries again and numbers after the winner
    (what 20 threads do on PostgreSQL, made deterministic)."""
    author = UserFactory()
    winner = scenario_save(user=author, scenario=variant, today=TODAY)
    real = services._save_version
    calls = []

    def racing(user, scenario, name):
        calls.append(name)
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed: saved_scenario_unique_version")
        return real(user, scenario, name)

    monkeypatch.setattr(services, "_save_version", racing)

    saved = scenario_save(user=author, scenario=variant, today=TODAY)

    assert (saved.version, saved.data["version"], len(calls)) == (2, 2, 2)
    assert list(SavedScenario.objects.named("normandie-2030")) == [saved, winner]


def test_saves_that_keep_colliding_end_in_a_french_conflict(variant, monkeypatch):
    def always_taken(user, scenario, name):
        raise IntegrityError("UNIQUE constraint failed: saved_scenario_unique_version")

    monkeypatch.setattr(services, "_save_version", always_taken)

    with pytest.raises(ScenarioConflict) as caught:
        scenario_save(user=UserFactory(), scenario=variant, today=TODAY)

    assert (caught.value.field, caught.value.message) == (
        "name",
        "Nom du scénario : « normandie-2030 » est enregistré par quelqu'un d'autre au même "
        "moment ; enregistrer à nouveau dans un instant.",
    )
    assert SavedScenario.objects.count() == 0
