"""Who gets into the managers' space: coordinators and place teams; anyone else signed in gets
the same 404 everywhere, the anonymous are sent to log in."""

import pytest
from django.urls import reverse

from maillage.managers.models import Post
from maillage.managers.selectors import is_space_member, space_members
from tests.factories import UserFactory
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db


def member_urls(post) -> list[str]:
    return [
        reverse("managers:home"),
        reverse("managers:post_new"),
        reverse("managers:post_detail", kwargs={"post_id": post.pk}),
        reverse("managers:notifications"),
        reverse("managers:preferences"),
    ]


def test_anonymous_is_sent_to_login(client, coordinator):
    post = make_post(coordinator)
    for url in member_urls(post):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_outsider_gets_404_everywhere_and_writes_nothing(client, coordinator, outsider):
    post = make_post(coordinator)
    client.force_login(outsider)
    for url in member_urls(post):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("managers:post_new"),
        {"title": "Intrus", "body": "Texte", "category": "question"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("managers:comment_add", kwargs={"post_id": post.pk}), {"body": "Bonjour"}
    )
    assert response.status_code == 404
    assert list(Post.objects.values_list("title", flat=True)) == [post.title]
    assert post.comments.count() == 0


def test_team_member_and_coordinator_see_the_feed(client, coordinator, team_member):
    post = make_post(coordinator, title="Nouvelle convention de réseau")
    for user in (team_member, coordinator):
        client.force_login(user)
        response = client.get(reverse("managers:home"))
        assert response.status_code == 200
        assert [p.title for p in response.context["page"]] == [post.title]


def test_membership_rule(coordinator, team_member, outsider):
    inactive = UserFactory(coordinator=True, is_active=False)
    assert [is_space_member(u) for u in (coordinator, team_member, outsider, inactive)] == [
        True,
        True,
        False,
        False,
    ]
    assert set(space_members()) == {coordinator, team_member}


def test_editing_someone_elses_post_is_404(client, coordinator, team_member, other_team_member):
    post = make_post(team_member, title="Mon titre")
    url = reverse("managers:post_edit", kwargs={"post_id": post.pk})
    for user in (other_team_member, coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 404
        response = client.post(url, {"title": "Réécrit", "body": "Autre", "category": "question"})
        assert response.status_code == 404
    post.refresh_from_db()
    assert (post.title, post.category) == ("Mon titre", "bonne-pratique")


def test_author_edits_own_post(client, team_member):
    post = make_post(team_member)
    client.force_login(team_member)
    url = reverse("managers:post_edit", kwargs={"post_id": post.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Titre corrigé", "body": "Texte corrigé", "category": "ressource"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.body, post.category) == ("Titre corrigé", "Texte corrigé", "ressource")


def test_unknown_post_is_404(client, team_member):
    client.force_login(team_member)
    response = client.get(reverse("managers:post_detail", kwargs={"post_id": 2**63 + 5}))
    assert response.status_code == 404


def test_only_coordinators_pin_and_hide(client, coordinator, team_member, other_team_member):
    post = make_post(team_member)
    url = reverse("managers:post_moderate", kwargs={"post_id": post.pk})
    client.force_login(team_member)
    assert client.post(url, {"action": "epingler"}).status_code == 404
    post.refresh_from_db()
    assert (post.pinned, post.hidden) == (False, False)

    client.force_login(coordinator)
    assert client.post(url, {"action": "epingler"}).status_code == 302
    assert client.post(url, {"action": "masquer"}).status_code == 302
    post.refresh_from_db()
    assert (post.pinned, post.hidden) == (True, True)

    detail = reverse("managers:post_detail", kwargs={"post_id": post.pk})
    client.force_login(other_team_member)
    assert client.get(detail).status_code == 404
    assert list(client.get(reverse("managers:home")).context["page"]) == []
    client.force_login(coordinator)
    assert client.get(detail).status_code == 200


def test_pinned_post_comes_first(client, coordinator, team_member):
    first = make_post(team_member, title="Le plus ancien")
    make_post(team_member, title="Le plus récent")
    client.force_login(coordinator)
    client.post(
        reverse("managers:post_moderate", kwargs={"post_id": first.pk}), {"action": "epingler"}
    )
    response = client.get(reverse("managers:home"))
    assert [p.title for p in response.context["page"]] == ["Le plus ancien", "Le plus récent"]


def test_member_pages_render(client, team_member):
    post = make_post(team_member, title="Accueil des nouveaux")
    client.force_login(team_member)
    titles = {
        reverse("managers:home"): "<h1>Espace des gestionnaires</h1>",
        reverse("managers:post_new"): "<h1>Publier un message</h1>",
        reverse("managers:post_edit", kwargs={"post_id": post.pk}): "<h1>Modifier le message</h1>",
        reverse("managers:post_detail", kwargs={"post_id": post.pk}): (
            '<h1 id="post-title">Accueil des nouveaux</h1>'
        ),
        reverse("managers:notifications"): "<h1>Notifications</h1>",
        reverse("managers:preferences"): "<h1>Préférences d'e-mail</h1>",
    }
    for url, title in titles.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert title in response.content.decode(), url
