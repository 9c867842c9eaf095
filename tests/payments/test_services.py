"""Recording payments, balances, refunds with credit notes, the append-only rows."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from maillage.audit.models import AuditEvent
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice
from maillage.billing.services import Buyer, credit_note_issue, invoice_create, invoice_draft
from maillage.payments.models import Payment
from maillage.payments.providers.fake import FakeProvider
from maillage.payments.selectors import Balance, invoice_balance, is_paid
from maillage.payments.services import payment_record, refund_issue
from tests.factories import UserFactory
from tests.payments.conftest import NOW, day_line

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)


def record(invoice, actor, **kw):
    args = {"method": "cash", "amount_cents": 1500, "received_on": TODAY, "now": NOW} | kw
    return payment_record(actor=actor, invoice=invoice, **args)


def test_record_part_then_rest_settles_the_invoice(invoice, team_member):
    assert invoice_balance(invoice) == Balance(1500, 0, 0, 0, 1500)
    first = record(invoice, team_member, amount_cents=1000, method="transfer")
    assert (first.kind, first.method, first.amount_cents, first.recorded_by) == (
        "payment",
        "transfer",
        1000,
        team_member,
    )
    assert invoice_balance(invoice).due_cents == 500 and not is_paid(invoice)
    record(invoice, team_member, amount_cents=500)
    assert invoice_balance(invoice) == Balance(1500, 0, 1500, 0, 0)
    assert is_paid(invoice)
    assert AuditEvent.objects.filter(action="payment.record").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount_cents": 0}, "positif"),
        ({"amount_cents": -500}, "positif"),
        ({"amount_cents": 1501}, "dépasse ce qui reste dû (15,00\u00a0€)"),
        ({"amount_cents": 10**12}, "absurde"),
        ({"amount_cents": "15"}, "illisible"),
        ({"received_on": TODAY + timedelta(days=1)}, "futur"),
        ({"method": "online_card"}, "Moyen de paiement inconnu"),
        ({"method": "bitcoin"}, "Moyen de paiement inconnu"),
    ],
)
def test_record_refusals_save_nothing(invoice, team_member, change, message):
    with pytest.raises(BillingError) as refused:
        record(invoice, team_member, **change)
    assert message in refused.value.message
    assert Payment.objects.count() == 0


def test_record_refuses_paid_draft_and_credit_note(invoice, seller, buyer, team_member):
    record(invoice, team_member)
    with pytest.raises(BillingError, match="déjà réglée") as refused:
        record(invoice, team_member, amount_cents=1)
    assert refused.value.status == 409
    draft = invoice_draft(seller=seller, buyer=Buyer(user=buyer), lines=[day_line()])
    with pytest.raises(BillingError, match="brouillon"):
        record(draft, team_member)
    other = invoice_create(seller=seller, buyer=Buyer(user=buyer), lines=[day_line()], now=NOW)
    note = credit_note_issue(original=other, reason="geste", now=NOW)
    with pytest.raises(BillingError, match="Un avoir ne se paie pas"):
        record(note, team_member)
    assert invoice_balance(note).due_cents == -1500
    assert not is_paid(note) and not is_paid(other)
    assert Payment.objects.count() == 1


def test_record_by_someone_outside_the_team_is_not_found(invoice, buyer):
    for outsider in (buyer, UserFactory()):
        with pytest.raises(BillingError) as refused:
            record(invoice, outsider)
        assert refused.value.status == 404
    assert Payment.objects.count() == 0


def test_double_click_gives_back_the_first_payment(invoice, team_member):
    first = record(invoice, team_member, amount_cents=700, idempotency_key="clic-1")
    again = record(invoice, team_member, amount_cents=700, idempotency_key="clic-1")
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    record(invoice, team_member, amount_cents=800, idempotency_key="clic-2")
    assert invoice_balance(invoice).due_cents == 0


def test_recorded_payments_cannot_change_even_in_raw_sql(invoice, team_member):
    payment = record(invoice, team_member)
    attempts = [
        lambda: Payment.objects.filter(pk=payment.pk).update(amount_cents=1),
        lambda: Payment.objects.filter(pk=payment.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    for sql in (
        "UPDATE payments_payment SET amount_cents = 1 WHERE id = %s",
        "DELETE FROM payments_payment WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [payment.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            invoice=invoice, kind="payment", method="cash", amount_cents=-5, received_on=TODAY
        )
    payment.refresh_from_db()
    assert payment.amount_cents == 1500


def test_refund_part_of_a_cash_payment_issues_a_credit_note(invoice, team_member):
    paid = record(invoice, team_member)
    note, refund = refund_issue(
        actor=team_member, invoice=invoice, amount_cents=600, reason="Demi-journée", now=NOW
    )
    assert (note.kind, note.corrects_id, note.total_ttc_cents, note.reason) == (
        "credit",
        invoice.pk,
        600,
        "Demi-journée",
    )
    assert (note.total_ht_cents, note.total_vat_cents) == (500, 100)
    assert (
        refund.kind,
        refund.method,
        refund.amount_cents,
        refund.refund_of,
        refund.credit_note,
    ) == (
        "refund",
        "cash",
        600,
        paid,
        note,
    )
    assert invoice_balance(invoice) == Balance(1500, 600, 1500, 600, 0)
    with pytest.raises(BillingError, match="plus que ce qui a été payé \\(9,00"):
        refund_issue(actor=team_member, invoice=invoice, amount_cents=901, reason="x", now=NOW)
    rest, last = refund_issue(
        actor=team_member, invoice=invoice, amount_cents=None, reason="Annulé", now=NOW
    )
    assert (rest.total_ttc_cents, last.amount_cents) == (900, 900)
    assert invoice_balance(invoice) == Balance(1500, 1500, 1500, 1500, 0)
    assert Invoice.objects.filter(kind="credit").count() == 2


def test_refund_refusals_leave_no_credit_note(invoice, team_member, buyer):
    with pytest.raises(BillingError, match="Rien n'a été payé"):
        refund_issue(actor=team_member, invoice=invoice, amount_cents=None, reason="x", now=NOW)
    record(invoice, team_member)
    with pytest.raises(BillingError, match="motif"):
        refund_issue(actor=team_member, invoice=invoice, amount_cents=100, reason=" ", now=NOW)
    with pytest.raises(BillingError, match="positif"):
        refund_issue(actor=team_member, invoice=invoice, amount_cents=-100, reason="x", now=NOW)
    with pytest.raises(BillingError) as refused:
        refund_issue(actor=buyer, invoice=invoice, amount_cents=100, reason="x", now=NOW)
    assert refused.value.status == 404
    assert Invoice.objects.filter(kind="credit").count() == 0
    assert Payment.objects.filter(kind="refund").count() == 0


def test_full_refund_of_a_two_rate_invoice_credits_it_whole(seller, buyer, team_member):
    invoice = invoice_create(
        seller=seller,
        buyer=Buyer(user=buyer),
        lines=[day_line(), day_line(ttc_cents=1100, rate=1000)],
        now=NOW,
    )
    record(invoice, team_member, amount_cents=2600)
    note, refund = refund_issue(
        actor=team_member, invoice=invoice, amount_cents=None, reason="Annulé", now=NOW
    )
    assert note.lines.count() == 2 and note.total_ttc_cents == 2600
    assert refund.amount_cents == 2600


def test_online_refund_goes_through_the_provider(invoice, team_member):
    online = Payment.objects.create(
        invoice=invoice,
        kind="payment",
        method="online_card",
        amount_cents=1500,
        received_on=TODAY,
        provider="fake",
        provider_ref="fake_pi_1",
    )
    note, refund = refund_issue(
        actor=team_member,
        invoice=invoice,
        amount_cents=None,
        reason="Annulé",
        provider=FakeProvider(),
        now=NOW,
    )
    assert refund.provider == "fake" and refund.provider_ref.startswith("fake_re_")
    assert (refund.method, refund.refund_of) == ("online_card", online)
    assert note.total_ttc_cents == 1500
