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
