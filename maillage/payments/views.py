"""Payment pages: the buyer's « payer » page and card return, the seller's recording and refund
forms, collecting a booking at the place, and the provider's webhook. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from maillage.billing import epc
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice
from maillage.billing.permissions import can_sell_for
from maillage.billing.selectors import invoice_for
from maillage.booking.models import Booking
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.core.body_limits import declared_length
from maillage.payments import booking_services, selectors, services
from maillage.payments.forms import RecordForm, RefundForm, SettleForm, euros_text
from maillage.payments.models import CheckoutSession
from maillage.payments.permissions import can_pay
from maillage.payments.providers import get_provider


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's notifications: 400 on a bad signature, 200 once handled or logged."""
    if declared_length(request) > services.MAX_WEBHOOK_BYTES:
        return _text("Notification trop volumineuse.", 413)
    try:
        event = services.webhook_receive(
            provider=provider, body=request.body, headers=request.headers
        )
    except BillingError as error:
        return _text(error.message, error.status)
    return JsonResponse({"recu": True, "suite": event.outcome})


def _payable(request: HttpRequest, public_id) -> Invoice:
    """The invoice if the user is its buyer (or the buying employer's admin); 404 otherwise."""
    invoice = invoice_for(request.user, public_id)
    if not can_pay(request.user, invoice) or invoice.is_credit_note:
        raise Http404("Facture introuvable.")
    return invoice


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, public_id) -> HttpResponse:
    invoice = _payable(request, public_id)
    if request.method == "POST":
        try:
            session = services.checkout_start(user=request.user, invoice=invoice)
        except BillingError as error:
            messages.error(request, error.message)
            return redirect("payments:pay", public_id=invoice.public_id)
        return redirect(session.url)
    balance = selectors.invoice_balance(invoice)
    seller = invoice.seller_data
    context = {
        "invoice": invoice,
        "balance": balance,
        "online": get_provider() is not None,
        "seller": seller,
        "iban": epc.iban_groups(seller["iban"]) if seller.get("iban") else "",
        "transfer_qr": _transfer_qr(invoice, balance.due_cents),
    }
    return render(request, "payments/pay.html", context)


def _transfer_qr(invoice: Invoice, due_cents: int) -> str:
    """The EPC QR code of what is still due (the PDF's carries the invoice total)."""
    seller = invoice.seller_data
    if due_cents <= 0 or not seller.get("iban"):
        return ""
    try:
        payload = epc.epc_payload(
            name=seller["name"],
            iban=seller["iban"],
            amount_cents=due_cents,
            text=invoice.reference,
            bic=seller.get("bic") or "",
        )
    except ValueError:
        return ""
    return epc.qr_data_uri(payload)


@login_required
def pay_return(request: HttpRequest, public_id) -> HttpResponse:
    """After the card page: « en cours de confirmation » until the webhook lands."""
    invoice = _payable(request, public_id)
    context = {
        "invoice": invoice,
        "balance": selectors.invoice_balance(invoice),
        "paid": selectors.is_paid(invoice),
    }
    return render(request, "payments/pay_return.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def fake_checkout(request: HttpRequest, session_id: str) -> HttpResponse:
    """The simulated card page of the « fake » provider (development runs only)."""
    provider = get_provider()
    session = (
        CheckoutSession.objects.select_related("invoice")
        .filter(provider="fake", provider_id=session_id[:255])
        .first()
    )
    if provider is None or provider.name != "fake" or session is None:
        raise Http404("Paiement introuvable.")
    if not can_pay(request.user, session.invoice):
        raise Http404("Paiement introuvable.")
    if request.method == "POST":
        services.fake_checkout_pay(session=session)
        return redirect("payments:pay_return", public_id=session.invoice.public_id)
    return render(request, "payments/fake_checkout.html", {"session": session})


def _sold(request: HttpRequest, public_id) -> Invoice:
    """The invoice if the user is on the seller's team; 404 otherwise."""
    invoice = invoice_for(request.user, public_id)
    if not can_sell_for(request.user, invoice.seller):
        raise Http404("Facture introuvable.")
    return invoice


def _seller_page(request, invoice, template: str, form, status: int = 200) -> HttpResponse:
    context = {
        "invoice": invoice,
        "balance": selectors.invoice_balance(invoice),
        "payments": selectors.invoice_payments(invoice),
        "form": form,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, public_id) -> HttpResponse:
    invoice = _sold(request, public_id)
    if request.method == "POST":
        form = RecordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = services.payment_record(
                    actor=request.user,
                    invoice=invoice,
                    method=data["moyen"],
                    amount_cents=data["montant"],
                    received_on=data["date"],
                    idempotency_key=data["cle"],
                )
            except BillingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                return _seller_page(request, invoice, "payments/record.html", form, 400)
            messages.success(
                request, f"Paiement de {euros_text(payment.amount_cents)} € enregistré."
            )
            return redirect("payments:record", public_id=invoice.public_id)
        return _seller_page(request, invoice, "payments/record.html", form, 400)
    due = selectors.invoice_balance(invoice).due_cents
    form = RecordForm(
        initial={
            "moyen": "transfer",
            "montant": euros_text(max(due, 0)),
            "date": local_day(timezone.now()),
            "cle": RecordForm.new_key(),
        }
    )
    return _seller_page(request, invoice, "payments/record.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def refund(request: HttpRequest, public_id) -> HttpResponse:
    invoice = _sold(request, public_id)
    if invoice.is_credit_note:
        raise Http404("Facture introuvable.")
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            try:
                credit_note, money = services.refund_issue(
                    actor=request.user,
                    invoice=invoice,
                    amount_cents=form.cleaned_data["montant"],
                    reason=form.cleaned_data["motif"],
                )
            except BillingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                return _seller_page(request, invoice, "payments/refund.html", form, 400)
            messages.success(
                request,
                f"Avoir {credit_note.reference} émis, remboursement de "
                f"{euros_text(money.amount_cents)} € enregistré.",
            )
            return redirect("payments:record", public_id=invoice.public_id)
        return _seller_page(request, invoice, "payments/refund.html", form, 400)
    return _seller_page(request, invoice, "payments/refund.html", RefundForm())


@login_required
@require_POST
def settle_booking(request: HttpRequest, public_id) -> HttpResponse:
    """« Encaisser » on a booking: the invoice and the payment at once."""
    booking = (
        Booking.objects.select_related("place", "resource", "user")
        .filter(public_id=public_id)
        .first()
    )
    if booking is None or not can_manage_bookings(request.user, booking.place):
        raise Http404("Réservation introuvable.")
    form = SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le moyen de paiement.")
    else:
        try:
            invoice = booking_services.booking_settle(
                actor=request.user, booking=booking, method=form.cleaned_data["moyen"]
            )
        except BillingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Réservation encaissée : facture {invoice.reference} de "
                f"{euros_text(invoice.total_ttc_cents)} €.",
            )
    return redirect("booking:detail", public_id=booking.public_id)
