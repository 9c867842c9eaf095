"""The governance pages and API as people use them: the public sheet and its downloads, the
coordination's editor (conflict, restore, history), the questionnaire with and without an
account, someone else's questionnaire, and bad input (never a 500)."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from maillage.governance.models import SavedQuestionnaire, SheetVersion
from maillage.governance.services import questionnaire_save, sheet_cell_update
from tests.factories import UserFactory
from tests.governance.conftest import LEVEL, TO_OPERATOR

pytestmark = pytest.mark.django_db
TIMELINE = "modele.regie.timeline"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sheet_is_public_with_table_cards_and_sources(client):
    response = client.get(reverse("governance:sheet"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<caption id="sheet-caption">Comparaison des modes de gestion (version 1)</caption>' in html
    )
    assert html.count('<section class="gov-card"') == 6
    assert "par la plateforme" in html
    assert 'href="https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/"' in html
    assert reverse("governance:edit", args=[TIMELINE]) not in html


def test_sheet_shows_edit_links_and_scoring_to_coordinators(coordinator):
    html = logged_in(coordinator).get(reverse("governance:sheet")).content.decode()
    assert reverse("governance:edit", args=[TIMELINE]) in html
    assert reverse("governance:edit", args=["bareme.risque.operateur.dsp"]) in html
    assert "Barème du questionnaire" in html


def test_exports_hold_the_current_version(client, coordinator):
    sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Vite.")
    response = client.get(reverse("governance:export", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="gouvernance-v2.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Modèle", "Rubrique", "Contenu"]
    assert len(rows) == 1 + 6 * 8
    assert rows[6] == ["Régie directe", "Délai type avant l'ouverture", "Vite."]
    assert rows[9][:2] == ["Délégation de service public (concession)", "En bref"]
    response = client.get(reverse("governance:export", args=["xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Modèles", "Barème"]
    scores = list(book["Barème"].iter_rows(values_only=True))
    assert scores[0] == ("Question", "Réponse", "Modèle", "Points", "Raison")
    assert scores[1][:4] == (
        "Qui doit porter le risque d'exploitation du lieu ?",
        "La collectivité, pour garder la main",
        "Régie directe",
        3,
    )
    assert client.get(reverse("governance:export", args=["pdf"])).status_code == 404


def test_edit_is_for_coordinators_only(client, member):
    url = reverse("governance:edit", args=[TIMELINE])
    assert client.get(url).status_code == 302
    assert logged_in(member).get(url).status_code == 403
    assert logged_in(member).post(url, {"base": 1, "value": "x"}).status_code == 403
    assert SheetVersion.objects.count() == 1


def test_edit_saves_a_version_then_history_shows_the_difference(coordinator):
    client = logged_in(coordinator)
    url = reverse("governance:edit", args=[TIMELINE])
    assert client.get(url).status_code == 200
    response = client.post(url, {"base": 1, "value": "Une délibération suffit."})
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:sheet") + "#regie"
    html = client.get(reverse("governance:sheet")).content.decode()
    assert "Version 2, mise à jour le" in html and f"par {coordinator.display_name}." in html
    assert coordinator.email not in html
    history = client.get(reverse("governance:history")).content.decode()
    assert "<h3>Régie directe — Délai type avant l&#x27;ouverture</h3>" in history
    assert (
        '<ins><span class="visually-hidden">ajouté : </span>Une délibération suffit.</ins>'
        in history
    )
    assert "Restaurer la version 1" in history


def test_edit_conflict_keeps_the_typed_text(coordinator, other_coordinator):
    sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Premier.")
    response = logged_in(other_coordinator).post(
        reverse("governance:edit", args=[TIMELINE]), {"base": 1, "value": "Mon texte à moi."}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "La fiche a changé pendant votre modification : version 2" in html
    assert "Mon texte à moi.</textarea>" in html
    assert 'name="base" value="2"' in html
    assert SheetVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("address", "data", "status", "message"),
    [
        (TIMELINE, {"base": "abc", "value": "x"}, 400, "Version de départ illisible"),
        (TIMELINE, {"base": 1, "value": ""}, 400, "Ce champ est obligatoire."),
        (
            "bareme.risque.operateur.dsp",
            {"base": 1, "points": 9, "reason": "x"},
            400,
            "inférieure ou égale à 3",
        ),
        (
            "bareme.risque.operateur.dsp",
            {"base": 1, "points": 2, "reason": ""},
            400,
            "Donnez la raison de ces points",
        ),
        ("modele.regie.sources", {"base": 1, "value": "sans adresse"}, 400, "Ligne 1 : écrivez"),
    ],
)
def test_edit_bad_input_is_a_field_error(coordinator, address, data, status, message):
    response = logged_in(coordinator).post(reverse("governance:edit", args=[address]), data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert SheetVersion.objects.count() == 1


def test_edit_unknown_cell_is_404(coordinator):
    client = logged_in(coordinator)
    assert client.get(reverse("governance:edit", args=["modele.regie.nope"])).status_code == 404
    assert client.get(reverse("governance:edit", args=["x" * 300])).status_code == 404


def test_restore_from_the_history_page(coordinator, member):
    sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Deux.")
    url = reverse("governance:restore")
    assert logged_in(member).post(url, {"base": 2, "version": 1}).status_code == 403
    response = logged_in(coordinator).post(url, {"base": 2, "version": 1}, follow=True)
    assert "Version 1 restaurée : c&#x27;est la version 3." in response.content.decode()
    assert SheetVersion.objects.get(number=3).restored_from == 1
    stale = logged_in(coordinator).post(url, {"base": 2, "version": 1}, follow=True)
    assert "La fiche a changé pendant votre modification : version 3" in stale.content.decode()
    assert logged_in(coordinator).post(url, {"base": "x"}).status_code == 302
    assert SheetVersion.objects.count() == 3


def test_questionnaire_anonymous_ranking_is_not_stored(client):
    response = client.post(reverse("governance:questionnaire"), LEVEL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td>1 (ex aequo)</td>\n          <th scope="row">Régie directe</th>' in html
    scic = "Société coopérative d&#x27;intérêt collectif (SCIC)"
    assert f'<td>1 (ex aequo)</td>\n          <th scope="row">{scic}</th>' in html
    assert SavedQuestionnaire.objects.count() == 0


def test_questionnaire_missing_and_unknown_answers_are_field_errors(client):
    data = dict(TO_OPERATOR, personnel="peut-etre")
    del data["risque"]
    response = client.post(reverse("governance:questionnaire"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('<p class="field-error" role="alert">') == 2
    assert "Répondez à cette question." in html
    assert "Choix inconnu : choisissez une des réponses proposées." in html


def test_questionnaire_kept_for_a_signed_in_member_and_hidden_from_others(
    member, other_coordinator
):
    client = logged_in(member)
    response = client.post(
        reverse("governance:questionnaire"), dict(TO_OPERATOR, project="Lieu de Vire", keep="1")
    )
    saved = SavedQuestionnaire.objects.get()
    assert response["Location"] == reverse("governance:saved", args=[saved.pk])
    assert (saved.owner, saved.project, saved.answers) == (member, "Lieu de Vire", TO_OPERATOR)
    page = client.get(reverse("governance:saved", args=[saved.pk])).content.decode()
    assert "<h1>Lieu de Vire</h1>" in page and "(CCP L1121-1)" in page
    assert "Lieu de Vire" in client.get(reverse("governance:mine")).content.decode()
    stranger = logged_in(other_coordinator)
    assert stranger.get(reverse("governance:saved", args=[saved.pk])).status_code == 404
    assert stranger.post(reverse("governance:saved_delete", args=[saved.pk])).status_code == 404
    assert client.post(reverse("governance:saved_delete", args=[saved.pk])).status_code == 302
    assert SavedQuestionnaire.objects.count() == 0


def test_questionnaire_keep_without_project_name_is_a_field_error(member):
    response = logged_in(member).post(
        reverse("governance:questionnaire"), dict(TO_OPERATOR, keep="1")
    )
    assert response.status_code == 400
    assert "Donnez un nom au projet." in response.content.decode()


def test_saved_questionnaire_says_when_the_sheet_changed(member, coordinator, sheet_v1):
    saved = questionnaire_save(owner=member, project="P", answers=TO_OPERATOR, version=sheet_v1)
    sheet_cell_update(
        actor=coordinator,
        base_number=1,
        address="bareme.risque.operateur.dsp",
        value={"points": 1, "reason": "Moins."},
    )
    html = logged_in(member).get(reverse("governance:saved", args=[saved.pk])).content.decode()
    assert "La fiche a changé depuis" in html
    assert "<td>13</td>" in html  # still ranked against the version it was answered on


def test_api_sheet_and_ranking(client):
    sheet = client.get("/api/gouvernance/modeles").json()
    assert sheet["version"] == 1
    assert [m["cle"] for m in sheet["modeles"]] == [
        "regie",
        "dsp",
        "spl",
        "scic",
        "association",
        "aot",
    ]
    assert sheet["modeles"][1]["sources"][0] == {
        "libelle": "Code de la commande publique, art. L1121-1 (contrat de concession)",
        "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/",
    }
    response = client.post(
        "/api/gouvernance/classement",
        json.dumps({"reponses": LEVEL}),
        content_type="application/json",
    )
    assert response.status_code == 200
    ranked = response.json()["classement"]
    assert [(r["rang"], r["ex_aequo"], r["cle"], r["points"]) for r in ranked][:3] == [
        (1, True, "regie", 7),
        (1, True, "scic", 7),
        (3, False, "association", 5),
    ]


def test_api_ranking_bad_input(client):
    url = "/api/gouvernance/classement"
    bad = client.post(
        url, json.dumps({"reponses": dict(LEVEL, risque="tout")}), content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "detail": "Réponses invalides.",
        "erreurs": [
            {
                "champ": "risque",
                "emplacement": ["body", "reponses", "risque"],
                "message": "Choix inconnu : choisissez une des réponses proposées.",
            }
        ],
    }
    missing = client.post(url, json.dumps({"reponses": {}}), content_type="application/json")
    assert missing.status_code == 400
    assert len(missing.json()["erreurs"]) == 7
    assert client.post(url, "[1]", content_type="application/json").status_code == 422
    assert (
        client.post(
            url, json.dumps({"reponses": {"a": [1]}}), content_type="application/json"
        ).status_code
        == 422
    )


@pytest.mark.parametrize("versions", [1, 3])
def test_history_and_sheet_queries_do_not_grow_with_versions(client, coordinator, versions):
    for number in range(1, versions):
        sheet_cell_update(
            actor=coordinator, base_number=number, address=TIMELINE, value=f"Texte {number}."
        )
    counts = []
    for url in [reverse("governance:history"), reverse("governance:sheet")]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [4, 1]


def test_public_pages_never_show_an_author_e_mail(client):
    nameless = UserFactory(coordinator=True, display_name="", email="elu.coordination@exemple.fr")
    edit = logged_in(nameless).post(
        reverse("governance:edit", args=[TIMELINE]), {"base": 1, "value": "Une délibération."}
    )
    assert edit.status_code == 302
    client.logout()
    for name in ("governance:sheet", "governance:history"):
        html = client.get(reverse(name)).content.decode()
        assert "elu.coordination@exemple.fr" not in html
        assert "par la coordination" in html
