"""The settlement pages read a constant number of queries, whatever the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.places.services import place_create
from maillage.settlement.models import SettlementStatement
from maillage.settlement.services import agreement_set, statement_compute
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory, place_data
from tests.settlement.conftest import AFTER, sell

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def add_places(coordinator, count):
    for n in range(count):
        place = place_create(data=place_data(name=f"Lieu {n}", operator=OrganisationFactory().pk))
        agreement_set(
            actor=coordinator,
            place=place,
            rate_day_cents=1000,
            rate_half_day_cents=500,
            self_billing=n % 2 == 0,
            valid_from=date(2026, 1, 1),
        )
        statement_compute(actor=coordinator, place=place, month=date(2026, 11, 1), now=AFTER)


def test_statements_page_queries_do_not_grow_with_places(client, coordinator):
    client.force_login(coordinator)
    params = {"mois": "2026-11"}
    add_places(coordinator, 1)
    one = queries(client, reverse("settlement:statements"), params)
    add_places(coordinator, 2)
    assert queries(client, reverse("settlement:statements"), params) == one


def test_network_pass_page_queries_do_not_grow_with_sales(
    client, coordinator, network, day_pass_product
):
    client.force_login(coordinator)
    sell(coordinator, day_pass_product, UserFactory())
    one = queries(client, reverse("settlement:network_passes"))
    employer_entity = LegalEntityFactory()
    from maillage.employers.models import Employer

    Employer.objects.create(entity=employer_entity)
    sell(coordinator, day_pass_product, UserFactory(), quantity=2)
    sell(coordinator, day_pass_product, UserFactory())
    assert queries(client, reverse("settlement:network_passes")) == one


def test_place_page_queries_do_not_grow_with_statements(client, coordinator, manager, place):
    client.force_login(manager)
    agreement_set(
        actor=coordinator,
        place=place,
        rate_day_cents=1000,
        rate_half_day_cents=500,
        self_billing=False,
        valid_from=date(2026, 1, 1),
    )
    url = reverse("settlement:place_statements", kwargs={"public_id": place.public_id})
    statement_compute(actor=coordinator, place=place, month=date(2026, 10, 1), now=AFTER)
    one = queries(client, url)
    for month in (date(2026, 9, 1), date(2026, 8, 1)):
        statement_compute(actor=coordinator, place=place, month=month, now=AFTER)
    assert SettlementStatement.objects.count() == 3
    assert queries(client, url) == one
