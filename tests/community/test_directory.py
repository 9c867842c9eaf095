"""The directory: opt-in, visible only to signed-in members, withdrawn at once."""

import pytest
from django.urls import reverse

from maillage.audit.models import AuditEvent
from maillage.community.models import MemberProfile
from maillage.community.selectors import DirectoryFilters, directory_search
from maillage.community.services import profile_visibility_set
from maillage.places.services import place_create
from tests.community.conftest import NOW, make_profile
from tests.factories import IN_BAYEUX, UserFactory, place_data

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [profile.display_name for profile in response.context["page"].object_list]


def test_new_member_has_no_profile_and_is_not_listed(client):
    newcomer = UserFactory(display_name="Nouvelle Venue")
    client.force_login(UserFactory())
    response = client.get(reverse("community:directory"))
    assert response.status_code == 200
    assert _names(response) == []
    assert MemberProfile.objects.filter(user=newcomer).exists() is False


def test_profile_form_starts_unchecked_and_saves_hidden(client):
    member = UserFactory(display_name="Camille")
    client.force_login(member)
    page = client.get(reverse("community:my_profile"))
    assert page.status_code == 200
    assert page.context["form"]["visible"].value() is None
    assert page.context["form"]["display_name"].value() == "Camille"
    response = client.post(
        reverse("community:my_profile"),
        {"display_name": "Camille D.", "trade": "Graphiste", "skills": "Illustration, PAO"},
    )
    assert response.status_code == 302
    profile = MemberProfile.objects.get(user=member)
    assert (profile.visible, profile.consented_at, profile.skills) == (
        False,
        None,
        ["Illustration", "PAO"],
    )
    client.force_login(UserFactory())
    assert _names(client.get(reverse("community:directory"))) == []
    assert client.get(reverse("community:member", args=[profile.public_id])).status_code == 404


def test_consent_then_withdrawal_is_immediate(client, alice, bruno_profile):
    client.force_login(alice)
    page = reverse("community:member", args=[bruno_profile.public_id])
    assert client.get(page).status_code == 200
    assert _names(client.get(reverse("community:directory"))) == ["Bruno P."]

    client.force_login(bruno_profile.user)
    response = client.post(reverse("community:my_profile"), {"action": "masquer"})
    assert response.status_code == 302
    bruno_profile.refresh_from_db()
    assert (bruno_profile.visible, bruno_profile.consented_at) == (False, None)

    client.force_login(alice)
    assert client.get(page).status_code == 404
    assert _names(client.get(reverse("community:directory"))) == []
    assert list(
        AuditEvent.objects.filter(object_id=str(bruno_profile.public_id))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["member_profile.create", "member_profile.hide"]


def test_consent_is_dated_when_given(bruno):
    profile = make_profile(bruno, visible=False)
    assert profile.consented_at is None
    shown = profile_visibility_set(user=bruno, visible=True, now=NOW)
    assert (shown.visible, shown.consented_at) == (True, NOW)


def test_leaving_deletes_the_profile(client, bruno_profile):
    client.force_login(bruno_profile.user)
    response = client.post(reverse("community:my_profile"), {"action": "quitter"})
    assert response.status_code == 302
    assert MemberProfile.objects.filter(pk=bruno_profile.pk).exists() is False


def test_anonymous_visitors_are_sent_to_sign_in(client, bruno_profile):
    for url in (
        reverse("community:directory"),
        reverse("community:member", args=[bruno_profile.public_id]),
        reverse("community:my_profile"),
        reverse("community:inbox"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_hidden_by_moderation_or_inactive_is_not_found(client, alice, bruno_profile):
    client.force_login(alice)
    page = reverse("community:member", args=[bruno_profile.public_id])
    MemberProfile.objects.filter(pk=bruno_profile.pk).update(hidden_by_moderation=True)
    assert client.get(page).status_code == 404
    MemberProfile.objects.filter(pk=bruno_profile.pk).update(hidden_by_moderation=False)
    type(alice).objects.filter(pk=bruno_profile.user_id).update(is_active=False)
    assert client.get(page).status_code == 404
    assert _names(client.get(reverse("community:directory"))) == []


def test_search_by_skill_trade_and_place(client, place, alice, alice_profile, bruno_profile):
    bayeux = place_create(data=place_data(name="Atelier de Bayeux", **IN_BAYEUX))
    make_profile(display_name="Chloé", trade="Comptable", skills=["Paie"], places=[bayeux])
    MemberProfile.objects.get(pk=alice_profile.pk).home_places.set([place])
    client.force_login(alice)
    directory = reverse("community:directory")
    assert _names(client.get(directory)) == ["Alice L.", "Bruno P.", "Chloé"]
    assert _names(client.get(directory, {"skill": "menuiserie"})) == ["Alice L."]
    assert _names(client.get(directory, {"skill": "PYTHON"})) == ["Bruno P."]
    assert _names(client.get(directory, {"trade": "comptable"})) == ["Chloé"]
    assert _names(client.get(directory, {"place": bayeux.pk})) == ["Chloé"]
    assert _names(client.get(directory, {"place": place.pk, "skill": "web"})) == []
    unknown = client.get(directory, {"place": "999999999999999999999"})
    assert unknown.status_code == 200
    assert unknown.context["form"].errors == {"place": ["Choisissez un lieu de la liste."]}


def test_directory_pages_by_twenty(client, alice):
    for number in range(23):
        make_profile(display_name=f"Membre {number:02d}")
    client.force_login(alice)
    first = client.get(reverse("community:directory"))
    second = client.get(reverse("community:directory"), {"page": "2"})
    assert len(first.context["page"].object_list) == 20
    assert _names(second) == ["Membre 20", "Membre 21", "Membre 22"]
    assert client.get(reverse("community:directory"), {"page": "x" * 50}).status_code == 200


def test_directory_queries_do_not_grow_with_rows(client, alice, django_assert_max_num_queries):
    for number in range(3):
        make_profile(display_name=f"Membre {number}")
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        client.get(reverse("community:directory"))
    for number in range(3, 12):
        make_profile(display_name=f"Membre {number}")
    with django_assert_max_num_queries(9):
        client.get(reverse("community:directory"))


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"skills": ", ".join(f"tag{n}" for n in range(11))},
            {"skills": ["10 compétences au plus (11 saisies)."]},
        ),
        (
            {"skills": "x" * 41},
            {"skills": ["Une compétence fait 40 caractères au plus (« xxxxxxxxxxxxxxxxxxxx… »)."]},
        ),
        ({"display_name": ""}, {"display_name": ["Ce champ est obligatoire."]}),
        (
            {"offers": "o" * 501},
            {
                "offers": [
                    "Assurez-vous que cette valeur comporte au plus 500 caractères "
                    "(actuellement 501)."
                ]
            },
        ),
        ({"home_places": ["abc"]}, {"home_places": ["Choisissez des lieux de la liste."]}),
    ],
)
def test_bad_profile_input_saves_nothing(client, fields, errors):
    member = UserFactory()
    client.force_login(member)
    data = {"display_name": "Dominique", "skills": "menuiserie", "visible": "on"} | fields
    response = client.post(reverse("community:my_profile"), data)
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert MemberProfile.objects.filter(user=member).exists() is False


