"""A double click on « Vendre » on real connections: the same form key sent by two requests at
the same instant sells once, on SQLite and PostgreSQL."""

import pytest

from maillage.billing.models import Invoice
from maillage.booking.models import Pass, PassLedger, PassProduct
from maillage.settlement.models import NetworkPassSale
from maillage.settlement.services import network_pass_sale
from tests.concurrency import race
from tests.factories import LegalEntityFactory, UserFactory
from tests.settlement.conftest import SOLD_AT

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_click_sells_once(reference_geography):
    coordinator = UserFactory(coordinator=True)
    LegalEntityFactory(is_network=True)
    product = PassProduct.objects.create(
        place=None, name="Pass réseau 5 journées", unit="day", units=5, price_cents=7500
    )
    buyer = UserFactory()

    def click():
        result = network_pass_sale(
            actor=coordinator,
            product=product,
            buyer_user=buyer,
            owners=[buyer, buyer],
            quantity=2,
            paid_method=None,
            idempotency_key="formulaire-1",
            now=SOLD_AT,
        )
        return (result.sale.pk, result.invoice.pk)

    outcomes = race([click] * 4)
    assert {o[0] for o in outcomes} == {"ok"}
    assert len({o[1] for o in outcomes}) == 1
    assert (NetworkPassSale.objects.count(), Invoice.objects.count()) == (1, 1)
    assert (Pass.objects.count(), PassLedger.objects.count()) == (2, 2)
