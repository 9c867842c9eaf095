"""The sellers' pages: the structure's settings, the accounting page (documents, drafts, credit
notes, closed months, integrity) and the accountant's exports. Every page starts from
`seller_for` (or `can_edit_entity` for the settings): anyone else gets a 404."""

import dataclasses
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.billing import archive, chain, fec, journal
from maillage.billing.accounting_selectors import (
    DocumentFilters,
    archives_check,
    documents_list,
    documents_totals,
    drafts_list,
    month_end,
    next_month_to_close,
    periods_list,
    seller_choices,
    seller_for,
)
from maillage.billing.accounting_services import credit_note_once, manual_invoice_draft
from maillage.billing.entity_services import can_edit_entity, legal_entity_save
from maillage.billing.errors import BillingError
from maillage.billing.forms import (
    CreditNoteForm,
    DocumentFilterForm,
    EntityForm,
    InvoiceHeaderForm,
    LineFormSet,
    MonthForm,
)
from maillage.billing.models import AccountingPeriod, Invoice, LegalEntity
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import (
    LineInput,
    creditable_cents,
    invoice_draft_delete,
    invoice_issue,
    period_close,
)
from maillage.booking.bounds import id_from_text
from maillage.booking.timeslots import local_day
from maillage.core.tables import CSV_TYPE, XLSX_TYPE, attachment
from maillage.places.models import Organisation

PAGE_SIZE = 50
EXPORTS = {
    "fec": (fec.fec_file, "text/plain; charset=iso-8859-15"),
    "csv": (journal.journal_csv, CSV_TYPE),
    "xlsx": (journal.journal_xlsx, XLSX_TYPE),
}


def _back(entity: LegalEntity):
    return redirect("billing:accounting", entity_id=entity.pk)


@login_required
def accounting_home(request: HttpRequest) -> HttpResponse:
    """The structures whose books this person keeps, with their settings."""
    return render(
        request, "billing/accounting/home.html", {"choices": seller_choices(request.user)}
    )


def _settings(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    network = organisation is None
    if network:
        entity = LegalEntity.objects.filter(is_network=True).first()
    else:
        entity = LegalEntity.objects.filter(organisation=organisation).first()
    if not can_edit_entity(request.user, entity, organisation):
        raise Http404("Structure introuvable.")
    status = 200
    if request.method == "POST":
        form = EntityForm(request.POST)
        if form.is_valid():
            try:
                saved = legal_entity_save(
                    actor=request.user,
                    data=form.cleaned_data,
                    organisation=organisation,
                    network=network,
                    entity=entity,
                )
            except BillingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Structure enregistrée.")
                if can_sell_for(request.user, saved):
                    return _back(saved)
                return redirect(request.path)  # the coordination, for a place's structure
        status = 400
    else:
        form = EntityForm(initial=EntityForm.initial_for(entity))
    context = {
        "form": form,
        "entity": entity,
        "title": "Structure de coordination" if network else organisation.name,
        "can_sell": entity is not None and can_sell_for(request.user, entity),
        "has_issued": entity is not None
        and entity.invoices_sold.filter(status=Invoice.Status.ISSUED).exists(),
    }
    return render(request, "billing/accounting/entity.html", context, status=status)


@login_required
def entity_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=id_from_text(str(organisation_id))).first()
    if organisation is None:
        raise Http404("Structure introuvable.")
    return _settings(request, organisation)


@login_required
def entity_settings_network(request: HttpRequest) -> HttpResponse:
    return _settings(request, None)


@login_required
def accounting(request: HttpRequest, entity_id: int) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    filters = DocumentFilterForm(request.GET or None)
    status = 200
    if filters.is_bound and not filters.is_valid():
        documents = Invoice.objects.none()
        status = 400
    else:
        documents = documents_list(
            seller, filters.filters() if filters.is_bound else DocumentFilters()
        )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = local_day(timezone.now())
    to_close = next_month_to_close(seller, today)
    last_month = today.replace(day=1) - timedelta(days=1)
    context = {
        "seller": seller,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "totals": documents_totals(documents),
        "drafts": drafts_list(seller),
        "periods": periods_list(seller),
        "to_close": to_close,
        "close_form": MonthForm(initial={"mois": to_close}, prefix="cloture"),
        "export_form": MonthForm(initial={"mois": last_month.replace(day=1)}, prefix="export"),
        "last_month": (last_month.replace(day=1), last_month),
    }
    return render(request, "billing/accounting/page.html", context, status=status)


def _lines(formset, prices: str) -> list[LineInput]:
    lines = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data:
            continue  # an extra row left empty
        kwargs = {
            "label": data["label"],
            "quantity": data["quantity"],
            "vat_rate_bp": data["vat_rate"],
            "unit": data["unit"],
        }
        if prices == "ttc":
            lines.append(LineInput.from_ttc(unit_price_ttc_cents=data["unit_price"], **kwargs))
        else:
            lines.append(LineInput(unit_price_ht_cents=data["unit_price"], **kwargs))
    return lines


