import pytest

from maillage.places.services import place_create
from tests.factories import OrganisationFactory, UserFactory, place_data


@pytest.fixture
def manager():
    """A place manager: member of the organisation that runs `place`."""
    return UserFactory()


@pytest.fixture
def place(manager):
    return place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
