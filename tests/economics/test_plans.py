"""Business plans: storage, versions and conflicts, duplication, deletion, project members."""

import pytest

from maillage.audit.models import AuditEvent
from maillage.economics import services
from maillage.economics.document import document_input, input_document
from maillage.economics.models import BusinessPlan
from maillage.economics.permissions import visible_plans
from tests.economics.conftest import stored
from tests.economics.plans import four_year_plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_document_round_trip_gives_the_engine_input_back():
    plan = four_year_plan()
    assert document_input(input_document(plan)) == (plan, {})


def test_save_bumps_the_version_and_a_stale_version_is_refused(plan, manager, document):
    assert plan.version == 2
    changed = document | {"annee_debut": 2028}
    saved = services.plan_save(actor=manager, plan=plan, inputs=changed, version=2)
    assert saved.version == 3
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_save(actor=manager, plan=plan, inputs=document, version=2)
    assert conflict.value.current_version == 3
    assert "modifié entre-temps" in conflict.value.message
    plan.refresh_from_db()
    assert (plan.version, plan.inputs["annee_debut"]) == (3, 2028)
    assert AuditEvent.objects.filter(action="economics.plan_save").count() == 2


def test_invalid_hypotheses_are_refused_on_their_field_and_nothing_saved(plan, manager, document):
    bad = input_document(four_year_plan())
    bad["capacites"][0]["unites"] = -3
    bad["occupation"]["central"]["postes"][1] = 1.5
    bad["charges"][0]["montants"] = [0, 0, 0, 0]
    with pytest.raises(services.PlanRefused) as refused:
        services.plan_save(actor=manager, plan=plan, inputs=bad, version=plan.version)
    assert refused.value.errors == {
        "capacites.0.unites": "Une capacité ne peut pas être négative.",
        "produits.0.pool": "Ce produit vend des postes mais le lieu n'en a aucun.",
        "produits.1.pool": "Ce produit vend des postes mais le lieu n'en a aucun.",
        "produits.2.pool": "Ce produit vend des postes mais le lieu n'en a aucun.",
        "occupation.central.postes.1": "L'occupation ne peut pas dépasser 100 %",
        "charges.0.montants": "Une charge sans montant",
    }
    plan.refresh_from_db()
    assert (plan.version, plan.inputs) == (2, document)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"annees": "quatre"}, "annees", "Saisissez un nombre entier."),
        ({"annee_debut": 10**40}, "annee_debut", "Ce nombre est trop grand."),
        ({"annee_debut": 1999}, "annee_debut", "La première année doit être entre 2000 et 2100."),
        ({"produits": "x"}, "produits", "Liste de lignes attendue."),
        ({"assujetti_tva": "oui"}, "assujetti_tva", "Choisissez oui ou non."),
    ],
)
def test_bad_shapes_have_french_messages(document, change, field, message):
    plan, errors = document_input(document | change)
    assert plan is None
    assert errors[field] == message


def test_duplicate_copies_hypotheses_and_members(manager, caen, document):
    original = stored(manager, project_name="Tiers-lieu de Caen", commune=caen, document=document)
    guest = UserFactory(email="invitee@exemple.fr")
    services.plan_invite(actor=manager, plan=original, email="INVITEE@exemple.fr")
    copy = services.plan_duplicate(actor=guest, plan=original)
    assert (copy.name, copy.inputs, copy.version) == ("Plan (copie)", document, 1)
    assert list(copy.members.all()) == [guest]
    assert copy.project_name == "Tiers-lieu de Caen"


def test_project_members_see_but_only_the_creator_deletes(manager, caen, document):
    plan = stored(manager, project_name="Tiers-lieu de Caen", commune=caen, document=document)
    member = UserFactory(email="membre@exemple.fr")
    stranger = UserFactory()
    services.plan_invite(actor=manager, plan=plan, email="membre@exemple.fr")
    assert list(visible_plans(member)) == [plan]
    assert list(visible_plans(stranger)) == []
    with pytest.raises(services.PlanRefused):
        services.plan_delete(actor=member, plan=plan)
    services.plan_delete(actor=manager, plan=plan)
    assert not BusinessPlan.objects.filter(pk=plan.pk).exists()


def test_invite_adds_only_an_existing_account_and_says_nothing_either_way(manager, caen):
    plan = stored(manager, project_name="Projet", commune=caen)
    # No error for an unknown address: the answer must not reveal who has an account.
    assert services.plan_invite(actor=manager, plan=plan, email="personne@nulle-part.fr") is None
    assert list(plan.members.all()) == []


def test_teams_and_coordinators(plan, other_plan, manager, other_manager):
    assert list(visible_plans(manager)) == [plan]
    assert list(visible_plans(other_manager)) == [other_plan]
    coordinator = UserFactory(coordinator=True)
    assert set(visible_plans(coordinator)) == {plan, other_plan}


def test_a_plan_for_someone_elses_place_is_refused(manager, other_place):
    with pytest.raises(services.PlanRefused) as refused:
        services.plan_create(actor=manager, name="Intrus", place=other_place)
    assert refused.value.errors == {"place": "Vous ne faites pas partie de l'équipe de ce lieu."}
    assert BusinessPlan.objects.count() == 0


def test_a_project_needs_a_name_and_a_commune(manager):
    with pytest.raises(services.PlanRefused) as refused:
        services.plan_create(actor=manager, name="", project_name="")
    assert set(refused.value.errors) == {"name", "project_name", "commune"}
