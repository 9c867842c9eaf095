"""Regressions found in review: junk in the stored document, NaN through the API."""

import copy
import json

import pytest

from maillage.economics import services
from maillage.economics.document import document_input
from maillage.economics.models import BusinessPlan

pytestmark = pytest.mark.django_db


def _put(client, plan, document, version=None):
    body = {"version": plan.version if version is None else version, "hypotheses": document}
    return client.put(
        f"/api/plans-affaires/{plan.public_id}",
        data=json.dumps(body),  # json.dumps writes NaN / Infinity as the JSON extension does
        content_type="application/json",
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_api_refuses_nan_and_infinity_with_a_422(client, plan, manager, document, value):
    client.force_login(manager)
    doc = copy.deepcopy(document)
    doc["occupation"]["central"]["postes"][0] = value
    response = _put(client, plan, doc)
    assert response.status_code == 422
    [error] = response.json()["erreurs"]
    assert error["message"] == "nombre fini attendu"
    assert error["emplacement"][-4:] == ["occupation", "central", "postes", "0"]
    fresh = BusinessPlan.objects.get(pk=plan.pk)
    assert (fresh.version, fresh.inputs) == (plan.version, document)


def test_api_refuses_an_unknown_pool_and_a_huge_list(client, plan, manager, document):
    client.force_login(manager)
    doc = copy.deepcopy(document)
    doc["occupation"]["central"]["cabines"] = [0.5]
    assert _put(client, plan, doc).status_code == 422
    doc = copy.deepcopy(document)
    doc["occupation"]["central"]["postes"] = [0.5] * 5000
    assert _put(client, plan, doc).status_code == 422
    fresh = BusinessPlan.objects.get(pk=plan.pk)
    assert (fresh.version, fresh.inputs) == (plan.version, document)


def test_the_document_refuses_unknown_scenarios_and_pools(document):
    doc = copy.deepcopy(document)
    doc["occupation"]["central"]["cabines"] = [0.5]
    doc["occupation"]["pessimiste"] = {}
    assert document_input(doc) == (
        None,
        {
            "occupation.pessimiste": "Scénario inconnu : prudent, central ou optimiste.",
            "occupation.central.cabines": "Capacité inconnue : postes, bureaux ou salles.",
        },
    )


def test_save_stores_the_checked_document_not_the_posted_one(plan, manager, document):
    posted = copy.deepcopy(document)
    posted["commentaire"] = "x" * 1000
    posted["produits"][0]["note"] = "ignorée"
    posted["produits"][0]["libelle"] = "  Journée  "
    saved = services.plan_save(actor=manager, plan=plan, inputs=posted, version=plan.version)
    expected = copy.deepcopy(document)
    expected["produits"][0]["libelle"] = "Journée"
    assert BusinessPlan.objects.get(pk=saved.pk).inputs == expected


def _edit(client, plan, data):
    from django.urls import reverse

    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    return client.post(url, data)


def test_a_new_duration_is_shown_for_checking_not_saved(client, plan, manager, document):
    from tests.economics.test_pages import form_of

    client.force_login(manager)
    response = _edit(client, plan, form_of(plan) | {"annees": "6"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vérifiez les nouvelles années puis enregistrez" in html
    # The last year's amounts and occupancies are carried to the new years 5 and 6.
    assert 'name="charges.0.montants.5" value="8400,00"' in html
    assert 'name="recettes.0.montants.5" value="2400,00"' in html
    assert 'name="occupation.central.postes.5" value="60"' in html
    assert 'name="annees_avant" value="6"' in html
    fresh = BusinessPlan.objects.get(pk=plan.pk)
    assert (fresh.version, fresh.inputs) == (plan.version, document)
    # Sent back as shown, it saves: the six years with the carried amounts.
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    data = {i.get("name"): i.get("value") or "" for i in tree.xpath("//form//input[@name]")}
    for select in tree.xpath("//form//select[@name]"):
        chosen = select.xpath("option[@selected]/@value") or select.xpath("option/@value")
        data[select.get("name")] = chosen[0]
    data.pop("csrfmiddlewaretoken", None)
    assert _edit(client, plan, data).status_code == 302
    saved = BusinessPlan.objects.get(pk=plan.pk).inputs
    assert saved["annees"] == 6
    assert saved["charges"][0]["montants"] == [840000] * 6
    assert saved["recettes"][0]["montants"] == [0, 120000, 180000, 240000, 240000, 240000]


def test_enter_in_a_field_saves_the_first_submit_button_is_save(client, plan, manager):
    from django.urls import reverse
    from lxml import html as lxml_html

    from tests.economics.test_pages import form_of

    client.force_login(manager)
    page = client.get(reverse("economics:edit", kwargs={"public_id": plan.public_id}))
    tree = lxml_html.fromstring(page.content.decode())
    form = tree.xpath("//form[.//input[@name='annees_avant']]")[0]
    first = form.xpath(".//button[not(@type) or @type='submit'] | .//input[@type='submit']")[0]
    # Implicit submission (Enter in a text field) uses the first submit button of the form.
    assert (first.get("name"), first.text_content().strip()) == ("enregistrer", "Enregistrer")
    response = _edit(client, plan, form_of(plan) | {"produits.0.prix": "16,00"})
    assert response.status_code == 302
    assert BusinessPlan.objects.get(pk=plan.pk).inputs["produits"][0]["prix"] == 1600


@pytest.fixture
def project(manager, caen, document):
    from tests.economics.conftest import stored

    return stored(manager, project_name="Tiers-lieu de Caen", commune=caen, document=document)


def test_invite_answers_the_same_for_any_address_and_is_throttled(client, manager, project):
    from django.core.cache import cache
    from django.urls import reverse

    from maillage.economics.services import INVITE_DONE, INVITE_LIMIT
    from tests.factories import UserFactory

    cache.clear()
    client.force_login(manager)
    url = reverse("economics:invite", kwargs={"public_id": project.public_id})
    UserFactory(email="ami@exemple.fr")
    known = client.post(url, {"email": "ami@exemple.fr"}, follow=True).content.decode()
    unknown = client.post(url, {"email": "personne@exemple.fr"}, follow=True).content.decode()
    assert INVITE_DONE.replace("'", "&#x27;") in known
    assert INVITE_DONE.replace("'", "&#x27;") in unknown
    assert "Aucun compte" not in unknown
    assert [u.email for u in project.members.all()] == ["ami@exemple.fr"]
    for _ in range(INVITE_LIMIT.attempts - 2):
        assert client.post(url, {"email": "x@exemple.fr"}).status_code == 302
    throttled = client.post(url, {"email": "autre@exemple.fr"})
    assert throttled.status_code == 429
    assert "Trop de tentatives" in throttled.content.decode()
    cache.clear()


def test_the_creator_removes_a_member_and_a_member_leaves(client, manager, project):
    from django.urls import reverse

    from maillage.economics.permissions import visible_plans
    from tests.factories import UserFactory

    ana = UserFactory(email="ana@exemple.fr", display_name="Ana")
    bob = UserFactory(email="bob@exemple.fr", display_name="Bob")
    project.members.add(ana, bob)
    kwargs = {"public_id": project.public_id}
    # A member may not remove another member: refused, nothing changes.
    client.force_login(ana)
    page = client.get(reverse("economics:edit", kwargs=kwargs)).content.decode()
    assert "Quitter le projet" in page and "Retirer Bob du projet" not in page
    client.post(reverse("economics:member_remove", kwargs=kwargs), {"membre": bob.pk})
    assert sorted(u.email for u in project.members.all()) == ["ana@exemple.fr", "bob@exemple.fr"]
    # The creator removes Bob, who no longer sees the plan.
    client.force_login(manager)
    assert (
        "Retirer Bob du projet"
        in client.get(reverse("economics:edit", kwargs=kwargs)).content.decode()
    )
    client.post(reverse("economics:member_remove", kwargs=kwargs), {"membre": bob.pk})
    assert list(visible_plans(bob)) == []
    assert (
        client.post(reverse("economics:member_remove", kwargs=kwargs), {"membre": "x"}).status_code
        == 302
    )
    # Ana leaves.
    client.force_login(ana)
    response = client.post(reverse("economics:leave", kwargs=kwargs))
    assert response.url == reverse("economics:list")
    assert list(project.members.all()) == []
    assert list(visible_plans(ana)) == []
    # A stranger gets 404 on both.
    client.force_login(UserFactory())
    assert client.post(reverse("economics:leave", kwargs=kwargs)).status_code == 404
    assert (
        client.post(
            reverse("economics:member_remove", kwargs=kwargs), {"membre": ana.pk}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("occupation", "central", "postes", 0), 0.12345),
        (("produits", 0, "mix"), 0.30001),
        (("redevance", "part"), 0.050001),
    ],
)
def test_rates_finer_than_a_hundredth_of_a_percent_are_refused(document, path, value):
    doc = copy.deepcopy(document)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    field = ".".join(str(key) for key in path)
    assert document_input(doc) == (
        None,
        {field: "Deux décimales au plus en pourcentage (0,01 %)."},
    )
    target[path[-1]] = round(value, 4)
    assert document_input(doc)[1] == {}


def test_the_page_refuses_finer_percents_and_amounts_with_cents_fractions(client, plan, manager):
    from tests.economics.test_pages import form_of

    client.force_login(manager)
    data = form_of(plan) | {
        "occupation.central.postes.0": "35,125",
        "charges.0.montants.0": "8400,005",
    }
    response = _edit(client, plan, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Deux décimales au plus en pourcentage (0,01 %)." in html
    assert "Deux décimales au plus : un montant se compte en centimes." in html
    assert BusinessPlan.objects.get(pk=plan.pk).version == plan.version
    assert (
        _edit(client, plan, form_of(plan) | {"occupation.central.postes.0": "35,12"}).status_code
        == 302
    )
    assert (
        BusinessPlan.objects.get(pk=plan.pk).inputs["occupation"]["central"]["postes"][0] == 0.3512
    )


@pytest.mark.parametrize(("amount", "years"), [(9, 6), (23, 15)])
def test_an_investment_too_small_for_its_years_is_refused(document, amount, years):
    from maillage.economics.engine import amortisation_schedule

    assert min(amortisation_schedule(amount, years, 1, years)) < 0  # what it would give
    doc = copy.deepcopy(document)
    doc["investissements"][0] |= {"montant": amount, "duree": years, "premiere_annee": 1}
    assert document_input(doc) == (
        None,
        {
            "investissements.0.montant": f"Montant trop petit pour être amorti sur {years} ans : "
            "chaque année doit recevoir une part positive (augmentez le montant ou réduisez "
            "la durée)."
        },
    )


@pytest.mark.parametrize(("amount", "years"), [(6, 6), (105, 15), (22, 15), (1, 1)])
def test_small_investments_that_amortise_in_positive_shares_are_accepted(document, amount, years):
    from maillage.economics.engine import amortisation_schedule

    doc = copy.deepcopy(document)
    doc["investissements"][0] |= {"montant": amount, "duree": years, "premiere_annee": 1}
    assert document_input(doc)[1] == {}
    assert min(amortisation_schedule(amount, years, 1, years)) >= 0


def test_zero_and_one_are_singular_in_french():
    from django.template import Context, Template

    template = Template("{% load economics %}{{ n }} poste{{ n|plural_fr }}")
    assert [template.render(Context({"n": n})) for n in (0, 1, 2, 12)] == [
        "0 poste",
        "1 poste",
        "2 postes",
        "12 postes",
    ]


def test_results_page_says_one_seat_in_the_singular(client, manager, place, document):
    from django.urls import reverse

    from tests.economics.conftest import stored

    seats = next(i for i, c in enumerate(document["capacites"]) if c["pool"] == "postes")
    document["capacites"][seats]["unites"] = 1
    plan = stored(manager, place=place, document=document)
    client.force_login(manager)
    html = client.get(reverse("economics:results", kwargs={"public_id": plan.public_id}))
    assert "Le plan prévoit <strong>1 poste</strong>" in html.content.decode()


def test_yearly_amount_fields_are_named_by_their_line(client, plan, manager):
    from django.urls import reverse
    from lxml import html as lxml_html

    client.force_login(manager)
    page = client.get(reverse("economics:edit", kwargs={"public_id": plan.public_id}))
    tree = lxml_html.fromstring(page.content.decode())

    def accessible_name(name: str) -> str:
        field = tree.xpath(f"//input[@name='{name}']")[0]
        legend = field.xpath("ancestor::fieldset[1]/legend")[0].text_content().strip()
        label = tree.xpath(f"//label[@for='{field.get('id')}']")[0].text_content().strip()
        return f"{legend} — {label}"

    assert accessible_name("charges.0.montants.0") == "Charge 1 : Loyer du local — 2027 HT (€)"
    assert accessible_name("recettes.2.montants.1") == (
        "Recette 3 : Subvention Région (amorçage) — 2028 HT (€)"
    )


def test_deleting_a_plan_asks_for_a_confirmation_first(client, plan, manager):
    from django.urls import reverse

    client.force_login(manager)
    url = reverse("economics:delete", kwargs={"public_id": plan.public_id})
    page = client.get(url)
    assert page.status_code == 200
    assert "Oui, supprimer définitivement ce plan" in page.content.decode()
    assert client.post(url).status_code == 200  # no confirmation: the question again
    assert BusinessPlan.objects.filter(pk=plan.pk).exists()
    response = client.post(url, {"confirmer": "oui"})
    assert response.url == reverse("economics:list")
    assert not BusinessPlan.objects.filter(pk=plan.pk).exists()


def test_a_project_member_cannot_reach_the_deletion(client, manager, project):
    from django.urls import reverse

    from tests.factories import UserFactory

    member = UserFactory()
    project.members.add(member)
    client.force_login(member)
    url = reverse("economics:delete", kwargs={"public_id": project.public_id})
    assert client.get(url).url == reverse("economics:edit", kwargs={"public_id": project.public_id})
    client.post(url, {"confirmer": "oui"})
    assert BusinessPlan.objects.filter(pk=project.pk).exists()
