"""/api/membres: signed-in members only, listed profiles only, never an e-mail."""

import pytest
from django.urls import reverse

from maillage.community.models import MemberProfile
from maillage.community.services import conversation_start
from tests.community.conftest import NOW, make_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/membres"


def test_anonymous_gets_401(client, bruno_profile):
    response = client.get(URL)
    assert response.status_code == 401


def test_lists_only_listed_profiles_without_address(client, place, alice, bruno_profile):
    MemberProfile.objects.get(pk=bruno_profile.pk).home_places.set([place])
    make_profile(display_name="Caché", visible=False)
    hidden = make_profile(display_name="Masqué")
    MemberProfile.objects.filter(pk=hidden.pk).update(hidden_by_moderation=True)
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "total": 1,
        "page": 1,
        "pages": 1,
        "membres": [
            {
                "id": str(bruno_profile.public_id),
                "nom": "Bruno P.",
                "metier": "Développeur",
                "competences": ["Python", "Web"],
                "lieux": [{"id": str(place.public_id), "nom": "La Fabrique du Port"}],
                "propose": "Des conseils pour aménager un atelier.",
                "cherche": "Une graphiste pour mon site.",
            }
        ],
    }
    assert "@" not in response.content.decode()
    assert (
        client.get(URL, {"competence": "python", "lieu": str(place.public_id)}).json()["total"] == 1
    )
    assert client.get(URL, {"metier": "menuis"}).json()["total"] == 0


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page": "9" * 30}, {"competence": "x" * 61}, {"lieu": "pas-un-uuid"}],
)
def test_bad_parameters_are_422(client, alice, params):
    client.force_login(alice)
    assert client.get(URL, params).status_code == 422


def test_unknown_place_gives_an_empty_page(client, alice, bruno_profile):
    client.force_login(alice)
    response = client.get(URL, {"lieu": "00000000-0000-0000-0000-000000000000"})
    assert response.json() == {"total": 0, "page": 1, "pages": 0, "membres": []}


@pytest.mark.parametrize("conversations", [1, 4])
def test_inbox_queries_do_not_grow(client, django_assert_num_queries, conversations):
    member = UserFactory()
    for number in range(conversations):
        other = make_profile(display_name=f"Membre {number}")
        conversation_start(sender=member, profile=other, body="Bonjour", now=NOW)
    client.force_login(member)
    # The same count for 1 and 4 conversations: names and unread counts come in one query.
    with django_assert_num_queries(6):
        response = client.get(reverse("community:inbox"))
    assert [row["name"] for row in response.context["rows"]] == [
        f"Membre {number}" for number in reversed(range(conversations))
    ]
