"""Payment pages: who sees them (404 for the others), the forms, the webhook endpoint."""

import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.payments.models import CheckoutSession, Payment, WebhookEvent
from maillage.payments.providers import fake
from maillage.payments.selectors import is_paid
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import LegalEntityFactory, UserFactory
from tests.payments.conftest import stripe_event, stripe_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_provider(settings):
    settings.MAILLAGE_PAYMENT_PROVIDER = "fake"
    settings.MAILLAGE_SITE_URL = "http://testserver"


def test_pay_page_is_for_the_buyer_only(client, invoice, buyer, team_member):
    url = reverse("payments:pay", kwargs={"public_id": invoice.public_id})
    for other in (UserFactory(), team_member):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    client.force_login(UserFactory())
    missing = reverse("payments:pay", kwargs={"public_id": uuid.uuid4()})
    assert client.get(missing).status_code == 404
    client.force_login(buyer)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Reste dû</dt><dd>15,00\u00a0€" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text and "F-000001" in text
    assert 'src="data:image/svg+xml' in text
    assert "par carte" not in text  # no provider configured


def test_pay_by_card_with_the_fake_provider(client, invoice, buyer, fake_provider):
    client.force_login(buyer)
    url = reverse("payments:pay", kwargs={"public_id": invoice.public_id})
    assert "Payer 15,00\u00a0€ par carte" in client.get(url).content.decode()
    first = client.post(url)
    second = client.post(url)
    session = CheckoutSession.objects.get()
    assert first.status_code == 302 and first["Location"] == session.url
    assert second["Location"] == session.url
    back = reverse("payments:pay_return", kwargs={"public_id": invoice.public_id})
    waiting = client.get(back).content.decode()
    assert "Paiement en cours de confirmation" in waiting
    assert client.post(session.url)["Location"] == back
    assert is_paid(invoice)
    assert "Facture F-000001 réglée" in client.get(back).content.decode()
    assert client.post(url).status_code == 302
    assert Payment.objects.count() == 1


def test_record_form_and_its_refusals(client, invoice, team_member, buyer):
    url = reverse("payments:record", kwargs={"public_id": invoice.public_id})
    client.force_login(buyer)
    assert client.get(url).status_code == 404
    client.force_login(team_member)
    page = client.get(url)
    key = page.context["form"].initial["cle"]
    assert page.context["form"].initial["montant"] == "15,00"
    posted = {"moyen": "cheque", "montant": "20", "date": "2026-11-30", "cle": key}
    refused = client.post(url, posted)
    assert refused.status_code == 400
    assert "Le montant dépasse ce qui reste dû (15,00\u00a0€)." in refused.content.decode()
    for bad in (
        {"montant": "-3"},
        {"montant": "abc"},
        {"montant": "1,234"},
        {"date": "3000-01-01"},
    ):
        assert client.post(url, posted | bad).status_code == 400
    posted["montant"] = "15,00"
    assert client.post(url, posted).status_code == 302
    assert client.post(url, posted).status_code == 302  # the double click
    assert Payment.objects.get().method == "cheque"


def test_refund_form_issues_a_credit_note(client, invoice, team_member):
    client.force_login(team_member)
    record = reverse("payments:record", kwargs={"public_id": invoice.public_id})
    client.post(record, {"moyen": "cash", "montant": "15", "date": "2026-11-30", "cle": "k"})
    url = reverse("payments:refund", kwargs={"public_id": invoice.public_id})
    assert client.post(url, {"montant": "", "motif": ""}).status_code == 400
    done = client.post(url, {"montant": "5,00", "motif": "Geste commercial"})
    assert done.status_code == 302
    refund = Payment.objects.get(kind="refund")
    assert (refund.amount_cents, refund.credit_note.reason) == (500, "Geste commercial")


def test_webhook_endpoint(client, invoice, settings):
    settings.MAILLAGE_PAYMENT_PROVIDER = "stripe"
    settings.MAILLAGE_STRIPE_WEBHOOK_SECRET = "whsec_test_maillage_0123456789"
    url = reverse("payments:webhook", kwargs={"provider": "stripe"})
    body = stripe_event("event_checkout_session_completed", invoice_ref=str(invoice.public_id))
    bad = client.post(
        url, body, content_type="application/json", headers={"Stripe-Signature": "t=1,v1=00"}
    )
    assert bad.status_code == 400 and WebhookEvent.objects.count() == 0
    assert client.get(url).status_code == 405
    other = reverse("payments:webhook", kwargs={"provider": "paypal"})
    assert client.post(other, body, content_type="application/json").status_code == 404
    signature = stripe_signature(body)["Stripe-Signature"]
    for _ in range(2):
        ok = client.post(
            url, body, content_type="application/json", headers={"Stripe-Signature": signature}
        )
        assert ok.status_code == 200
        assert ok.json() == {"recu": True, "suite": "paiement enregistré"}
    assert Payment.objects.count() == 1
    huge = client.post(url, b"x" * 300_000, content_type="application/json")
    assert huge.status_code == 413


