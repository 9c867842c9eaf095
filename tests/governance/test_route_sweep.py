"""Every governance route, GET and POST, with odd parameters and empty or junk bodies, by an
anonymous visitor, a member and a coordinator: never a 500, never a write."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from maillage.governance.models import SavedQuestionnaire, SheetVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
JUNK = {"int": "99999999", "str": "bareme.x.y.z"}
BODIES = [{}, {"base": "-1", "value": "x" * 10_000, "version": "abc", "points": "1e9"}]


def governance_routes() -> list[tuple[str, str]]:
    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "governance":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                path = "/" + str(entry.pattern) + str(pattern.pattern)
                path = PARAMETER.sub(lambda m: JUNK[m.group("converter") or "str"], path)
                routes.append((pattern.name, path))
    return routes


ROUTES = governance_routes()


def test_the_sweep_sees_every_route():
    assert sorted(name for name, _ in ROUTES) == [
        "edit",
        "export",
        "history",
        "mine",
        "questionnaire",
        "restore",
        "saved",
        "saved_delete",
        "sheet",
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator"])
def test_odd_requests_never_fail_nor_write(who):
    client = Client()
    if who != "anonymous":
        client.force_login(UserFactory(coordinator=who == "coordinator"))
    before = (SheetVersion.objects.count(), SavedQuestionnaire.objects.count())
    for name, path in ROUTES:
        for body in BODIES:
            for method in (client.get, client.post):
                response = method(path, body)
                assert response.status_code in {200, 302, 400, 403, 404, 405}, (name, method)
    assert (SheetVersion.objects.count(), SavedQuestionnaire.objects.count()) == before
