"""Card payments through Stripe: checkout sessions over the recorded SDK transport, signed
webhooks verified by the SDK's own code, replays that never pay twice."""

import json
import time

import pytest

from maillage.billing.errors import BillingError
from maillage.payments.models import CheckoutSession, Payment, WebhookEvent
from maillage.payments.selectors import invoice_balance, is_paid
from maillage.payments.services import checkout_start, payment_record, refund_issue, webhook_receive
from tests.factories import UserFactory
from tests.payments.conftest import (
    NOW,
    PAYMENT_INTENT,
    stripe_event,
    stripe_fixture,
    stripe_provider,
    stripe_signature,
)

pytestmark = pytest.mark.django_db
COMPLETED = "event_checkout_session_completed"
SUCCEEDED = "event_payment_intent_succeeded"


def deliver(body: bytes, headers=None, provider=None):
    provider = provider or stripe_provider()[0]
    return webhook_receive(
        provider="stripe",
        body=body,
        headers=stripe_signature(body) if headers is None else headers,
        adapter=provider,
        now=NOW,
    )


def test_completed_session_records_one_card_payment(invoice):
    event = deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    payment = Payment.objects.get()
    assert (event.event_id, event.type, event.outcome, event.payment) == (
        "evt_1QabcdEfGhIjKlMn0pQrStUv",
        "checkout.session.completed",
        "paiement enregistré",
        payment,
    )
    assert (payment.method, payment.amount_cents, payment.provider, payment.provider_ref) == (
        "online_card",
        1500,
        "stripe",
        PAYMENT_INTENT,
    )
    assert is_paid(invoice)


def test_replays_and_a_second_event_of_the_same_payment_pay_once(invoice):
    reference = str(invoice.public_id)
    completed = stripe_event(COMPLETED, invoice_ref=reference)
    first = deliver(completed)
    assert deliver(completed).pk == first.pk
    other = deliver(stripe_event(SUCCEEDED, invoice_ref=reference))
    assert other.outcome == "paiement déjà enregistré"
    assert other.payment == first.payment
    assert Payment.objects.count() == 1
    assert WebhookEvent.objects.count() == 2
    assert invoice_balance(invoice).paid_cents == 1500


def test_unknown_invoice_is_logged_and_answered_without_payment(invoice):
    for reference in ("5d0c9b0e-0000-4000-8000-000000000000", "pas-un-uuid"):
        body = stripe_event(COMPLETED, invoice_ref=reference, id=f"evt_{reference[:8]}")
        assert deliver(body).outcome == "facture inconnue"
    assert Payment.objects.count() == 0
    assert WebhookEvent.objects.count() == 2


@pytest.mark.parametrize(
    "tamper",
    [
        "wrong_secret",
        "tampered_body",
        "stale_timestamp",
        "no_header",
        "garbage_header",
    ],
)
def test_bad_signatures_are_refused_and_store_nothing(invoice, tamper, caplog):
    body = stripe_event(COMPLETED, invoice_ref=str(invoice.public_id))
    headers = {
        "wrong_secret": stripe_signature(body, secret="whsec_someone_else"),
        "tampered_body": stripe_signature(body),
        "stale_timestamp": stripe_signature(body, timestamp=int(time.time()) - 301),
        "no_header": {},
        "garbage_header": {"Stripe-Signature": "t=abc,v1=zz"},
    }[tamper]
    if tamper == "tampered_body":
        body = body.replace(b"1500", b"1")
    with pytest.raises(BillingError) as refused:
        deliver(body, headers)
    assert (refused.value.status, refused.value.code) == (400, "signature")
    assert Payment.objects.count() == 0 and WebhookEvent.objects.count() == 0
    assert "webhook refused (stripe)" in caplog.text


def test_overpayment_by_card_is_recorded_and_flagged(invoice, team_member):
    payment_record(
        actor=team_member,
        invoice=invoice,
        method="cash",
        amount_cents=1000,
        received_on=NOW.date(),
        now=NOW,
    )
    event = deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    assert event.outcome == "paiement enregistré, trop-perçu de 10,00\u00a0€"
    assert invoice_balance(invoice).due_cents == -1000


def test_checkout_start_calls_stripe_once_with_an_idempotency_key(invoice, buyer, settings):
    settings.MAILLAGE_SITE_URL = "https://maillage.example"
    recorded = stripe_fixture("checkout_session")
    provider, http = stripe_provider((200, recorded))
    session = checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW)
    assert (session.provider_id, session.url, session.amount_cents, session.status) == (
        recorded["id"],
        recorded["url"],
        1500,
        "open",
    )
    assert session.expires_at.timestamp() == recorded["expires_at"]
    (call,) = http.calls
    assert (call["method"], call["url"]) == ("post", "https://api.stripe.com/v1/checkout/sessions")
    assert call["headers"]["Idempotency-Key"] == f"maillage-checkout-{invoice.public_id}-1"
    assert "line_items[0][price_data][unit_amount]=1500" in call["data"]
    assert f"metadata[invoice]={invoice.public_id}" in call["data"]
    assert "success_url=https%3A%2F%2Fmaillage.example%2Ffactures%2F" in call["data"]
    # A second click while the session is open: the same session, no second call.
    assert checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW).pk == session.pk
    assert len(http.calls) == 1 and CheckoutSession.objects.count() == 1
    deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    session.refresh_from_db()
    assert session.status == "paid"
    with pytest.raises(BillingError, match="déjà réglée"):
        checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW)


