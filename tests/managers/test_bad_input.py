"""Bad input in the managers' space: French messages, status 400, nothing saved, no 500; plain
text only (HTML shown as text)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from post_office.models import Email

from maillage.managers.models import BODY_MAX, COMMENT_MAX, Comment, Notification, Post
from maillage.managers.services import post_create
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db

VALID = {"title": "Un titre", "body": "Un texte.", "category": "actualite"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Donnez un titre au message."),
        ({"title": "   "}, "title", "Donnez un titre au message."),
        ({"title": "T" * 201}, "title", "Titre trop long : 200 caractères au plus."),
        ({"body": ""}, "body", "Écrivez le texte du message."),
        ({"body": "x" * (BODY_MAX + 1)}, "body", "Texte trop long : 20 000 caractères au plus."),
        ({"category": "annonce"}, "category", "Choisissez une catégorie de la liste."),
        ({"category": ""}, "category", "Choisissez une catégorie."),
        (
            {"link": "javascript:alert(1)"},
            "link",
            "Lien invalide : une adresse en http:// ou https://.",
        ),
        (
            {"link": "ftp://exemple.fr/a"},
            "link",
            "Lien invalide : une adresse en http:// ou https://.",
        ),
    ],
)
def test_bad_post_is_refused_and_nothing_saved(
    client, coordinator, team_member, changes, field, message
):
    client.force_login(team_member)
    response = client.post(reverse("managers:post_new"), {**VALID, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert '<p class="field-error"' in response.content.decode()
    assert (Post.objects.count(), Notification.objects.count(), Email.objects.count()) == (0, 0, 0)


def test_service_refuses_what_the_form_would(team_member):
    """The API or a future caller gets the same French refusals from the service itself."""
    with pytest.raises(ValidationError) as caught:
        post_create(user=team_member, title=" ", body="x" * (BODY_MAX + 1), category="?")
    assert caught.value.message_dict == {
        "title": ["Donnez un titre au message."],
        "body": ["Texte trop long : 20 000 caractères au plus."],
        "category": ["Choisissez une catégorie de la liste."],
    }
    assert Post.objects.count() == 0


def test_mass_assignment_is_ignored(client, team_member):
    client.force_login(team_member)
    extra = {"pinned": "on", "hidden": "on", "author": "1", "by_coordination": "on"}
    response = client.post(reverse("managers:post_new"), {**VALID, **extra})
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.pinned, post.hidden, post.author, post.by_coordination) == (
        False,
        False,
        team_member,
        False,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Écrivez votre réponse."),
        ("x" * (COMMENT_MAX + 1), "Réponse trop longue : 5 000 caractères au plus."),
    ],
)
def test_bad_reply_is_refused(client, coordinator, team_member, body, message):
    post = make_post(coordinator)
    client.force_login(team_member)
    response = client.post(
        reverse("managers:comment_add", kwargs={"post_id": post.pk}), {"body": body}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == [message]
    assert Comment.objects.count() == 0


def test_html_is_shown_as_text_with_paragraphs(client, team_member):
    post = make_post(
        team_member,
        title="<b>Gras</b>",
        body="<script>alert('x')</script>\n\nSecond paragraphe",
        link="https://exemple.fr/guide?a=1&b=2",
    )
    client.force_login(team_member)
    html = client.get(reverse("managers:post_detail", kwargs={"post_id": post.pk})).content.decode()
    assert "<script>alert" not in html
    assert "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>" in html
    assert "<p>Second paragraphe</p>" in html
    assert '<h1 id="post-title">&lt;b&gt;Gras&lt;/b&gt;</h1>' in html
    assert (
        'href="https://exemple.fr/guide?a=1&amp;b=2" rel="noopener noreferrer nofollow ugc"' in html
    )


@pytest.mark.parametrize(
    "query", ["page=abc", "page=999999999999999999999", "categorie=inconnue", "page=-1"]
)
def test_odd_feed_queries_fall_back(client, team_member, query):
    make_post(team_member)
    client.force_login(team_member)
    response = client.get(reverse("managers:home") + "?" + query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_category_filter_and_pages_of_twenty(client, team_member):
    for number in range(21):
        make_post(team_member, title=f"Actualité {number}", category="actualite")
    make_post(team_member, title="Une question", category="question")
    client.force_login(team_member)
    first = client.get(reverse("managers:home"), {"categorie": "actualite"})
    assert first.context["page"].paginator.count == 21
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("managers:home"), {"categorie": "actualite", "page": 2})
    assert [p.title for p in second.context["page"]] == ["Actualité 0"]
    questions = client.get(reverse("managers:home"), {"categorie": "question"})
    assert [p.title for p in questions.context["page"]] == ["Une question"]


def test_unknown_moderation_action_changes_nothing(client, coordinator, team_member):
    post = make_post(team_member)
    client.force_login(coordinator)
    url = reverse("managers:post_moderate", kwargs={"post_id": post.pk})
    assert client.post(url, {"action": "supprimer"}).status_code == 302
    post.refresh_from_db()
    assert (post.pinned, post.hidden) == (False, False)


def test_bad_preference_is_refused(client, team_member):
    client.force_login(team_member)
    response = client.post(reverse("managers:preferences"), {"email_mode": "sms"})
    assert response.status_code == 400
    assert response.context["form"].errors["email_mode"] == ["Choisissez une des propositions."]
    response = client.post(reverse("managers:preferences"), {"email_mode": "immediate"})
    assert response.status_code == 302
    assert client.get(reverse("managers:preferences")).context["form"].initial == {
        "email_mode": "immediate"
    }


@pytest.mark.parametrize("count", [1, 3])
def test_feed_queries_do_not_grow_with_posts(
    client, team_member, coordinator, django_assert_num_queries, count
):
    for number in range(count):
        make_post(coordinator, title=f"Message {number}")
    client.force_login(team_member)
    client.get(reverse("managers:home"))  # session and permissions warmed the same way
    with django_assert_num_queries(11):
        client.get(reverse("managers:home"))


def test_posting_in_bursts_is_throttled(client, team_member):
    client.force_login(team_member)
    for number in range(20):
        response = client.post(reverse("managers:post_new"), {**VALID, "title": f"N° {number}"})
        assert response.status_code == 302
    response = client.post(reverse("managers:post_new"), {**VALID, "title": "Un de trop"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert [str(m) for m in response.context["messages"]][-1].startswith("Trop de tentatives")
    assert Post.objects.count() == 20