@login_required
def invoice_new(request: HttpRequest, entity_id: int) -> HttpResponse:
    """A manual invoice (a room rented to a company…): saved as a draft, issued from the page."""
    seller = seller_for(request.user, entity_id)
    status = 200
    if request.method == "POST":
        header = InvoiceHeaderForm(request.POST, prefix="facture")
        formset = LineFormSet(request.POST, prefix="lignes")
        if header.is_valid() and formset.is_valid():
            try:
                lines = _lines(formset, header.cleaned_data["prices"])
                manual_invoice_draft(
                    seller=seller,
                    actor=request.user,
                    header=header.cleaned_data,
                    lines=lines,
                    form_token=header.cleaned_data["token"],
                )
            except BillingError as error:
                if error.field in header.fields:
                    header.add_error(error.field, error.message)
                else:
                    header.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    "Brouillon enregistré : relisez-le, puis « Émettre » pour le numéroter.",
                )
                return _back(seller)
        status = 400
    else:
        header = InvoiceHeaderForm(prefix="facture", initial={"token": uuid.uuid4().hex})
        formset = LineFormSet(prefix="lignes")
    context = {"seller": seller, "header": header, "formset": formset}
    return render(request, "billing/accounting/invoice_new.html", context, status=status)


def _draft(seller: LegalEntity, public_id) -> Invoice:
    draft = Invoice.objects.filter(seller=seller, public_id=public_id).first()
    if draft is None:
        raise Http404("Facture introuvable.")
    return draft


@login_required
@require_POST
def draft_issue(request: HttpRequest, entity_id: int, public_id) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    try:
        issued = invoice_issue(
            invoice=_draft(seller, public_id), actor=request.user, now=timezone.now()
        )
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Facture {issued.reference} émise.")
    return _back(seller)


@login_required
@require_POST
def draft_delete(request: HttpRequest, entity_id: int, public_id) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    try:
        invoice_draft_delete(invoice=_draft(seller, public_id), actor=request.user)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Brouillon supprimé.")
    return _back(seller)


@login_required
def credit_note(request: HttpRequest, entity_id: int, public_id) -> HttpResponse:
    """An avoir for the whole invoice or chosen lines and quantities, with its reason."""
    seller = seller_for(request.user, entity_id)
    original = (
        Invoice.objects.filter(
            seller=seller,
            public_id=public_id,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.ISSUED,
        )
        .prefetch_related("lines")
        .first()
    )
    if original is None:
        raise Http404("Facture introuvable.")
    status = 200
    notes_seen = original.credit_notes.filter(status=Invoice.Status.ISSUED).count()
    if request.method == "POST":
        form = CreditNoteForm(request.POST, original=original)
        if form.is_valid():
            data = form.cleaned_data
            lines = None
            if not data["whole"]:
                lines = [
                    dataclasses.replace(LineInput.from_line(line), quantity=quantity)
                    for line, quantity in data["chosen"]
                ]
            try:
                note = credit_note_once(
                    original=original,
                    reason=data["reason"],
                    lines=lines,
                    notes_seen=_seen(request.POST.get("vus"), notes_seen),
                    actor=request.user,
                    now=timezone.now(),
                )
            except BillingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, f"Avoir {note.reference} émis sur la facture {original.reference}."
                )
                return _back(seller)
        status = 400
    else:
        form = CreditNoteForm(original=original)
    context = {
        "seller": seller,
        "original": original,
        "form": form,
        "left_cents": creditable_cents(original),
        "notes_seen": notes_seen,
    }
    return render(request, "billing/accounting/credit_note.html", context, status=status)


def _seen(text: str | None, default: int) -> int:
    """The count of credit notes the form was shown with (a bad value counts as outdated)."""
    if text is None:
        return default
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else -1


@login_required
@require_POST
def close_month(request: HttpRequest, entity_id: int) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    form = MonthForm(request.POST, prefix="cloture")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["mois"]))
        return _back(seller)
    start = form.cleaned_data["mois"]
    # A month whose beginning was closed with the period before it: close the rest.
    last = AccountingPeriod.objects.filter(seller=seller).order_by("-ends_on").first()
    if last is not None and start <= last.ends_on < month_end(start):
        start = last.ends_on + timedelta(days=1)
    try:
        period = period_close(
            seller=seller,
            starts_on=start,
            ends_on=month_end(start),
            actor=request.user,
            now=timezone.now(),
        )
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Période close : {period.documents} document(s).")
    return _back(seller)


@login_required
def period_archive(request: HttpRequest, entity_id: int, period_id: int) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    period = AccountingPeriod.objects.filter(seller=seller, pk=id_from_text(str(period_id))).first()
    storage = storages["archives"]
    path = period and archive.path_for(seller, period.starts_on, period.ends_on)
    if period is None or not storage.exists(path):
        raise Http404("Archive introuvable.")
    return FileResponse(
        storage.open(path, "rb"),
        as_attachment=True,
        filename=path.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


@login_required
def integrity(request: HttpRequest, entity_id: int) -> HttpResponse:
    seller = seller_for(request.user, entity_id)
    report = chain.verify(seller)
    archives = archives_check(seller)
    context = {"seller": seller, "report": report, "archives": archives}
    return render(request, "billing/accounting/integrity.html", context)


@login_required
def export(request: HttpRequest, entity_id: int, kind: str) -> HttpResponse:
    """FEC, CSV or XLSX journal of one month (the month's first and last days)."""
    seller = seller_for(request.user, entity_id)
    if kind not in EXPORTS:
        raise Http404("Export inconnu.")
    form = MonthForm(request.GET, prefix="export")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["mois"]))
        return _back(seller)
    start = form.cleaned_data["mois"]
    build, content_type = EXPORTS[kind]
    filename, body = build(seller, start, month_end(start))
    return attachment(body, content_type, filename)
