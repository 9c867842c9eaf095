"""Error answers with DEBUG off (the test settings' own): French pages styled like the site, and
French JSON `{"detail": …}` under /api/, never Django's English pages nor HTML for a program."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled

from maillage.core.api_errors import AUTHENTICATION_REQUIRED, http_error_detail
from maillage.core.errors import (
    API_NOT_FOUND,
    BAD_REQUEST,
    CSRF_FAILED,
    SERVER_ERROR,
    server_error,
)
from maillage.territory import selectors as territory_selectors
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_debug_off")]

STYLESHEET = '<link rel="stylesheet" href="/static/core/site.css">'
HTML = "text/html; charset=utf-8"


@pytest.fixture
def _debug_off(settings):
    """Said explicitly: DEBUG on would show Django's technical pages instead."""
    settings.DEBUG = False


@pytest.fixture
def failing_search(monkeypatch):
    """A Python error inside a page view (the commune search) and an API view (the commune list):
    both call the territory selectors at request time."""

    def fail(**kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(territory_selectors, "commune_search", fail)
    monkeypatch.setattr(territory_selectors, "commune_list", fail)


def _denied(**kwargs):
    raise PermissionDenied("Réservé aux essais de la coordination.")


def test_not_found_page_is_french_and_styled(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert response["Content-Type"] == HTML
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert STYLESHEET in page
    assert "<h1>Page introuvable</h1>" in page
    assert "Aucune page à cette adresse" in page
    assert f'<a href="{reverse("places:directory")}">Les lieux du réseau</a>' in page
    assert (
        f'<form class="search" role="search" method="get" action="{reverse("places:directory")}">'
        in page
    )
    assert "Not Found" not in page


def test_not_found_page_says_our_own_reason(client):
    """An Http404 raised by our code carries a French sentence for the visitor: shown."""
    client.force_login(UserFactory())

    response = client.get(reverse("observatory:imports"))

    assert response.status_code == 404
    assert "Page réservée à la coordination du réseau." in response.content.decode()


def test_not_found_under_api_is_french_json(client):
    response = client.get("/api/nulle-part")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": API_NOT_FOUND}


def test_server_error_page_is_french_and_styled(client, failing_search):
    client.raise_request_exception = False

    response = client.get(reverse("territory:commune-search"), {"q": "caen"})

    assert response.status_code == 500
    assert response["Content-Type"] == HTML
    page = response.content.decode()
    assert STYLESHEET in page
    assert "<h1>Erreur interne du serveur</h1>" in page
    assert "panne simulée" not in page
    assert "Server Error" not in page


def test_server_error_under_api_is_french_json(client, failing_search):
    client.raise_request_exception = False

    response = client.get("/api/territoires/communes", {"q": "caen"})

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": SERVER_ERROR}


def test_server_error_page_needs_no_database(rf, django_assert_num_queries):
    """The 500 page is rendered without the request: no session, no context processor."""
    request = rf.get(reverse("places:directory"))

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "<h1>Erreur interne du serveur</h1>" in response.content.decode()


def test_permission_denied_page_offers_to_sign_in(client, monkeypatch):
    monkeypatch.setattr(territory_selectors, "commune_search", _denied)
    path = reverse("territory:commune-search")

    response = client.get(path, {"q": "caen"})

    assert response.status_code == 403
    page = response.content.decode()
    assert STYLESHEET in page
    assert "<h1>Accès refusé</h1>" in page
    assert "Réservé aux essais de la coordination." in page
    login = reverse("accounts:login")
    assert f'<a href="{login}?next={path}%3Fq%3Dcaen">Se connecter</a>' in page


def test_permission_denied_under_api_is_french_json(client, monkeypatch):
    monkeypatch.setattr(territory_selectors, "commune_list", _denied)

    response = client.get("/api/territoires/communes", {"q": "caen"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Réservé aux essais de la coordination."}


def test_csrf_failure_page_says_to_reload():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "a@b.fr", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert STYLESHEET in page
    assert "<h1>La page a expiré</h1>" in page
    assert "rechargez-la, puis envoyez à nouveau le formulaire." in page
    assert "acceptez les cookies de cette adresse" in page  # no CSRF cookie was sent at all
    assert "CSRF verification failed" not in page


def test_csrf_failure_with_a_stale_token_says_nothing_of_cookies():
    client = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    client.get(login)  # sets the CSRF cookie

    response = client.post(
        login,
        {"username": "a@b.fr", "password": "x", "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER=f"http://testserver{login}",
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert f'<a href="http://testserver{login}">Revenez à la page</a>' in page
    assert "acceptez les cookies" not in page


def test_csrf_failure_under_api_is_french_json():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post(
        "/api/observatoire/etudes/calcul", data={}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_FAILED}


def test_api_without_session_is_french_json(client):
    response = client.get("/api/observatoire/etudes")

    assert response.status_code == 401
    assert response.json() == {"detail": AUTHENTICATION_REQUIRED}


@override_settings(DEBUG=True)
def test_debug_keeps_django_technical_pages(client):
    """Developers still get the technical 404 (the handlers apply with DEBUG off only)."""
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page introuvable" not in response.content.decode()


def test_bad_request_page_is_french(client):
    """A request for a host that is not ours (DisallowedHost, a 400)."""
    response = client.get("/", HTTP_HOST="ailleurs.example")

    assert response.status_code == 400
    page = response.content.decode()
    assert STYLESHEET in page
    assert "<h1>Requête invalide</h1>" in page
    assert f'<p class="lead">{BAD_REQUEST}</p>' in page.replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (AuthenticationError(), AUTHENTICATION_REQUIRED),
        (HttpError(403, "CSRF check Failed"), CSRF_FAILED),
        (AuthorizationError(), "Action non autorisée."),
        (Throttled(wait=2.3), "Trop de requêtes : réessayez dans 3 s."),
        (Throttled(wait=None), "Trop de requêtes : réessayez plus tard."),
        (HttpError(422, "rayon_km doit être compris entre 0 et 500 km."), None),
    ],
)
def test_django_ninja_messages_are_said_in_french(error, detail):
    assert http_error_detail(error) == (detail or error.message)


def test_wrong_method_under_api_is_french_json(client):
    response = client.delete("/api/territoires/communes")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": "Méthode DELETE non acceptée à cette adresse (acceptées : GET)."
    }
