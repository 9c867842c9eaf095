"""The sellers' writes on real connections at the same moment: a credit note sent twice, a
prefix change during an issue, a month closed twice. One wins; the other gets its French
refusal; nothing is half done (SQLite and PostgreSQL)."""

from datetime import UTC, date, datetime

import pytest

from maillage.billing import chain
from maillage.billing.accounting_services import credit_note_once
from maillage.billing.entity_services import legal_entity_save
from maillage.billing.models import AccountingPeriod, Invoice, LegalEntity
from maillage.billing.services import (
    Buyer,
    invoice_create,
    invoice_draft,
    invoice_issue,
    period_close,
)
from tests.billing.conftest import desk_days
from tests.billing.test_accounting import archives_in_tmp  # noqa: F401 (autouse: own archive folder)
from tests.billing.test_entities import settings
from tests.concurrency import race
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def seller_and_manager():
    manager = UserFactory()
    organisation = OrganisationFactory(managers=[manager])
    seller = legal_entity_save(actor=manager, data=settings(), organisation=organisation)
    return seller, manager


def test_credit_note_sent_twice_at_once_is_issued_once(seller_and_manager):
    seller, manager = seller_and_manager
    original = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_days(4)], now=NOW
    )

    def credit():
        return credit_note_once(
            original=original,
            reason="Une journée annulée",
            lines=[desk_days(1)],
            notes_seen=0,
            actor=manager,
            now=NOW,
        ).reference

    outcomes = race([credit, credit])
    assert sorted(str(o[0]) for o in outcomes) == ["409", "ok"]
    assert [o[1] for o in outcomes if o[0] == 409] == [
        "Un avoir vient d'être émis sur cette facture : vérifiez la liste avant d'en émettre un "
        "autre."
    ]
    assert Invoice.objects.filter(kind="credit").count() == 1
    assert chain.verify(seller).ok


def test_prefix_change_during_an_issue_never_splits_the_series(seller_and_manager):
    seller, manager = seller_and_manager
    draft = invoice_draft(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_days()])

    def issue():
        return invoice_issue(invoice=draft, now=NOW).reference

    def rename():
        return legal_entity_save(
            actor=manager, data=settings(invoice_prefix="NEW-"), entity=seller
        ).invoice_prefix

    outcomes = race([issue, rename])
    assert [o for o in outcomes if o[0] not in ("ok", 400)] == []
    final_prefix = LegalEntity.objects.get(pk=seller.pk).invoice_prefix
    reference = Invoice.objects.get(pk=draft.pk).reference
    # Either the rename came first and the invoice carries it, or the issue came first and the
    # rename was refused: the series keeps one prefix.
    assert reference == f"{final_prefix}000001"
    assert outcomes[0] == ("ok", reference)


def test_month_closed_twice_at_once_is_closed_once(seller_and_manager):
    seller, manager = seller_and_manager
    invoice_create(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_days()], now=NOW)

    def close():
        return period_close(
            seller=seller,
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 30),
            actor=manager,
            now=DECEMBER,
        ).documents

    outcomes = race([close, close])
    assert sorted(outcomes, key=str) == sorted(
        [("ok", 1), (409, "Cette période est déjà close.")], key=str
    )
    assert AccountingPeriod.objects.count() == 1
    assert chain.verify(seller).ok