def test_too_many_places_refused(client, place):
    places = [place] + [
        place_create(data=place_data(name=f"Lieu {n}", **IN_BAYEUX)) for n in range(5)
    ]
    member = UserFactory()
    client.force_login(member)
    response = client.post(
        reverse("community:my_profile"),
        {"display_name": "D", "home_places": [p.pk for p in places]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"home_places": ["5 lieux au plus."]}
    assert MemberProfile.objects.filter(user=member).exists() is False


def test_selector_lists_only_consenting_active_members(alice_profile, bruno_profile):
    make_profile(display_name="Caché", visible=False)
    assert [p.display_name for p in directory_search(DirectoryFilters())] == [
        "Alice L.",
        "Bruno P.",
    ]


def test_extra_fields_are_ignored(client, alice):
    other = UserFactory()
    client.force_login(alice)
    response = client.post(
        reverse("community:my_profile"),
        {
            "display_name": "Alice",
            "hidden_by_moderation": "on",
            "consented_at": "2000-01-01T00:00:00Z",
            "user": other.pk,
            "public_id": "00000000-0000-0000-0000-000000000000",
            "skills_index": "|admin|",
        },
    )
    assert response.status_code == 302
    profile = MemberProfile.objects.get()
    assert (profile.user, profile.hidden_by_moderation, profile.consented_at) == (
        alice,
        False,
        None,
    )
    assert str(profile.public_id) != "00000000-0000-0000-0000-000000000000"
    assert profile.skills_index == ""


def test_odd_page_numbers_and_block_ids_never_give_a_500(client):
    client.force_login(UserFactory())
    for page in ("²", "-1", "9" * 40, "abc"):
        assert client.get(reverse("community:directory"), {"page": page}).status_code == 200
    for block in ("²", "9" * 40, "-3", ""):
        response = client.post(reverse("community:blocks"), {"block": block})
        assert response.status_code == 404
