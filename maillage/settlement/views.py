"""Pages of the network pass and the settlement with places.

Coordination: /reseau/pass/ (sell, recent sales, reconciliation), /reseau/reversements/ (the
month's statements, compute, agreements, CSV/XLSX). A place's team: /lieux/<id>/reversements/
(its statements, accept, invoice, agree to self-billing). Others get a 404.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from maillage.billing.errors import BillingError
from maillage.booking import offer_services
from maillage.booking.bounds import uuid_from_text
from maillage.booking.errors import BookingError
from maillage.booking.models import PassProduct
from maillage.booking.offer_forms import PassProductForm
from maillage.booking.timeslots import local_day
from maillage.core.tables import csv_response, xlsx_response
from maillage.employers.selectors import month_first
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator
from maillage.settlement import selectors, services
from maillage.settlement.forms import AgreementForm, SaleForm, month_from_text
from maillage.settlement.models import SettlementAgreement


def _coordination_only(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise Http404("Page introuvable.")


def _errors_text(form) -> str:
    """A form's errors as one sentence for a message, each after its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label} : {error}" if label else str(error) for error in errors]
    return " ".join(parts)


def _last_month(today: date) -> date:
    return month_first(date.fromordinal(month_first(today).toordinal() - 1))


@login_required
@require_http_methods(["GET", "POST"])
def network_passes(request: HttpRequest) -> HttpResponse:
    _coordination_only(request)
    form = SaleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.network_pass_sale_by_email(
                    actor=request.user,
                    product=data["produit"],
                    buyer_email=data["email"] if data["acheteur"] == "personne" else "",
                    buyer_name=data["nom"],
                    employer=data["employeur"] if data["acheteur"] == "employeur" else None,
                    owner_emails=data["titulaires"],
                    quantity=data["quantite"],
                    paid_method=data["paiement"] or None,
                    idempotency_key=data["cle"],
                )
            except (BillingError, BookingError) as error:
                form.add_error(None, error.message)
                status = error.status if 400 <= error.status < 500 else 400
            else:
                messages.success(
                    request,
                    f"{result.sale.quantity} pass vendu(s) : facture {result.invoice.reference}"
                    + (" (déjà enregistrée)." if result.replayed else "."),
                )
                return redirect("settlement:network_passes")
        else:
            status = 400
    context = {
        "form": form,
        "product_form": PassProductForm(prefix="carnet", initial={"is_active": True}),
        "products": selectors.network_products(),
        "sales": selectors.recent_sales(),
        "reconciliation": selectors.pass_reconciliation(),
    }
    return render(request, "settlement/network_passes.html", context, status=status)


@login_required
@require_POST
def network_product_create(request: HttpRequest) -> HttpResponse:
    """Put a network pass on sale (no place): the same form and service as a place's carnet."""
    _coordination_only(request)
    form = PassProductForm(request.POST, prefix="carnet")
    if form.is_valid():
        product = offer_services.pass_product_create(place=None, data=form.cleaned_data)
        messages.success(request, f"Pass réseau « {product.name} » mis en vente.")
    else:
        messages.error(request, f"Pass réseau non créé. {_errors_text(form)}")
    return redirect("settlement:network_passes")


@login_required
@require_POST
def network_product_withdraw(request: HttpRequest, product_id: int) -> HttpResponse:
    _coordination_only(request)
    product = PassProduct.objects.filter(pk=product_id, place__isnull=True).first()
    if product is None:
        raise Http404("Pass réseau introuvable.")
    try:
        services.network_product_withdraw(actor=request.user, product=product)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"« {product.name} » n'est plus en vente.")
    return redirect("settlement:network_passes")


EXPORT_FORMATS = ("csv", "xlsx")


