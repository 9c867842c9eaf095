"""An offline provider for `./dev run` and the flow tests: deterministic ids (the same
idempotency key gives the same object, as at a real provider), a payment page served by
maillage itself (`payments:fake_checkout`), webhooks signed with HMAC-SHA256 like Stripe's."""

import hashlib
import hmac
import json
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from maillage.payments.providers import CheckoutCreated, ProviderEvent, WebhookRefused

SIGNATURE_HEADER = "X-Fake-Signature"


def _secret() -> bytes:
    return hashlib.sha256(b"fake-payments:" + settings.SECRET_KEY.encode()).digest()


def _id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:24]


def sign(body: bytes) -> str:
    return hmac.new(_secret(), body, hashlib.sha256).hexdigest()


def event_body(*, event_id: str, type: str, **fields) -> bytes:
    """A notification as the fake provider sends it (the simulated payment page uses it)."""
    return json.dumps({"id": event_id, "type": type, **fields}, sort_keys=True).encode()


class FakeProvider:
    name = "fake"

    def create_checkout(
        self,
        *,
        invoice,
        amount_cents: int,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutCreated:
        session_id = _id("fake_cs_", idempotency_key)
        return CheckoutCreated(
            provider_id=session_id,
            url=reverse("payments:fake_checkout", kwargs={"session_id": session_id}),
            expires_at=timezone.now() + timedelta(hours=1),
        )

    def verify_webhook(self, body: bytes, headers) -> ProviderEvent:
        given = headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(given, sign(body)):
            raise WebhookRefused("bad fake signature")
        try:
            data = json.loads(body)
            return ProviderEvent(
                event_id=str(data["id"]),
                type=str(data["type"]),
                invoice_ref=str(data.get("invoice", "")),
                payment_ref=str(data.get("payment_ref", "")),
                session_id=str(data.get("session_id", "")),
                amount_cents=int(data.get("amount_cents", 0)),
                currency=str(data.get("currency", "eur")),
                paid=bool(data.get("paid", True)),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookRefused("unreadable fake event") from error

    def refund(self, *, provider_ref: str, amount_cents: int, idempotency_key: str) -> str:
        return _id("fake_re_", idempotency_key)
