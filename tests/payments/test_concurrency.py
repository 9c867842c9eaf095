"""Replays on real connections: ten simultaneous deliveries of one Stripe event, and of two
events about the same payment, record one payment (SQLite and PostgreSQL)."""

import pytest

from maillage.billing.services import Buyer, invoice_create
from maillage.payments.models import CheckoutSession, Payment, WebhookEvent
from maillage.payments.services import checkout_start, payment_record, webhook_receive
from tests.concurrency import race
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory
from tests.payments.conftest import NOW, day_line, stripe_event, stripe_provider, stripe_signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team_invoice(reference_geography):
    member = UserFactory()
    seller = LegalEntityFactory(organisation=OrganisationFactory(managers=[member]))
    invoice = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[day_line()], now=NOW
    )
    return member, invoice


def deliver(body):
    headers = stripe_signature(body)
    return lambda: (
        webhook_receive(
            provider="stripe",
            body=body,
            headers=headers,
            adapter=stripe_provider()[0],
            now=NOW,
        ).event_id
    )


def test_ten_deliveries_of_one_event_pay_once(team_invoice):
    _member, invoice = team_invoice
    completed = stripe_event("event_checkout_session_completed", invoice_ref=str(invoice.public_id))
    succeeded = stripe_event("event_payment_intent_succeeded", invoice_ref=str(invoice.public_id))
    outcomes = race([deliver(completed) for _ in range(7)] + [deliver(succeeded) for _ in range(3)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    assert Payment.objects.count() == 1
    assert Payment.objects.get().amount_cents == 1500
    assert WebhookEvent.objects.count() == 2


def test_ten_clicks_with_one_key_record_one_payment(team_invoice):
    member, invoice = team_invoice
    outcomes = race(
        [
            lambda: (
                payment_record(
                    actor=member,
                    invoice=invoice,
                    method="cash",
                    amount_cents=1500,
                    received_on=NOW.date(),
                    idempotency_key="formulaire-1",
                    now=NOW,
                ).pk
            )
            for _ in range(10)
        ]
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    assert len({pk for _, pk in outcomes}) == 1
    assert Payment.objects.count() == 1


def test_ten_simultaneous_clicks_on_payer_open_one_session(team_invoice, settings):
    settings.MAILLAGE_PAYMENT_PROVIDER = "fake"
    _member, invoice = team_invoice
    buyer = invoice.buyer_user
    outcomes = race(
        [lambda: checkout_start(user=buyer, invoice=invoice, now=NOW).pk for _ in range(10)]
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    assert len({pk for _, pk in outcomes}) == 1
    assert CheckoutSession.objects.count() == 1
