"""The consultation pages and API as people use them: the coordinator's form, the personal link,
the vote form without JS, hidden results refused on every path, exports, someone else's ids."""

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from post_office.models import Email

from maillage.consultation.models import Ballot, Consultation, Invitation
from maillage.consultation.services import (
    Voter,
    ballot_submit,
    consultation_close,
    invitation_token,
    invitations_send,
)
from tests.consultation.conftest import live_window, make_consultation, option_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISIEUX, PONT, ORBEC = (
    "Tiers-lieu de Lisieux",
    "Fablab de Pont-l'Évêque",
    "Espace de coworking d'Orbec",
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def live(coordinator, **overrides):
    return make_consultation(coordinator, now=timezone.now(), **(live_window() | overrides))


def invite(coordinator, consultation, *emails):
    invitations_send(actor=coordinator, consultation=consultation, emails=list(emails))
    return [Invitation.objects.get(consultation=consultation, email=e) for e in emails]


def link(invitation) -> str:
    return reverse("consultation:invited", args=[invitation_token(invitation)])


def post_points(client, url, consultation, **points_by_label):
    ids = option_ids(consultation)
    return client.post(
        url, {f"option-{ids[label]}": value for label, value in points_by_label.items()}
    )


def form_data(**overrides) -> dict:
    return {
        "titre": "Quelles actions en 2027 ?",
        "question": "Répartissez vos gommettes.",
        "options": "Ateliers numériques | pour les seniors\nRepair café\n\nCantine partagée",
        "points": "5",
        "plafond": "",
        "acces": "invitation",
        "resultats": "masques",
        "ouverture_date": "2027-01-04",
        "ouverture_heure": "09:00",
        "cloture_date": "2027-01-29",
        "cloture_heure": "18:00",
    } | overrides


def test_a_coordinator_creates_a_consultation_with_the_form(coordinator):
    response = logged_in(coordinator).post(reverse("consultation:create"), form_data())
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultation:manage", args=[consultation.public_id])
    assert [(o.label, o.description) for o in consultation.options.all()] == [
        ("Ateliers numériques", "pour les seniors"),
        ("Repair café", ""),
        ("Cantine partagée", ""),
    ]
    assert (consultation.status, consultation.points) == ("brouillon", 5)
    # Paris time: 09:00 in January is 08:00 UTC.
    assert consultation.opens_at.isoformat() == "2027-01-04T08:00:00+00:00"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"points": "abc"}, "points", "Saisissez un nombre entier."),
        ({"points": "0"}, "points", "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ({"options": "Seule option"}, "options", "Entre 2 et 50 options (1 données)."),
        (
            {"ouverture_date": "2027-03-28", "ouverture_heure": "02:30"},
            "ouverture_heure",
            "L'heure 02:30 n'existe pas le 28/03/2027 à Paris (passage à l'heure d'été : on passe "
            "de 2 h à 3 h).",
        ),
        ({"cloture_date": "2027-01-01"}, "cloture_heure", "La clôture doit suivre l'ouverture."),
        ({"plafond": "6"}, "plafond", "Le plafond ne peut dépasser les points par participant."),
        ({"acces": "tout-le-monde"}, "acces", None),
        # Dates far off are refused on their field, never an overflow (a 500) later on.
        (
            {"ouverture_date": "0001-01-01", "ouverture_heure": "00:00"},
            "ouverture_date",
            "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2100.",
        ),
        (
            {"cloture_date": "9999-12-31"},
            "cloture_date",
            "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2100.",
        ),
    ],
)
def test_bad_settings_are_refused_on_their_field(coordinator, overrides, field, message):
    response = logged_in(coordinator).post(reverse("consultation:create"), form_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    if message:
        assert errors == [message]
    assert Consultation.objects.count() == 0


def test_members_see_the_open_consultations_they_can_vote_in(coordinator):
    open_one = live(coordinator, access="ouverte", title="Ouverte aux membres")
    live(coordinator, title="Sur invitation")
    make_consultation(coordinator, publish=False, access="ouverte", title="Brouillon")
    member = logged_in(UserFactory())
    page = member.get(reverse("consultation:list"))
    assert [r["consultation"].title for r in page.context["rows"]] == ["Ouverte aux membres"]
    assert reverse("consultation:ballot", args=[open_one.public_id]) in page.content.decode()
    everything = logged_in(coordinator).get(reverse("consultation:list"))
    assert len(everything.context["rows"]) == 3
    anonymous = Client().get(reverse("consultation:list"))
    assert anonymous.status_code == 302


def test_someone_elses_ids_give_404(coordinator):
    invited_only = live(coordinator)
    draft = make_consultation(coordinator, publish=False, access="ouverte")
    member = logged_in(UserFactory())
    for name in ("manage", "edit", "invite", "ballot", "results"):
        assert (
            member.get(reverse(f"consultation:{name}", args=[invited_only.public_id])).status_code
            == 404
        )
    assert member.get(reverse("consultation:ballot", args=[draft.public_id])).status_code == 404
    assert (
        member.post(reverse("consultation:close", args=[invited_only.public_id])).status_code == 404
    )
    assert (
        member.get(reverse("consultation:export", args=[invited_only.public_id, "csv"])).status_code
        == 404
    )
    assert (
        logged_in(coordinator).get(reverse("consultation:manage", args=[uuid.uuid4()])).status_code
        == 404
    )
    assert member.get(reverse("consultation:create")).status_code == 404
    invited_only.refresh_from_db()
    assert invited_only.status == "publiee"


def test_the_personal_link_votes_without_an_account_and_replaces(coordinator):
    consultation = live(coordinator)
    (alice,) = invite(coordinator, consultation, "alice@exemple.fr")
    client = Client()
    url = link(alice)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["remaining"] == 10
    response = post_points(client, url, consultation, **{LISIEUX: "6", PONT: "3"})
    assert (response.status_code, response["Location"]) == (302, url)
    response = post_points(client, url, consultation, **{ORBEC: "10", LISIEUX: ""})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert dict(ballot.allocations.values_list("option__label", "points")) == {ORBEC: 10}
    again = client.get(url)
    assert again.context["remaining"] == 0
    assert 'value="10"' in again.content.decode()


@pytest.mark.parametrize(
    ("values", "status", "message"),
    [
        (
            {LISIEUX: "8", PONT: "3"},
            400,
            "Vous avez réparti 11 points pour 10 disponibles : retirez-en 1.",
        ),
        ({LISIEUX: "-1"}, 400, "Pas de points négatifs."),
        ({LISIEUX: "deux"}, 400, "Un nombre entier de points."),
        ({LISIEUX: "99999999999999999999"}, 400, "10 points au plus sur une option."),
    ],
)
def test_bad_ballots_are_refused_and_save_nothing(coordinator, values, status, message):
    consultation = live(coordinator)
    (alice,) = invite(coordinator, consultation, "alice@exemple.fr")
    response = post_points(Client(), link(alice), consultation, **values)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Ballot.objects.count() == 0


def test_tampered_and_expired_links(coordinator):
    consultation = live(coordinator)
    (alice,) = invite(coordinator, consultation, "alice@exemple.fr")
    token = invitation_token(alice)
    tampered = reverse("consultation:invited", args=[token[:-2] + "xx"])
    assert Client().get(tampered).status_code == 404
    assert Client().post(tampered, {}).status_code == 404
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=31)
    )
    expired = Client().get(link(alice))
    assert expired.status_code == 410
    assert "Ce lien a expiré" in expired.content.decode()