def test_checkout_start_refusals(invoice, buyer, team_member):
    provider, _http = stripe_provider()
    for stranger in (UserFactory(), team_member):
        with pytest.raises(BillingError) as refused:
            checkout_start(user=stranger, invoice=invoice, provider=provider, now=NOW)
        assert refused.value.status == 404
    provider, _http = stripe_provider(
        (402, {"error": {"type": "invalid_request_error", "message": "Nope"}})
    )
    with pytest.raises(BillingError, match="ne répond pas") as refused:
        checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW)
    assert refused.value.status == 502
    assert CheckoutSession.objects.count() == 0


def test_card_refund_goes_to_stripe_with_a_credit_note(invoice, team_member):
    deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    provider, http = stripe_provider((200, stripe_fixture("refund")))
    note, refund = refund_issue(
        actor=team_member,
        invoice=invoice,
        amount_cents=None,
        reason="Annulation",
        provider=provider,
        now=NOW,
    )
    (call,) = http.calls
    assert call["url"] == "https://api.stripe.com/v1/refunds"
    assert call["data"] == f"payment_intent={PAYMENT_INTENT}&amount=1500"
    origin = Payment.objects.get(kind="payment")
    assert call["headers"]["Idempotency-Key"] == f"maillage-refund-{origin.public_id}-1"
    assert (refund.provider, refund.provider_ref, refund.amount_cents) == (
        "stripe",
        "re_3QabcdEfGhIjKlMn1OpQrStU",
        1500,
    )
    assert (note.kind, note.total_ttc_cents) == ("credit", 1500)


def test_refused_card_refund_leaves_no_credit_note(invoice, team_member):
    deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    provider, _http = stripe_provider(
        (400, {"error": {"type": "invalid_request_error", "message": "charge_already_refunded"}})
    )
    with pytest.raises(BillingError) as refused:
        refund_issue(
            actor=team_member, invoice=invoice, amount_cents=None, reason="x", provider=provider
        )
    assert refused.value.status == 502
    assert invoice.credit_notes.count() == 0
    assert Payment.objects.filter(kind="refund").count() == 0


def test_fixture_events_are_parsed_by_the_sdk_as_stripe_objects():
    """The recorded payloads are real Stripe shapes: the SDK builds typed objects from them."""
    import stripe

    for name in (COMPLETED, SUCCEEDED):
        body = json.dumps(stripe_fixture(name))
        event = stripe.Webhook.construct_event(
            body,
            stripe_signature(body.encode())["Stripe-Signature"],
            "whsec_test_maillage_0123456789",
        )
        assert event.object == "event"
        assert event.data.object.object in ("checkout.session", "payment_intent")


def test_unpaid_completion_waits_for_the_async_success(invoice):
    """A session completed with a delayed method (payment_status « unpaid ») pays nothing;
    its checkout.session.async_payment_succeeded does."""
    reference = str(invoice.public_id)
    pending = json.loads(stripe_event(COMPLETED, invoice_ref=reference))
    pending["data"]["object"]["payment_status"] = "unpaid"
    assert deliver(json.dumps(pending).encode()).outcome == "paiement non abouti"
    assert Payment.objects.count() == 0
    settled = json.loads(stripe_event(COMPLETED, invoice_ref=reference))
    settled.update(id="evt_async_1", type="checkout.session.async_payment_succeeded")
    assert deliver(json.dumps(settled).encode()).outcome == "paiement enregistré"
    assert Payment.objects.get().provider_ref == PAYMENT_INTENT


def test_logged_events_cannot_change(invoice):
    from django.db import IntegrityError, transaction

    event = deliver(stripe_event(COMPLETED, invoice_ref=str(invoice.public_id)))
    for attempt in (
        lambda: WebhookEvent.objects.filter(pk=event.pk).update(outcome="effacé"),
        lambda: WebhookEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.outcome == "paiement enregistré"


def test_a_part_paid_meanwhile_opens_a_new_session_for_the_rest(invoice, buyer, team_member):
    first = stripe_fixture("checkout_session")
    second = first | {"id": "cs_test_second", "amount_total": 1000}
    provider, http = stripe_provider((200, first), (200, second))
    old = checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW)
    payment_record(
        actor=team_member,
        invoice=invoice,
        method="cash",
        amount_cents=500,
        received_on=NOW.date(),
        now=NOW,
    )
    new = checkout_start(user=buyer, invoice=invoice, provider=provider, now=NOW)
    assert (new.provider_id, new.amount_cents, new.attempt) == ("cs_test_second", 1000, 2)
    assert http.calls[1]["headers"]["Idempotency-Key"] == f"maillage-checkout-{invoice.public_id}-2"
    old.refresh_from_db()
    assert old.status == "expired"


def test_a_signed_body_that_is_not_an_event_is_refused(invoice):
    for body in (
        b'{"id": "evt_x", "object": "event", "type": "checkout.session.completed"}',
        b"[]",
    ):
        with pytest.raises(BillingError) as refused:
            deliver(body)
        assert refused.value.status == 400
    assert WebhookEvent.objects.count() == 0
