"""Collecting a booking at the place, and crediting/refunding it when it is cancelled."""

from datetime import date

import pytest

from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, InvoiceLine
from maillage.billing.services import Buyer, invoice_create
from maillage.booking.errors import BookingError
from maillage.booking.services import BookingRequest, booking_cancel, booking_create
from maillage.payments.booking_services import booking_refund_on_cancel, booking_settle
from maillage.payments.models import Payment
from maillage.payments.providers.fake import FakeProvider
from maillage.payments.selectors import Balance, invoice_balance, is_paid
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import LegalEntityFactory, UserFactory
from tests.payments.conftest import day_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(place):
    return make_resource(place)  # 15,00 € the day


@pytest.fixture
def booker():
    return UserFactory()


@pytest.fixture
def booking(space, booker):
    made, _ = booking_create(
        user=booker, request=BookingRequest(resource=space, day=TUESDAY, slot="day"), now=NOW
    )
    return made


@pytest.fixture
def place_seller(place):
    return LegalEntityFactory(organisation=place.operator, name="SCIC La Fabrique")


def settle(booking, actor, method="card_on_site"):
    return booking_settle(actor=actor, booking=booking, method=method, now=NOW)


def test_settle_needs_the_place_billing_identity(booking, manager):
    with pytest.raises(BillingError) as refused:
        settle(booking, manager)
    assert refused.value.message == "Renseignez d'abord l'identité de facturation du lieu."
    assert Invoice.objects.count() == 0


def test_settle_issues_the_invoice_and_records_the_payment(booking, manager, place_seller, booker):
    invoice = settle(booking, manager)
    line = invoice.lines.get()
    assert (invoice.seller, invoice.buyer_user, invoice.reference) == (
        place_seller,
        booker,
        "F-000001",
    )
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        1250,
        250,
        1500,
    )
    assert (line.booking, line.vat_rate_bp, line.service_date) == (booking, 2000, TUESDAY)
    assert line.label == "Espace partagé — La Fabrique du Port : journée du 01/12/2026"
    assert (invoice.service_start, invoice.service_end) == (TUESDAY, TUESDAY)
    payment = Payment.objects.get()
    assert (payment.method, payment.amount_cents, payment.received_on, payment.recorded_by) == (
        "card_on_site",
        1500,
        date(2026, 11, 30),
        manager,
    )
    assert is_paid(invoice)
    with pytest.raises(BillingError, match="déjà facturée \\(F-000001\\)"):
        settle(booking, manager, method="cash")
    assert Invoice.objects.count() == 1 and Payment.objects.count() == 1


def test_settle_for_a_franchise_seller_charges_no_vat(booking, manager, place):
    LegalEntityFactory(organisation=place.operator, franchise=True)
    invoice = settle(booking, manager, method="cash")
    assert (invoice.total_vat_cents, invoice.total_ttc_cents) == (0, 1500)
    assert invoice.lines.get().vat_rate_bp == 0


def test_settle_refusals(booking, manager, place_seller, booker, place):
    with pytest.raises(BillingError) as refused:
        settle(booking, UserFactory())
    assert refused.value.status == 404
    with pytest.raises(BillingError, match="Moyen de paiement inconnu"):
        settle(booking, manager, method="online_card")
    free_space = make_resource(place, name="Coin gratuit", price_day_cents=0)
    free, _ = booking_create(
        user=booker, request=BookingRequest(resource=free_space, day=TUESDAY, slot="day"), now=NOW
    )
    with pytest.raises(BillingError, match="rien à encaisser"):
        settle(free, manager)
    booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    booking.refresh_from_db()
    with pytest.raises(BillingError, match="Seule une réservation confirmée"):
        settle(booking, manager)
    assert Invoice.objects.count() == 0 and Payment.objects.count() == 0


def test_cancel_after_settling_credits_and_refunds_once(booking, manager, place_seller, booker):
    invoice = settle(booking, manager, method="cash")
    cancelled = booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    note = booking_refund_on_cancel(booking=cancelled, actor=booker, now=NOW)
    assert (note.kind, note.corrects, note.total_ttc_cents, note.reason) == (
        "credit",
        invoice,
        1500,
        "Réservation annulée",
    )
    assert note.lines.get().booking == booking
    refund = Payment.objects.get(kind="refund")
    assert (refund.method, refund.amount_cents, refund.credit_note) == ("cash", 1500, note)
    assert invoice_balance(invoice) == Balance(1500, 1500, 1500, 1500, 0)
    assert booking_refund_on_cancel(booking=cancelled, actor=booker, now=NOW) == note
    assert Invoice.objects.filter(kind="credit").count() == 1
    assert Payment.objects.filter(kind="refund").count() == 1


def test_cancel_of_an_unpaid_invoiced_booking_credits_without_refund(booking, place_seller, booker):
    invoice = invoice_create(
        seller=place_seller,
        buyer=Buyer(user=booker),
        lines=[day_line(booking_id=booking.pk), day_line()],
        now=NOW,
    )
    cancelled = booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    note = booking_refund_on_cancel(booking=cancelled, actor=booker, now=NOW)
    assert note.total_ttc_cents == 1500
    assert invoice_balance(invoice).due_cents == 1500  # the other line is still owed
    assert Payment.objects.count() == 0


def test_cancel_of_a_card_paid_booking_refunds_through_the_provider(
    booking, place_seller, booker, settings
):
    settings.MAILLAGE_PAYMENT_PROVIDER = "fake"
    invoice = invoice_create(
        seller=place_seller,
        buyer=Buyer(user=booker),
        lines=[day_line(booking_id=booking.pk)],
        now=NOW,
    )
    Payment.objects.create(
        invoice=invoice,
        kind="payment",
        method="online_card",
        amount_cents=1500,
        received_on=date(2026, 11, 30),
        provider="fake",
        provider_ref="fake_pi_booking",
    )
    settings.MAILLAGE_PAYMENT_PROVIDER = ""
    # Card payments switched off since: the refund cannot go back on the card, so the
    # cancellation is refused as a whole and the booking stays confirmed.
    with pytest.raises(BookingError, match="remboursement impossible"):
        booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    booking.refresh_from_db()
    assert (booking.status, Invoice.objects.filter(kind="credit").count()) == ("confirmed", 0)
    settings.MAILLAGE_PAYMENT_PROVIDER = "fake"
    cancelled = booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    # booking_cancel credited and refunded; a second call of the hook changes nothing.
    note = Invoice.objects.get(kind="credit")
    assert (
        booking_refund_on_cancel(booking=cancelled, actor=booker, provider=FakeProvider(), now=NOW)
        == note
    )
    refund = Payment.objects.get(kind="refund")
    assert (refund.provider, refund.amount_cents, refund.credit_note) == ("fake", 1500, note)
    assert refund.provider_ref.startswith("fake_re_")


def test_cancel_of_a_booking_never_invoiced_does_nothing(booking, booker):
    assert InvoiceLine.objects.count() == 0
    with pytest.raises(BillingError, match="pas annulée"):
        booking_refund_on_cancel(booking=booking, actor=booker, now=NOW)
    cancelled = booking_cancel(actor=booker, public_id=booking.public_id, now=NOW)
    assert booking_refund_on_cancel(booking=cancelled, actor=booker, now=NOW) is None
    assert Invoice.objects.count() == 0