def test_a_vote_after_closing_is_refused_with_a_clear_message(coordinator):
    consultation = live(coordinator)
    (alice,) = invite(coordinator, consultation, "alice@exemple.fr")
    consultation_close(actor=coordinator, consultation=consultation)
    response = post_points(Client(), link(alice), consultation, **{PONT: "1"})
    assert response.status_code == 409
    assert (
        "La consultation est close : les votes ne peuvent plus changer."
        in response.content.decode()
    )
    assert Ballot.objects.count() == 0


def test_hidden_results_are_refused_by_page_link_export_and_api(coordinator):
    consultation = live(coordinator, access="ouverte")
    member = UserFactory()
    ballot_submit(
        consultation=consultation,
        voter=Voter(user=member),
        points={option_ids(consultation)[PONT]: 4},
    )
    results_url = reverse("consultation:results", args=[consultation.public_id])
    api_url = f"/api/consultations/{consultation.public_id}/resultats"
    for client in (logged_in(member), logged_in(coordinator)):
        page = client.get(results_url)
        assert page.status_code == 403
        assert "seront publiés à la clôture du vote" in page.content.decode()
        api = client.get(api_url)
        assert api.status_code == 403
        assert json.loads(api.content)["detail"] == (
            "Les résultats de cette consultation seront publiés à la clôture du vote."
        )
    export = logged_in(coordinator).get(
        reverse("consultation:export", args=[consultation.public_id, "csv"])
    )
    assert export.status_code == 403
    manage = logged_in(coordinator).get(
        reverse("consultation:manage", args=[consultation.public_id])
    )
    assert manage.context["participation"] == {"ballots": 1, "invitations": 0}
    assert results_url not in manage.content.decode()
    # After closing they are shown to everyone who may see the consultation.
    consultation_close(actor=coordinator, consultation=consultation)
    assert logged_in(member).get(results_url).status_code == 200
    body = json.loads(logged_in(member).get(api_url).content)
    assert body["participants"] == 1
    assert [(o["rang"], o["libelle"], o["points"], o["ex_aequo"]) for o in body["options"]] == [
        (1, PONT, 4, False),
        (2, ORBEC, 0, True),
        (2, LISIEUX, 0, True),
    ]


