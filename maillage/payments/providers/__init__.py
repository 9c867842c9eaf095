"""Online card payment providers behind one small interface (docs/decisions/0028).

A provider opens a hosted payment page (`create_checkout`), tells us what happened through a
signed webhook (`verify_webhook`, checked with the provider's own code) and refunds
(`refund`). Every call that moves money carries an idempotency key derived from our own rows, so
a retry after a crash or a double click reaches the same object at the provider.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings

PAYMENT_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "payment_intent.succeeded",
)


class ProviderError(Exception):
    """The provider refused or could not be reached: nothing was done on our side."""


class WebhookRefused(Exception):
    """The body is not signed by the provider (bad secret, tampered body, stale timestamp)."""


@dataclass(frozen=True)
class CheckoutCreated:
    provider_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class ProviderEvent:
    """A verified notification, in our terms. `payment_ref` is what identifies the money at
    the provider (a Stripe PaymentIntent): the same for every event about one payment."""

    event_id: str
    type: str
    invoice_ref: str = ""
    payment_ref: str = ""
    session_id: str = ""
    amount_cents: int = 0
    currency: str = ""
    paid: bool = False


class PaymentProvider(Protocol):
    name: str

    def create_checkout(
        self,
        *,
        invoice,
        amount_cents: int,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutCreated: ...

    def verify_webhook(self, body: bytes, headers) -> ProviderEvent: ...

    def refund(self, *, provider_ref: str, amount_cents: int, idempotency_key: str) -> str: ...


def get_provider(name: str | None = None) -> PaymentProvider | None:
    """The configured provider (MAILLAGE_PAYMENT_PROVIDER), or None when online payment is off
    or `name` is not the configured one."""
    configured = settings.MAILLAGE_PAYMENT_PROVIDER
    if not configured or (name is not None and name != configured):
        return None
    if configured == "stripe":
        from maillage.payments.providers.stripe import StripeProvider

        return StripeProvider(
            secret_key=settings.MAILLAGE_STRIPE_SECRET_KEY,
            webhook_secret=settings.MAILLAGE_STRIPE_WEBHOOK_SECRET,
        )
    if configured == "fake":
        from maillage.payments.providers.fake import FakeProvider

        return FakeProvider()
    return None
