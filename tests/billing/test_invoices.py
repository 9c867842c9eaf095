"""Issuing, numbering, immutability, credit notes, closed periods and the hash chain."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.db import IntegrityError, connection, transaction

from maillage.billing import archive, chain
from maillage.billing.errors import BillingError
from maillage.billing.models import AccountingPeriod, Invoice, InvoiceLine
from maillage.billing.services import (
    Buyer,
    LineInput,
    credit_note_issue,
    invoice_create,
    invoice_draft,
    invoice_draft_delete,
    invoice_issue,
    period_close,
)
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def desk_line(**kw) -> LineInput:
    return LineInput(
        **(
            {
                "label": "Poste en espace partagé, journée",
                "quantity": Decimal(2),
                "unit_price_ht_cents": 1250,
                "vat_rate_bp": 2000,
                "unit": "DAY",
            }
            | kw
        )
    )


@pytest.fixture
def seller():
    return LegalEntityFactory()


def test_issue_numbers_totals_and_chains(seller):
    buyer = Buyer(user=UserFactory())
    first = invoice_create(seller=seller, buyer=buyer, lines=[desk_line()], now=NOW)
    second = invoice_create(
        seller=seller,
        buyer=buyer,
        lines=[
            desk_line(),
            desk_line(quantity=Decimal(1), unit_price_ht_cents=999, vat_rate_bp=550),
        ],
        now=NOW,
    )
    assert (first.number, first.reference) == (1, "F-000001")
    assert (second.number, second.reference) == (2, "F-000002")
    assert (first.total_ht_cents, first.total_vat_cents, first.total_ttc_cents) == (2500, 500, 3000)
    # 5.5 % of 9.99 € is 0.549 45 €: rounded half up per rate to 0.55 €.
    assert (second.total_ht_cents, second.total_vat_cents) == (3499, 500 + 55)
    assert first.previous_hash == "" and second.previous_hash == first.hash
    assert first.issue_date == date(2026, 11, 30)
    assert chain.verify(seller).ok


def test_numbers_are_per_seller(seller):
    other = LegalEntityFactory(invoice_prefix="LAB-")
    buyer = Buyer(user=UserFactory())
    invoice_create(seller=seller, buyer=buyer, lines=[desk_line()], now=NOW)
    elsewhere = invoice_create(seller=other, buyer=buyer, lines=[desk_line()], now=NOW)
    assert elsewhere.reference == "LAB-000001"


def test_draft_has_no_number_and_can_be_deleted(seller):
    draft = invoice_draft(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line()])
    assert (draft.number, draft.reference, draft.status) == (None, "", "draft")
    invoice_draft_delete(invoice=draft)
    assert not Invoice.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit_price_ht_cents": -100}, "négatif"),
        ({"vat_rate_bp": 1900}, "n'existe pas"),
        ({"quantity": Decimal(0)}, "positive"),
        ({"quantity": Decimal("1.0001")}, "trois décimales"),
        ({"label": "  "}, "désignation"),
        ({"unit_price_ht_cents": 10**12}, "absurde"),
    ],
)
def test_bad_lines_are_refused_and_nothing_saved(seller, change, message):
    with pytest.raises(BillingError) as refused:
        invoice_create(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line(**change)])
    assert message in refused.value.message
    assert Invoice.objects.count() == 0


def test_franchise_seller_charges_no_vat():
    seller = LegalEntityFactory(franchise=True)
    with pytest.raises(BillingError, match="franchise"):
        invoice_create(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line()])
    done = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line(vat_rate_bp=0)], now=NOW
    )
    assert (done.total_vat_cents, done.total_ttc_cents) == (0, 2500)


def test_public_buyer_needs_siret_and_service_code(seller):
    commune = LegalEntityFactory(is_public_body=True, service_code="")
    with pytest.raises(BillingError, match="code service"):
        invoice_create(seller=seller, buyer=Buyer(entity=commune), lines=[desk_line()])


def test_issuing_twice_is_refused(seller):
    draft = invoice_draft(seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line()])
    invoice_issue(invoice=draft, now=NOW)
    with pytest.raises(BillingError, match="déjà émise"):
        invoice_issue(invoice=draft, now=NOW)
    assert Invoice.objects.get().number == 1


def test_issued_invoice_and_lines_cannot_change_even_in_raw_sql(seller):
    issued = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line()], now=NOW
    )
    line = issued.lines.get()
    attempts = [
        lambda: Invoice.objects.filter(pk=issued.pk).update(total_ttc_cents=1),
        lambda: Invoice.objects.filter(pk=issued.pk).delete(),
        lambda: InvoiceLine.objects.filter(pk=line.pk).update(net_cents=1),
        lambda: InvoiceLine.objects.filter(pk=line.pk).delete(),
        lambda: InvoiceLine.objects.create(
            invoice=issued,
            position=2,
            label="x",
            quantity=1,
            unit_price_ht_cents=1,
            net_cents=1,
            vat_rate_bp=0,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_invoice SET reference = 'X' WHERE id = %s", [issued.pk])
    with pytest.raises(BillingError, match="avoir"):
        invoice_draft_delete(invoice=issued)
    issued.refresh_from_db()
    assert issued.total_ttc_cents == 3000 and chain.verify(seller).ok


def test_credit_note_corrects_within_what_is_left(seller):
    original = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_line()], now=NOW
    )
    partial = credit_note_issue(
        original=original,
        reason="Une journée annulée",
        lines=[desk_line(quantity=Decimal(1))],
        now=NOW,
    )
    assert (partial.kind, partial.number, partial.corrects_id) == ("credit", 2, original.pk)
    assert partial.total_ttc_cents == 1500
    assert partial.buyer_data == original.buyer_data
    with pytest.raises(BillingError, match="reste à créditer"):
        credit_note_issue(original=original, reason="encore", now=NOW)
    rest = credit_note_issue(
        original=original, reason="solde", lines=[desk_line(quantity=Decimal(1))], now=NOW
    )
    assert rest.total_ttc_cents == 1500
    with pytest.raises(BillingError, match="motif"):
        credit_note_issue(original=original, reason=" ", now=NOW)


def test_closing_a_period_freezes_it(seller):
    buyer = Buyer(user=UserFactory())
    in_november = invoice_create(seller=seller, buyer=buyer, lines=[desk_line()], now=NOW)
    credit_note_issue(
        original=in_november, reason="geste", lines=[desk_line(quantity=Decimal(1))], now=NOW
    )
    december = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    period = period_close(
        seller=seller, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), now=december
    )
    assert (period.documents, period.first_number, period.last_number) == (2, 1, 2)
    assert (period.total_ttc_cents, period.perpetual_ttc_cents) == (1500, 1500)
    stored = (
        storages["archives"].open(archive.path_for(seller, period.starts_on, period.ends_on)).read()
    )
    assert archive.verify(stored) == []
    import hashlib

    assert hashlib.sha256(stored).hexdigest() == period.archive_sha256
    with pytest.raises(BillingError, match="déjà close"):
        period_close(
            seller=seller, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), now=december
        )
    # Issuing on a day of the closed period (a clock set back) is refused; the draft stays a draft.
    draft = invoice_draft(seller=seller, buyer=buyer, lines=[desk_line()])
    with pytest.raises(BillingError, match="close"):
        invoice_issue(invoice=draft, now=NOW)
    # The database refuses it too, without the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=draft.pk).update(
            status="issued", number=99, reference="F-99", issue_date=date(2026, 11, 15), hash="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountingPeriod.objects.filter(pk=period.pk).update(total_ttc_cents=0)
    assert invoice_issue(invoice=draft, now=december).number == 3
    # The next period must follow on; a period not yet over cannot be closed.
    with pytest.raises(BillingError, match="lendemain"):
        period_close(
            seller=seller,
            starts_on=date(2026, 12, 2),
            ends_on=date(2026, 12, 3),
            now=datetime(2026, 12, 10, tzinfo=UTC),
        )
    with pytest.raises(BillingError, match="terminée"):
        period_close(
            seller=seller, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31), now=december
        )
    second = period_close(
        seller=seller,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        now=datetime(2027, 1, 2, tzinfo=UTC),
    )
    assert second.previous_hash == period.hash
    assert second.perpetual_ttc_cents == 1500 + 3000
    assert chain.verify(seller).ok


def _untriggered(sql: str, params) -> None:
    """Tamper as an attacker with database access would: triggers off, then one UPDATE."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE billing_invoice DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE billing_invoice ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS billing_invoice_no_update")
            cursor.execute(sql, params)


def test_verify_reports_the_altered_document_and_the_broken_link(seller):
    buyer = Buyer(user=UserFactory())
    issued = [
        invoice_create(seller=seller, buyer=buyer, lines=[desk_line()], now=NOW) for _ in range(4)
    ]
    _untriggered(
        "UPDATE billing_invoice SET total_ht_cents = 100, total_ttc_cents = 600 WHERE id = %s",
        [issued[1].pk],
    )
    report = chain.verify(seller)
    assert report.altered == ["F-000002"]
    assert report.broken_links == []
    _untriggered(
        "UPDATE billing_invoice SET previous_hash = %s WHERE id = %s", ["0" * 64, issued[3].pk]
    )
    report = chain.verify(seller)
    assert (report.altered, report.broken_links) == (["F-000002", "F-000004"], ["F-000004"])