def test_visible_results_show_during_the_vote_with_chart_and_table(coordinator):
    consultation = live(coordinator, results="visibles")
    alice, bob = invite(coordinator, consultation, "alice@exemple.fr", "bob@exemple.fr")
    post_points(Client(), link(alice), consultation, **{LISIEUX: "6", PONT: "4"})
    post_points(Client(), link(bob), consultation, **{PONT: "2", ORBEC: "8"})
    page = Client().get(reverse("consultation:invited_results", args=[invitation_token(alice)]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "1. Espace de coworking d&#x27;Orbec" in html
    assert [(r.rank, r.label, r.points, r.share, r.tied) for r in page.context["results"].rows] == [
        (1, ORBEC, 8, 40.0, False),
        (2, PONT, 6, 30.0, True),
        (2, LISIEUX, 6, 30.0, True),
    ]
    assert "2 (ex aequo)" in html
    assert '<caption id="results-caption">' in html


def test_exports_after_closing(coordinator):
    consultation = live(coordinator, access="ouverte")
    for points in ({LISIEUX: 7, PONT: 3}, {LISIEUX: 1, ORBEC: 3}):
        ids = option_ids(consultation)
        ballot_submit(
            consultation=consultation,
            voter=Voter(user=UserFactory()),
            points={ids[label]: value for label, value in points.items()},
        )
    consultation_close(actor=coordinator, consultation=consultation)
    client = logged_in(coordinator)
    csv = client.get(reverse("consultation:export", args=[consultation.public_id, "csv"]))
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "Rang;Ex aequo;Option;Description;Points;Part des points (%)",
        "1;non;Tiers-lieu de Lisieux;dans l'ancienne gare;8;57.1",
        "2;oui;Espace de coworking d'Orbec;;3;21.4",
        "2;oui;Fablab de Pont-l'Évêque;;3;21.4",
    ]
    xlsx = client.get(reverse("consultation:export", args=[consultation.public_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Résultats"]
    assert [tuple(row) for row in sheet.iter_rows(values_only=True)][1] == (
        1,
        "non",
        LISIEUX,
        "dans l'ancienne gare",
        8,
        57.1,
    )
    assert (
        client.get(reverse("consultation:export", args=[consultation.public_id, "pdf"])).status_code
        == 404
    )


def test_members_vote_through_the_api(coordinator):
    consultation = live(coordinator, access="ouverte")
    member = UserFactory()
    client = logged_in(member)
    ids = option_ids(consultation)
    url = f"/api/consultations/{consultation.public_id}/vote"
    ok = client.put(
        url, {"points": [{"option": ids[PONT], "points": 3}]}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert json.loads(ok.content) == {"points": {str(ids[PONT]): 3}}
    over = client.put(
        url,
        {"points": [{"option": ids[PONT], "points": 9}, {"option": ids[ORBEC], "points": 9}]},
        content_type="application/json",
    )
    assert over.status_code == 400
    unknown = client.put(
        url, {"points": [{"option": 999999, "points": 1}]}, content_type="application/json"
    )
    assert (unknown.status_code, json.loads(unknown.content)["detail"]) == (
        400,
        "Option inconnue dans cette consultation.",
    )
    negative = client.put(
        url, {"points": [{"option": ids[PONT], "points": -1}]}, content_type="application/json"
    )
    assert negative.status_code == 422
    assert Ballot.objects.get().allocations.get().points == 3


def test_invitation_page_sends_and_throttles(coordinator):
    consultation = live(coordinator)
    client = logged_in(coordinator)
    url = reverse("consultation:invite", args=[consultation.public_id])
    response = client.post(url, {"emails": "alice@exemple.fr, bob@exemple.fr\nmauvaise"})
    assert response.status_code == 200
    assert response.context["report"].refused == [("mauvaise", "adresse e-mail invalide")]
    assert sorted(e.to[0] for e in Email.objects.all()) == ["alice@exemple.fr", "bob@exemple.fr"]
    for _ in range(9):
        client.post(url, {"emails": "carla@exemple.fr"})
    throttled = client.post(url, {"emails": "dora@exemple.fr"})
    assert throttled.status_code == 429
    assert not Invitation.objects.filter(email="dora@exemple.fr").exists()


def test_the_edit_page_shows_the_settings_and_freezes_options_after_a_vote(coordinator):
    consultation = live(coordinator, access="ouverte")
    client = logged_in(coordinator)
    url = reverse("consultation:edit", args=[consultation.public_id])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        key: ("" if value is None else str(value))
        for key, value in page.context["form"].initial.items()
    }
    assert data["options"] == (
        "Tiers-lieu de Lisieux | dans l'ancienne gare\n"
        "Fablab de Pont-l'Évêque\n"
        "Espace de coworking d'Orbec"
    )
    ballot_submit(
        consultation=consultation,
        voter=Voter(user=UserFactory()),
        points={option_ids(consultation)[PONT]: 2},
    )
    assert "les options et les points ne changent plus" in client.get(url).content.decode()
    refused = client.post(url, data | {"options": data["options"] + "\nMédiathèque"})
    assert refused.status_code == 409
    assert refused.context["form"].errors["options"] == [
        "Des participants ont déjà voté : les options et les points ne changent plus."
    ]
    accepted = client.post(url, data | {"titre": "Titre revu"})
    assert accepted.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.title, consultation.options.count()) == ("Titre revu", 3)


def test_hidden_results_by_the_personal_link(coordinator):
    consultation = live(coordinator)
    (alice,) = invite(coordinator, consultation, "alice@exemple.fr")
    url = reverse("consultation:invited_results", args=[invitation_token(alice)])
    assert Client().get(url).status_code == 403
    assert (
        Client().get(reverse("consultation:invite", args=[consultation.public_id])).status_code
        == 302
    )
    assert (
        logged_in(coordinator)
        .get(reverse("consultation:invite", args=[consultation.public_id]))
        .status_code
        == 200
    )
    consultation_close(actor=coordinator, consultation=consultation)
    assert Client().get(url).status_code == 200
