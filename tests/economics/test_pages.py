"""Business-plan pages, downloads and API: permissions, editing, conflicts, bad input."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from maillage.economics.engine import Scenario
from maillage.economics.models import BusinessPlan
from maillage.economics.workbook import pl_sheet_title
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


def urls(plan) -> list[str]:
    pid = plan.public_id
    return [
        reverse("economics:results", kwargs={"public_id": pid}),
        reverse("economics:edit", kwargs={"public_id": pid}),
        reverse("economics:print", kwargs={"public_id": pid}),
        reverse("economics:download", kwargs={"public_id": pid, "fmt": "xlsx"}),
        reverse("economics:download", kwargs={"public_id": pid, "fmt": "csv"}),
        f"/api/plans-affaires/{pid}",
    ]


def test_another_team_gets_404_everywhere(client, plan, other_manager):
    client.force_login(other_manager)
    for url in urls(plan):
        assert client.get(url).status_code == 404, url
    for name in ("edit", "duplicate", "delete", "invite"):
        url = reverse(f"economics:{name}", kwargs={"public_id": plan.public_id})
        assert client.post(url, {"version": "2", "annees": "4"}).status_code == 404, name
    response = client.put(
        f"/api/plans-affaires/{plan.public_id}",
        data=json.dumps({"version": 2, "hypotheses": plan.inputs}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert BusinessPlan.objects.get(pk=plan.pk).version == 2
    listed = client.get("/api/plans-affaires").json()
    assert listed == []


def test_the_team_and_a_coordinator_see_everything(client, plan, manager):
    for user in (manager, UserFactory(coordinator=True)):
        client.force_login(user)
        for url in urls(plan):
            assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(reverse("economics:results", kwargs={"public_id": plan.public_id}))
    assert response.status_code == 302
    assert client.get("/api/plans-affaires").status_code == 401


def test_results_page_shows_the_pl_and_the_scenarios_side_by_side(client, plan, manager):
    client.force_login(manager)
    page = client.get(reverse("economics:results", kwargs={"public_id": plan.public_id}))
    html = page.content.decode()
    # Central balance by year (hand computation of tests/economics/test_engine.py).
    for shown in ("−6 723,56 €", "−1 209,17 €", "−3 924,19 €", "1 043,54 €"):
        assert shown.replace(" ", NNBSP).replace(f"{NNBSP}€", f"{NBSP}€") in html
    # Revenues TTC, central year 1: 34 975,20 € HT + 3 895,04 € of product VAT + 100,00 € of
    # VAT on events (712,80 + 285,12 + 933,12 + 1 260,00 + 704,00 = 3 895,04).
    assert f"<td>38{NNBSP}970,24{NBSP}€</td>" in html
    assert "Point mort : 2030 (année 4)." in html
    assert "Point mort : 2027 (année 1)." in html
    assert "Point mort : non atteint sur la durée du plan." in html
    assert html.count('<th scope="col">Résultat (') == 3
    assert html.count("<svg") == 1


def test_xlsx_and_csv_downloads(client, plan, manager):
    client.force_login(manager)
    body = client.get(
        reverse("economics:download", kwargs={"public_id": plan.public_id, "fmt": "xlsx"})
    ).content
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames[0] == "Hypothèses"
    assert pl_sheet_title(Scenario.CENTRAL) in book.sheetnames
    text = client.get(
        reverse("economics:download", kwargs={"public_id": plan.public_id, "fmt": "csv"})
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "scénario",
        "section",
        "ligne",
        "nature",
        "montant",
        "2027",
        "2028",
        "2029",
        "2030",
    ]
    assert [
        "central",
        "synthèse",
        "résultat",
        "",
        "compté",
        "-6723.56",
        "-1209.17",
        "-3924.19",
        "1043.54",
    ] in rows
    assert (
        client.get(
            reverse("economics:download", kwargs={"public_id": plan.public_id, "fmt": "pdf"})
        ).status_code
        == 404
    )


def form_of(plan) -> dict:
    """The hypotheses form as the page sends it back unchanged."""
    from maillage.economics.forms import page_sections

    sections = page_sections(plan.inputs, {})
    data = {"version": str(plan.version), "annees_avant": str(plan.inputs["annees"])}
    fields = list(sections["general"]) + list(sections["fee"])
    for row in sections["capacities"] + sections["investments"]:
        fields += row
    for row in sections["products"]:
        fields += row["fields"]
    for row in sections["revenues"] + sections["charges"]:
        fields += row["fields"] + row["years"]
    for scenario in sections["occupancy"]:
        for pool in scenario["pools"]:
            fields += pool["fields"]
    for field in fields:
        data[field["name"]] = field["value"]
    return data


def test_the_form_sent_back_unchanged_saves_the_same_plan(client, plan, manager, document):
    client.force_login(manager)
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    response = client.post(url, form_of(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.version, plan.inputs) == (3, document)


def test_edit_in_euros_and_percents(client, plan, manager):
    client.force_login(manager)
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    data = form_of(plan) | {"produits.0.prix": "16,50", "occupation.central.postes.0": "35"}
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.inputs["produits"][0]["prix"] == 1650
    assert plan.inputs["occupation"]["central"]["postes"][0] == 0.35


def test_two_tabs_the_second_save_gets_a_conflict_and_keeps_its_input(client, plan, manager):
    client.force_login(manager)
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    first = form_of(plan) | {"produits.0.prix": "16,00"}
    second = form_of(plan) | {"produits.0.prix": "17,00"}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ce plan a été modifié entre-temps" in html
    assert 'value="17,00"' in html
    plan.refresh_from_db()
    assert (plan.version, plan.inputs["produits"][0]["prix"]) == (3, 1600)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"capacites.0.unites": "-2"},
            "capacites.0.unites",
            "Une capacité ne peut pas être négative.",
        ),
        (
            {"occupation.prudent.bureaux.2": "120"},
            "occupation.prudent.bureaux.2",
            "L&#x27;occupation ne peut pas dépasser 100 %",
        ),
        ({"produits.0.prix": "quinze"}, "produits.0.prix", "Saisissez un montant en euros"),
        ({"produits.0.prix": "9" * 40}, "produits.0.prix", "Saisissez un montant en euros"),
        ({"annee_debut": "1999"}, "annee_debut", "La première année doit être entre 2000 et 2100."),
        (
            {"investissements.0.premiere_annee": "9"},
            "investissements.0.premiere_annee",
            "La première année d&#x27;amortissement doit être entre 1 et 4.",
        ),
        (
            {
                "charges.0.montants.0": "0",
                "charges.0.montants.1": "0",
                "charges.0.montants.2": "0",
                "charges.0.montants.3": "0",
            },
            "charges.0.montants",
            "Une charge sans montant",
        ),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_saved(
    client, plan, manager, document, change, field, message
):
    client.force_login(manager)
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    response = client.post(url, form_of(plan) | change)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Le plan n'est pas enregistré" in html
    plan.refresh_from_db()
    assert (plan.version, plan.inputs) == (2, document)


def test_copy_central_fills_the_prudent_scenario_without_saving(client, plan, manager):
    client.force_login(manager)
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    response = client.post(url, form_of(plan) | {"copier_central": "prudent"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="occupation.prudent.postes.0" value="30"' in html
    plan.refresh_from_db()
    assert plan.version == 2


def test_create_a_project_plan_then_invite(client, manager, caen):
    client.force_login(manager)
    response = client.post(
        reverse("economics:list"),
        {"name": "Étude 2027", "project_name": "Tiers-lieu de la gare", "commune": "14118"},
    )
    plan = BusinessPlan.objects.get()
    assert response.url == reverse("economics:edit", kwargs={"public_id": plan.public_id})
    assert (plan.project_name, plan.commune, plan.creator) == (
        "Tiers-lieu de la gare",
        caen,
        manager,
    )
    bad = client.post(reverse("economics:list"), {"name": "X", "commune": "99999"})
    assert bad.status_code == 400
    assert "Aucune commune n&#x27;a ce code INSEE." in bad.content.decode()
    UserFactory(email="ami@exemple.fr")
    client.post(
        reverse("economics:invite", kwargs={"public_id": plan.public_id}),
        {"email": "ami@exemple.fr"},
    )
    assert [u.email for u in plan.members.all()] == ["ami@exemple.fr"]


def test_api_get_compute_and_save(client, plan, manager, document):
    client.force_login(manager)
    got = client.get(f"/api/plans-affaires/{plan.public_id}").json()
    central = next(s for s in got["resultats"] if s["scenario"] == "central")
    assert [y["resultat"] for y in central["annees"]] == [-672356, -120917, -392419, 104354]
    assert central["annee_point_mort"] == 2030
    one = client.get(f"/api/plans-affaires/{plan.public_id}?annee=2029").json()
    assert [len(s["annees"]) for s in one["resultats"]] == [1, 1, 1]
    outside = client.get(f"/api/plans-affaires/{plan.public_id}?annee=2035")
    assert outside.status_code == 422
    assert outside.json()["erreurs"] == [
        {"champ": "annee", "message": "Cette année est en dehors du plan."}
    ]
    computed = client.post(
        "/api/plans-affaires/calcul", data=json.dumps(document), content_type="application/json"
    )
    assert computed.status_code == 200
    bad = document | {
        "annees": 4,
        "annee_debut": 2027,
        "capacites": [{"pool": "postes", "libelle": "Postes", "unites": -1}],
    }
    refused = client.post(
        "/api/plans-affaires/calcul", data=json.dumps(bad), content_type="application/json"
    )
    assert refused.status_code == 422
    assert {
        "champ": "capacites.0.unites",
        "message": "Une capacité ne peut pas être négative.",
    } in (refused.json()["erreurs"])
    text = client.post(
        "/api/plans-affaires/calcul",
        data=json.dumps(document | {"annees": "beaucoup"}),
        content_type="application/json",
    )
    assert text.status_code == 422
    url = f"/api/plans-affaires/{plan.public_id}"
    saved = client.put(
        url,
        data=json.dumps({"version": 2, "hypotheses": document}),
        content_type="application/json",
    )
    assert (saved.status_code, saved.json()["version"]) == (200, 3)
    stale = client.put(
        url,
        data=json.dumps({"version": 2, "hypotheses": document}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == 3
    assert BusinessPlan.objects.get(pk=plan.pk).version == 3


def test_a_new_empty_plan_opens_and_saves(client, manager, place):
    from maillage.economics import services

    plan = services.plan_create(actor=manager, name="Vide", place=place)
    client.force_login(manager)
    for name in ("edit", "results", "print"):
        url = reverse(f"economics:{name}", kwargs={"public_id": plan.public_id})
        assert client.get(url).status_code == 200, name
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    assert client.post(url, form_of(plan)).status_code == 302
    assert BusinessPlan.objects.get(pk=plan.pk).version == 2


def test_api_refuses_huge_numbers_and_text(client, plan, manager, document):
    client.force_login(manager)
    huge = document | {
        "produits": [document["produits"][0] | {"prix": 10**30}, *document["produits"][1:]]
    }
    response = client.post(
        "/api/plans-affaires/calcul", data=json.dumps(huge), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"champ": "produits.0.prix", "message": "Ce nombre est trop grand."}
    ]
    text = document | {"occupation": {"central": {"postes": ["beaucoup"]}}}
    response = client.post(
        "/api/plans-affaires/calcul", data=json.dumps(text), content_type="application/json"
    )
    assert response.status_code == 422
    assert BusinessPlan.objects.get(pk=plan.pk).version == 2
