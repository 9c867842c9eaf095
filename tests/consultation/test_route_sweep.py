"""Every route of the consultations, GET and POST, by someone outside an invitation-only
consultation: the anonymous are sent to log in (or, on a personal-link route with a forged
token, get 404), a signed-in member gets 404 (405 for a POST-only route), the body names
nothing, and nothing changes in the database."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from maillage.consultation.models import Ballot, Consultation, Invitation
from maillage.consultation.services import invitations_send
from tests.consultation.conftest import live_window, make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
SECRET = "Réservé aux invités"


def consultation_routes() -> list[tuple[str, str]]:
    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "consultation":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                routes.append((pattern.name, "/" + str(entry.pattern) + str(pattern.pattern)))
    return routes


ROUTES = consultation_routes()
TOKEN_ROUTES = {"invited", "invited_results"}


def test_the_sweep_sees_every_route():
    assert sorted(name for name, _ in ROUTES) == [
        "ballot",
        "close",
        "create",
        "edit",
        "export",
        "invite",
        "invited",
        "invited_results",
        "list",
        "manage",
        "publish",
        "results",
    ]


def state() -> tuple:
    return (
        list(Consultation.objects.values_list("id", "title", "status", "closes_at")),
        list(Invitation.objects.values_list("id", "email")),
        Ballot.objects.count(),
    )


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_outsiders_get_nothing(client, name, route):
    coordinator = UserFactory(coordinator=True)
    consultation = make_consultation(
        coordinator, now=timezone.now(), title=SECRET, results="visibles", **live_window()
    )
    invitations_send(actor=coordinator, consultation=consultation, emails=["alice@exemple.fr"])
    values = {
        "public_id": str(consultation.public_id),
        "fmt": "csv",
        "token": "eyJjIjoiZmF1eCJ9:faux",
    }
    url = PARAMETER.sub(lambda match: values[match["name"]], route)
    body = {"titre": "x", "emails": "pirate@exemple.fr", "option-1": "5"}
    before = state()
    login = resolve_url(settings.LOGIN_URL)
    outsider = UserFactory()
    for method in ("get", "post"):
        client.logout()
        response = getattr(client, method)(url, body)
        if name in TOKEN_ROUTES:
            assert response.status_code == 404, (method, url)
        else:
            assert response.status_code in (302, 405), (method, url)
            if response.status_code == 302:
                assert response["Location"].startswith(login)
        client.force_login(outsider)
        response = getattr(client, method)(url, body)
        if name == "list":
            assert response.status_code in (200, 405)
        else:
            assert response.status_code in (404, 405), (method, url)
        assert SECRET not in response.content.decode()
    assert state() == before
