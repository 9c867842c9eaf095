"""Two saves of the same version at the same instant (reliability.md rule 4): separate
connections released together; exactly one is saved, the others get 409, on every round."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.economics.models import BusinessPlan
from tests.concurrency import race
from tests.economics.test_pages import form_of

ROUNDS = 3
pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_saves_of_one_version_save_once(reference_geography, plan, manager):
    url = reverse("economics:edit", kwargs={"public_id": plan.public_id})
    for round_ in range(ROUNDS):
        plan.refresh_from_db()
        clients = [Client() for _ in range(3)]
        for client in clients:
            client.force_login(manager)
        forms = [form_of(plan) | {"produits.0.prix": f"{20 + i},00"} for i in range(3)]
        outcomes = race(
            [
                lambda c=c, f=f: c.post(url, f).status_code
                for c, f in zip(clients, forms, strict=True)
            ]
        )
        assert sorted(outcomes) == [("ok", 302), ("ok", 409), ("ok", 409)]
        saved = BusinessPlan.objects.get(pk=plan.pk)
        assert saved.version == 3 + round_
        assert saved.inputs["produits"][0]["prix"] in (2000, 2100, 2200)
