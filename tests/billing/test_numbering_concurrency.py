"""Reliability scenario 12 on real connections: 50 simultaneous issues in one series, one of them
rolled back after drawing its number. Numbers stay contiguous, without gap or duplicate, on
SQLite and PostgreSQL."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from maillage.billing import chain
from maillage.billing.models import Invoice, InvoiceCounter
from maillage.billing.services import Buyer, LineInput, invoice_draft, invoice_issue
from tests.concurrency import race
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Abandon(Exception):
    """Raised after the number was drawn, inside the issuing transaction."""


def test_fifty_parallel_issues_leave_no_gap_even_with_a_rollback():
    seller = LegalEntityFactory()
    buyer = Buyer(user=UserFactory())
    line = LineInput(
        label="Journée", quantity=Decimal(1), unit_price_ht_cents=1000, vat_rate_bp=2000
    )
    drafts = [invoice_draft(seller=seller, buyer=buyer, lines=[line]) for _ in range(50)]

    def issue(draft):
        return lambda: invoice_issue(invoice=draft, now=NOW).number

    def issue_then_abandon(draft):
        def call():
            try:
                with transaction.atomic():
                    number = invoice_issue(invoice=draft, now=NOW).number
                    assert number >= 1
                    raise Abandon
            except Abandon:
                return "abandoned"

        return call

    calls = [issue(d) for d in drafts[:49]] + [issue_then_abandon(drafts[49])]
    outcomes = race(calls)
    assert [o for o in outcomes if o[0] != "ok"] == []
    assert outcomes[-1] == ("ok", "abandoned")
    numbers = sorted(o[1] for o in outcomes[:-1])
    assert numbers == list(range(1, 50))
    assert InvoiceCounter.objects.get(seller=seller).next_number == 50
    assert Invoice.objects.get(pk=drafts[49].pk).status == "draft"
    assert chain.verify(seller).ok
    # The same draft issued twice at once: one number, one refusal.
    twice = race([lambda: invoice_issue(invoice=drafts[49], now=NOW).number] * 2)
    assert sorted(twice, key=str) == sorted(
        [("ok", 50), (409, "Cette facture est déjà émise.")], key=str
    )
