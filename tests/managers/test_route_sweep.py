"""Every route of the managers' space, GET and POST, by someone outside it: the anonymous are
sent to log in, a signed-in outsider gets 404 (or 405 for a POST-only route), and nothing
changes in the database."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

from maillage.managers.models import Comment, Notification, Post, Preference
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def managers_routes() -> list[tuple[str, str]]:
    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "managers":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                routes.append((pattern.name, "/" + str(entry.pattern) + str(pattern.pattern)))
    return routes


ROUTES = managers_routes()


def test_the_sweep_sees_every_route():
    assert sorted(name for name, _ in ROUTES) == [
        "comment_add",
        "home",
        "notification_read",
        "notifications",
        "post_detail",
        "post_document",
        "post_edit",
        "post_moderate",
        "post_new",
        "preferences",
    ]


def state() -> tuple:
    return (
        list(Post.objects.values_list("id", "title", "pinned", "hidden", "document_path")),
        Comment.objects.count(),
        list(Notification.objects.values_list("id", "read_at")),
        Preference.objects.count(),
    )


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_outsiders_get_nothing(client, coordinator, team_member, outsider, name, route):
    post = make_post(team_member, title="Réservé aux gestionnaires")
    notification = Notification.objects.get(recipient=coordinator)
    values = {"post_id": str(post.pk), "notification_id": str(notification.pk)}
    url = PARAMETER.sub(lambda match: values[match["name"]], route)
    body = {
        "title": "x",
        "body": "y",
        "category": "question",
        "action": "masquer",
        "email_mode": "none",
    }
    before = state()
    login = resolve_url(settings.LOGIN_URL)
    for method in ("get", "post"):
        client.logout()
        response = getattr(client, method)(url, body)
        assert response.status_code in (302, 405), (method, url)
        if response.status_code == 302:
            assert response["Location"].startswith(login)
        client.force_login(outsider)
        response = getattr(client, method)(url, body)
        assert response.status_code in (404, 405), (method, url)
        assert "Réservé aux gestionnaires" not in response.content.decode()
    assert state() == before
