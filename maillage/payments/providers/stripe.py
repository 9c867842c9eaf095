"""Stripe, through its official SDK: Checkout Sessions, signed webhooks, refunds.

The webhook signature is checked by `stripe.Webhook.construct_event` (HMAC-SHA256 of
"<timestamp>.<body>", five minutes of tolerance), never by our own code. `http_client` lets the
tests hand the SDK recorded responses instead of the network.
"""

from datetime import UTC, datetime

import stripe

from maillage.payments.providers import (
    CheckoutCreated,
    ProviderError,
    ProviderEvent,
    WebhookRefused,
)

# No `expires_at` sent: Stripe's default (24 hours) keeps the parameters of two calls with one
# idempotency key identical, which Stripe requires; the session's own expiry is read back.


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        http_client: stripe.HTTPClient | None = None,
        tolerance: int = stripe.Webhook.DEFAULT_TOLERANCE,
    ):
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance
        self.client = stripe.StripeClient(
            secret_key or "sk_not_configured", http_client=http_client, max_network_retries=2
        )

    def create_checkout(
        self,
        *,
        invoice,
        amount_cents: int,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutCreated:
        reference = str(invoice.public_id)
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": amount_cents,
                        "product_data": {"name": f"Facture {invoice.reference}"},
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": reference,
            "metadata": {"invoice": reference},
            "payment_intent_data": {"metadata": {"invoice": reference}},
            "locale": "fr",
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error.user_message or error)) from error
        return CheckoutCreated(
            provider_id=session.id,
            url=session.url,
            expires_at=datetime.fromtimestamp(session.expires_at, UTC),
        )

    def verify_webhook(self, body: bytes, headers) -> ProviderEvent:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature"), self.webhook_secret, self.tolerance
            )
        except stripe.SignatureVerificationError as error:
            raise WebhookRefused(str(error)) from error
        except (ValueError, AttributeError, KeyError, TypeError) as error:
            # Signed, but not JSON or not an event (UnicodeDecodeError is a ValueError).
            raise WebhookRefused(f"unreadable event: {error!r}") from error
        try:
            return self._read(event)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # Signed, but not an event we can read: refused like a bad one (never a 500).
            raise WebhookRefused(f"unreadable event: {error!r}") from error

    @staticmethod
    def _read(event) -> ProviderEvent:
        obj = event.data.object.to_dict()
        metadata = obj.get("metadata") or {}
        if event.type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
            return ProviderEvent(
                event_id=event.id,
                type=event.type,
                invoice_ref=metadata.get("invoice", "") or obj.get("client_reference_id") or "",
                payment_ref=obj.get("payment_intent") or "",
                session_id=obj.get("id", ""),
                amount_cents=int(obj.get("amount_total") or 0),
                currency=obj.get("currency", ""),
                paid=obj.get("payment_status") == "paid",
            )
        if event.type == "payment_intent.succeeded":
            return ProviderEvent(
                event_id=event.id,
                type=event.type,
                invoice_ref=metadata.get("invoice", ""),
                payment_ref=obj.get("id", ""),
                amount_cents=int(obj.get("amount_received") or 0),
                currency=obj.get("currency", ""),
                paid=obj.get("status") == "succeeded",
            )
        if event.type in ("checkout.session.expired", "checkout.session.async_payment_failed"):
            return ProviderEvent(event_id=event.id, type=event.type, session_id=obj.get("id", ""))
        return ProviderEvent(event_id=event.id, type=event.type)

    def refund(self, *, provider_ref: str, amount_cents: int, idempotency_key: str) -> str:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": provider_ref, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error.user_message or error)) from error
        return refund.id