@login_required
def statements(request: HttpRequest) -> HttpResponse:
    """The month's statements of every place; `?mois=AAAA-MM`, `&format=csv|xlsx`."""
    _coordination_only(request)
    today = local_day(timezone.now())
    latest = _last_month(today)
    month = month_from_text(request.GET.get("mois")) if request.GET.get("mois") else latest
    if month is None or month > latest:
        messages.error(request, "Mois illisible ou pas encore terminé : voici le mois dernier.")
        month = latest
    wanted = request.GET.get("format")
    if wanted in EXPORT_FORMATS:
        rows = selectors.export_rows(month)
        name = f"reversements-{month:%Y-%m}.{wanted}"
        if wanted == "csv":
            return csv_response(selectors.EXPORT_HEADER, rows, name)
        return xlsx_response(selectors.EXPORT_HEADER, rows, name, title="Reversements")
    context = {
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "latest_value": f"{latest:%Y-%m}",
        "overview": selectors.month_overview(month),
        "agreement_form": AgreementForm(initial={"debut": month}),
        "reconciliation": selectors.pass_reconciliation(month=month),
    }
    return render(request, "settlement/statements.html", context)


@login_required
@require_POST
def statement_compute(request: HttpRequest) -> HttpResponse:
    _coordination_only(request)
    month = month_from_text(request.POST.get("mois"))
    place_id = uuid_from_text(request.POST.get("lieu"))
    place = Place.objects.filter(public_id=place_id).first() if place_id else None
    if month is None or place is None:
        messages.error(request, "Lieu ou mois inconnu.")
        return redirect("settlement:statements")
    try:
        statement = services.statement_compute(actor=request.user, place=place, month=month)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Relevé calculé : {place.name}, {statement.month:%m/%Y}.")
    return redirect(f"{reverse('settlement:statements')}?mois={month:%Y-%m}")


@login_required
@require_POST
def agreement_save(request: HttpRequest) -> HttpResponse:
    _coordination_only(request)
    form = AgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Convention non enregistrée. {_errors_text(form)}")
        return redirect("settlement:statements")
    day, half_day = form.rates()
    try:
        services.agreement_set(
            actor=request.user,
            place=form.cleaned_data["lieu"],
            rate_day_cents=day,
            rate_half_day_cents=half_day,
            self_billing=form.cleaned_data["autofacturation"],
            valid_from=form.cleaned_data["debut"],
        )
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Convention enregistrée : {form.cleaned_data['lieu'].name}.")
    return redirect("settlement:statements")


# --- the place's team ----------------------------------------------------------------------------


@login_required
def place_statements(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_for_team(request.user, public_id)
    agreement = SettlementAgreement.objects.filter(place=place).first()
    is_team = services.is_place_team(request.user, place)
    self_billing = bool(agreement and agreement.self_billing)
    context = {
        "place": place,
        "agreement": agreement,
        "statements": selectors.place_statements(place),
        "is_team": is_team,
        # Who issues the invoice: the coordination under self-billing, the place's team otherwise.
        "may_invoice": is_coordinator(request.user) if self_billing else is_team,
    }
    return render(request, "settlement/place_statements.html", context)


def _back(place: Place) -> HttpResponse:
    return redirect("settlement:place_statements", public_id=place.public_id)


@login_required
@require_POST
def place_statement_accept(request: HttpRequest, public_id, statement_id) -> HttpResponse:
    place = selectors.place_for_team(request.user, public_id)
    statement = selectors.statement_of_place(place, statement_id)
    try:
        services.statement_accept(actor=request.user, statement=statement)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Relevé de {statement.month:%m/%Y} accepté.")
    return _back(place)


@login_required
@require_POST
def place_statement_invoice(request: HttpRequest, public_id, statement_id) -> HttpResponse:
    place = selectors.place_for_team(request.user, public_id)
    statement = selectors.statement_of_place(place, statement_id)
    try:
        invoice = services.statement_invoice(actor=request.user, statement=statement)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Facture {invoice.reference} émise au réseau.")
    return _back(place)


@login_required
@require_POST
def place_self_billing_accept(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_for_team(request.user, public_id)
    agreement = SettlementAgreement.objects.filter(place=place).first()
    if agreement is None:
        raise Http404("Convention introuvable.")
    try:
        services.self_billing_accept(actor=request.user, agreement=agreement)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Autofacturation acceptée.")
    return _back(place)