def test_fake_webhook_signature(client, invoice, fake_provider):
    url = reverse("payments:webhook", kwargs={"provider": "fake"})
    body = fake.event_body(
        event_id="fake_evt_1",
        type="checkout.session.completed",
        invoice=str(invoice.public_id),
        payment_ref="fake_pi_1",
        amount_cents=1500,
    )
    headers = {fake.SIGNATURE_HEADER: "0" * 64}
    assert (
        client.post(url, body, content_type="application/json", headers=headers).status_code == 400
    )
    headers = {fake.SIGNATURE_HEADER: fake.sign(body)}
    assert (
        client.post(url, body, content_type="application/json", headers=headers).status_code == 200
    )
    assert is_paid(invoice)


def test_settle_booking_page(client, place, manager):
    from maillage.booking.services import BookingRequest, booking_create

    booking, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=make_resource(place), day=TUESDAY, slot="day"),
        now=NOW,
    )
    url = reverse("payments:settle_booking", kwargs={"public_id": booking.public_id})
    detail = reverse("booking:detail", kwargs={"public_id": booking.public_id})
    client.force_login(UserFactory())
    assert client.post(url, {"moyen": "cash"}).status_code == 404
    client.force_login(manager)
    missing = client.post(url, {"moyen": "cash"}, follow=True)
    assert (
        escape("Renseignez d'abord l'identité de facturation du lieu.") in missing.content.decode()
    )
    LegalEntityFactory(organisation=place.operator)
    assert client.post(url, {"moyen": "espèces"}).status_code == 302
    assert Payment.objects.count() == 0
    done = client.post(url, {"moyen": "cash"}, follow=True)
    assert done.redirect_chain == [(detail, 302)]
    assert "Réservation encaissée : facture F-000001 de 15,00 €." in done.content.decode()
    assert Payment.objects.get().amount_cents == 1500
    assert client.get(url).status_code == 405


def test_employer_admin_pays_the_employer_invoice(client, seller):
    from maillage.billing.services import Buyer, invoice_create
    from maillage.employers.models import Employer
    from tests.payments.conftest import day_line

    admin, employee = UserFactory(), UserFactory()
    employer = Employer.objects.create(entity=LegalEntityFactory(name="Société Cliente"))
    employer.admins.add(admin)
    invoice = invoice_create(
        seller=seller, buyer=Buyer(entity=employer.entity), lines=[day_line()], now=NOW
    )
    url = reverse("payments:pay", kwargs={"public_id": invoice.public_id})
    client.force_login(employee)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["balance"].due_cents == 1500


@pytest.mark.parametrize("count", [1, 3])
def test_record_page_queries_do_not_grow_with_payments(
    client, invoice, team_member, count, django_assert_num_queries
):
    from maillage.payments.services import payment_record

    for _ in range(count):
        payment_record(
            actor=team_member,
            invoice=invoice,
            method="cash",
            amount_cents=100,
            received_on=NOW.date(),
            now=NOW,
        )
    client.force_login(team_member)
    url = reverse("payments:record", kwargs={"public_id": invoice.public_id})
    # Session and user, permissions (coordinator group, organisations), the invoice, its
    # credit notes and payment sums, the payments with their credit notes: 13 whatever the count.
    with django_assert_num_queries(16):
        page = client.get(url)
    assert len(page.context["payments"]) == count


def test_settle_form_tag_shows_the_form_then_the_invoice(rf, place, manager):
    from django.template import Context, Template

    from maillage.booking.services import BookingRequest, booking_create
    from maillage.payments.booking_services import booking_settle

    booking, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=make_resource(place), day=TUESDAY, slot="day"),
        now=NOW,
    )
    tag = Template("{% load payments_tags %}{% settle_form booking %}")

    def render(user):
        request = rf.get("/")
        request.user = user
        return tag.render(Context({"booking": booking, "request": request}))

    assert render(UserFactory()).strip() == ""
    form = render(manager)
    assert 'action="/lieux/reservations/' in form and 'name="moyen"' in form
    LegalEntityFactory(organisation=place.operator)
    invoice = booking_settle(actor=manager, booking=booking, method="cash", now=NOW)
    assert f"facture {invoice.reference}</a>" in render(manager)
