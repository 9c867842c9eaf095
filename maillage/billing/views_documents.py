"""Invoice documents: the page, the Factur-X PDF and XML of one invoice, the buyer's list, and
the Chorus Pro export of a seller. One invoice is only ever fetched through
`billing.selectors.invoice_for` (404 for anyone who may not see it)."""

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.billing.chorus import chorus_export as chorus_zip
from maillage.billing.documents_selectors import invoices_of_buyer
from maillage.billing.errors import BillingError
from maillage.billing.facturx import cii_xml
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.pdf import invoice_context
from maillage.billing.pdf import invoice_pdf as pdf_bytes
from maillage.billing.permissions import can_sell_for, is_buyer_admin
from maillage.billing.selectors import invoice_for
from maillage.booking.bounds import day_from_text, id_from_text
from maillage.core.ratelimit import Limit, Throttled, ratelimit_check, ratelimit_hit
from maillage.core.single_flight import single_flight
from maillage.core.tables import attachment

PAGE_SIZE = 25
# A PDF costs about half a second of WeasyPrint: plenty for people, a bound for scripts.
PDF_LIMIT = Limit("facture-pdf", attempts=60, window=60)
CHORUS_HOLD_SECONDS = 300
PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml; charset=utf-8"


def document_filename(invoice: Invoice, extension: str) -> str:
    """`F-000012.pdf`; a draft, which has no number, `brouillon-<uuid>.pdf`. Only letters,
    digits, dot, dash and underscore survive: the prefix is typed by a seller."""
    stem = invoice.reference or f"brouillon-{invoice.public_id}"
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", stem).strip(".-") or "facture"
    return f"{stem}.{extension}"


@login_required
@require_GET
def invoice_detail(request: HttpRequest, public_id) -> HttpResponse:
    invoice = invoice_for(request.user, public_id)
    context = invoice_context(invoice)
    is_seller = can_sell_for(request.user, invoice.seller)
    context["is_seller"] = is_seller
    context["is_buyer"] = invoice.buyer_user_id == request.user.pk
    payable = invoice.is_issued and not invoice.is_credit_note
    context["can_pay"] = payable and (
        context["is_buyer"] or is_buyer_admin(request.user, invoice.buyer_entity)
    )
    context["can_collect"] = payable and is_seller
    # Draft credit notes are the seller's business, like any draft.
    context["credit_notes"] = [
        note
        for note in invoice.credit_notes.order_by("number", "id")
        if note.is_issued or is_seller
    ]
    return render(request, "billing/invoice_detail.html", context)


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, public_id) -> HttpResponse:
    invoice = invoice_for(request.user, public_id)
    check = (PDF_LIMIT, str(request.user.pk))
    try:
        ratelimit_check(check)
    except Throttled as throttled:
        response = _refused(request, throttled.message, 429, heading="Trop de téléchargements")
        response["Retry-After"] = str(throttled.retry_after)
        return response
    ratelimit_hit(check)
    return attachment(pdf_bytes(invoice), PDF_TYPE, document_filename(invoice, "pdf"))


@login_required
@require_GET
def invoice_xml(request: HttpRequest, public_id) -> HttpResponse:
    invoice = invoice_for(request.user, public_id)
    if not invoice.is_issued:
        raise Http404("Un brouillon n'a pas de XML Factur-X.")
    return attachment(cii_xml(invoice), XML_TYPE, document_filename(invoice, "xml"))


@login_required
@require_GET
def my_invoices(request: HttpRequest) -> HttpResponse:
    page = Paginator(invoices_of_buyer(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/my_invoices.html", {"page": page})


def _refused(
    request: HttpRequest, message: str, status: int = 400, heading: str = "Export impossible"
) -> HttpResponse:
    context = {"message": message, "heading": heading}
    return render(request, "billing/document_refused.html", context, status=status)


def _chorus_query(request: HttpRequest) -> tuple[int | None, date | None, date | None]:
    return (
        id_from_text(request.GET.get("vendeur")),
        day_from_text(request.GET.get("du")),
        day_from_text(request.GET.get("au")),
    )


@login_required
@require_GET
def chorus_export(request: HttpRequest) -> HttpResponse:
    """?vendeur=<id>&du=AAAA-MM-JJ&au=AAAA-MM-JJ: the seller's documents to public buyers."""
    seller_id, start, end = _chorus_query(request)
    if seller_id is None:
        return _refused(request, "Indiquez le vendeur (paramètre « vendeur », son numéro).")
    if start is None or end is None:
        return _refused(
            request,
            "Indiquez la période par ses dates de début et de fin (paramètres « du » et « au », "
            "au format AAAA-MM-JJ, entre 2000 et 2100).",
        )
    seller = LegalEntity.objects.filter(pk=seller_id).first()
    if seller is None or not can_sell_for(request.user, seller):
        raise Http404("Vendeur introuvable.")
    # One export at a time per person: each holds a worker for up to a minute.
    with single_flight(f"billing:chorus:{request.user.pk}", seconds=CHORUS_HOLD_SECONDS) as free:
        if not free:
            return _refused(
                request, "Un export Chorus Pro est déjà en cours : attendez qu'il finisse.", 409
            )
        try:
            content = chorus_zip(seller, start, end)
        except BillingError as error:
            return _refused(request, error.message, error.status)
    filename = f"chorus-pro-{seller.pk}-{start:%Y%m%d}-{end:%Y%m%d}.zip"
    return attachment(content, "application/zip", filename)
