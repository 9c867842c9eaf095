"""Fixtures of the payment tests: a seller with its team, an issued invoice, Stripe payloads
from tests/payments/fixtures signed with Stripe's published scheme, and a recorded HTTP client
for the Stripe SDK (no network)."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import stripe

from maillage.billing.services import Buyer, LineInput, invoice_create
from maillage.payments.providers.stripe import StripeProvider
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK_SECRET = "whsec_test_maillage_0123456789"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PAYMENT_INTENT = "pi_3QabcdEfGhIjKlMn1AbCdEfG"


def stripe_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def stripe_event(name: str, *, invoice_ref: str, amount: int = 1500, **changes) -> bytes:
    """A recorded Stripe event naming our invoice in its metadata, as Stripe sends it."""
    event = stripe_fixture(name)
    obj = event["data"]["object"]
    obj["metadata"]["invoice"] = invoice_ref
    if "amount_total" in obj:
        obj["amount_total"] = obj["amount_subtotal"] = amount
    if "amount_received" in obj:
        obj["amount_received"] = obj["amount"] = amount
    event.update(changes)
    return json.dumps(event, indent=2).encode()


def stripe_signature(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """Stripe's published scheme: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={digest}"}


class RecordedHTTP(stripe.HTTPClient):
    """Answers the SDK with recorded Stripe objects and keeps what it was asked."""

    name = "recorded"

    def __init__(self, *responses: tuple[int, dict]):
        super().__init__()
        self.responses = list(responses)
        self.calls: list[dict] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.calls.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "data": post_data}
        )
        status, body = self.responses.pop(0)
        return json.dumps(body), status, {"Request-Id": f"req_test_{len(self.calls)}"}

    def close(self):
        pass


def stripe_provider(*responses: tuple[int, dict]) -> tuple[StripeProvider, RecordedHTTP]:
    http = RecordedHTTP(*responses)
    return (
        StripeProvider(
            secret_key="sk_test_maillage", webhook_secret=WEBHOOK_SECRET, http_client=http
        ),
        http,
    )


def day_line(ttc_cents: int = 1500, rate: int = 2000, **kw) -> LineInput:
    return LineInput.from_ttc(
        label="Poste en espace partagé, journée",
        unit_price_ttc_cents=ttc_cents,
        vat_rate_bp=rate,
        **kw,
    )


@pytest.fixture
def team_member():
    return UserFactory()


@pytest.fixture
def seller(team_member):
    return LegalEntityFactory(organisation=OrganisationFactory(managers=[team_member]))


@pytest.fixture
def buyer():
    return UserFactory()


@pytest.fixture
def invoice(seller, buyer):
    """F-000001: one day at 15,00 € TTC (12,50 € HT + 2,50 € VAT)."""
    return invoice_create(seller=seller, buyer=Buyer(user=buyer), lines=[day_line()], now=NOW)
