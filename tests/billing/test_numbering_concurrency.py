"""Reliability scenario 12 on real connections: 50 simultaneous issues in one series, one of them
rolled back after drawing its number. Numbers stay contiguous, without gap or duplicate, on
SQLite and PostgreSQL."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connections, transaction

from maillage.billing import chain
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, InvoiceCounter
from maillage.billing.services import Buyer, LineInput, invoice_draft, invoice_issue
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Abandon(Exception):
    """Raised after the number was drawn, inside the issuing transaction."""


def race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except BillingError as error:
            results[index] = (error.status, error.message)
        except Abandon:
            results[index] = ("abandoned", None)
        except Exception as error:
            results[index] = ("crash", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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
            with transaction.atomic():
                number = invoice_issue(invoice=draft, now=NOW).number
                assert number >= 1
                raise Abandon

        return call

    calls = [issue(d) for d in drafts[:49]] + [issue_then_abandon(drafts[49])]
    outcomes = race(calls)
    assert [o for o in outcomes if o[0] not in ("ok", "abandoned")] == []
    numbers = sorted(o[1] for o in outcomes if o[0] == "ok")
    assert numbers == list(range(1, 50))
    assert InvoiceCounter.objects.get(seller=seller).next_number == 50
    assert Invoice.objects.get(pk=drafts[49].pk).status == "draft"
    assert chain.verify(seller).ok
    # The same draft issued twice at once: one number, one refusal.
    twice = race([lambda: invoice_issue(invoice=drafts[49], now=NOW).number] * 2)
    assert sorted(twice, key=str) == sorted(
        [("ok", 50), (409, "Cette facture est déjà émise.")], key=str
    )
