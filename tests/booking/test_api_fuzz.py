"""schemathesis over the whole OpenAPI document: no server error, responses match the schema.
Every operation anonymously, and every read again signed in (a session cookie of a coordinator
who runs a place), so that the parameters behind the login check are bounded too.

All checks run except "positive data acceptance": a schema-valid request for an unknown place or
commune code is rightly answered 404/422 by the business rules, not a defect. Examples are
derandomized so CI is repeatable; explore with `--hypothesis-seed=<n>` and a higher max_examples
(random seeds found the NUL-character 500s on PostgreSQL, see core.middleware)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: a request must not close the test transaction's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_the_server(case, keep_test_connection):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.fixture
def session_cookie(place, manager):
    """A signed-in coordinator who also runs `place`: the endpoints behind django_auth answer
    past their login check, as they would for the network's team."""
    from django.conf import settings as django_settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from maillage.places.permissions import COORDINATORS_GROUP

    manager.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client = Client()
    client.force_login(manager)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_reads_never_fail_on_the_server_when_signed_in(
    case, keep_test_connection, session_cookie
):
    """The session cookie replaces the one schemathesis generates or leaves out on purpose, so
    its checks on missing or invalid authentication (and the negative case « cookie missing »)
    do not apply here; the anonymous run above keeps them."""
    case.cookies = {**(case.cookies or {}), **session_cookie}
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance, negative_data_rejection, ignored_auth]
    )


@pytest.mark.django_db
def test_the_fuzz_session_cookie_signs_in_as_a_coordinator(client, session_cookie):
    """Without this, the signed-in run would quietly fuzz the login check alone."""
    for name, value in session_cookie.items():
        client.cookies[name] = value
    response = client.get("/api/moderation/propositions")
    assert (response.status_code, response.json()) == (200, [])
