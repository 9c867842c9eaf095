"""Business plans for the tests: the four-year plan of tests/economics/plans.py stored for the
place of tests/conftest.py (run by `manager`), and a second place run by another team."""

import pytest

from maillage.economics import services
from maillage.economics.document import input_document
from maillage.places.services import place_create
from maillage.territory.models import Commune
from tests.economics.plans import four_year_plan
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, place_data


@pytest.fixture
def document() -> dict:
    return input_document(four_year_plan())


def stored(actor, *, place=None, project_name="", commune=None, document=None, name="Plan"):
    plan = services.plan_create(
        actor=actor, name=name, place=place, project_name=project_name, commune=commune
    )
    if document is not None:
        plan = services.plan_save(actor=actor, plan=plan, inputs=document, version=plan.version)
    return plan


@pytest.fixture
def plan(manager, place, document):
    return stored(manager, place=place, document=document, name="Plan du port")


@pytest.fixture
def other_manager():
    return UserFactory(display_name="Sacha Lieu")


@pytest.fixture
def other_place(other_manager):
    organisation = OrganisationFactory(managers=[other_manager])
    return place_create(
        data=place_data(name="Fablab de Bayeux", operator=organisation.pk, **IN_BAYEUX)
    )


@pytest.fixture
def other_plan(other_manager, other_place, document):
    return stored(other_manager, place=other_place, document=document, name="Plan de Bayeux")


@pytest.fixture
def caen():
    return Commune.objects.get(code="14118")
