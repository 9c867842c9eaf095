"""The invoice as people read it: one context for the HTML page and the PDF, so both carry the
same French mentions (CGI ann. II art. 242 nonies A, C. com. L441-9), and the PDF itself:
PDF/A-3b by WeasyPrint (DejaVu fonts, embedded), made Factur-X by embedding `cii_xml`.

A draft renders with a « BROUILLON » watermark, no number, and no XML: it is not an invoice.
"""

from dataclasses import dataclass
from decimal import Decimal

import facturx
import weasyprint
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher

from maillage.billing.amounts import euros, rate_label, totals
from maillage.billing.epc import iban_groups, invoice_payload, qr_data_uri
from maillage.billing.facturx import (
    NATURE_LABEL,
    NO_DISCOUNT,
    RECOVERY_INDEMNITY,
    VAT_ON_DEBITS,
    cii_xml,
    late_penalty_text,
    payment_terms_text,
)
from maillage.billing.models import Invoice

PDF_CSS = "billing/invoice_pdf.css"
UNIT_LABELS = {"C62": "unité", "DAY": "jour", "HUR": "heure", "MON": "mois"}


@dataclass(frozen=True)
class LineRow:
    label: str
    service_date: object
    quantity: str
    unit: str
    unit_price: str
    rate: str
    net: str


def french_quantity(quantity: Decimal) -> str:
    return format(Decimal(quantity).normalize(), "f").replace(".", ",")


def _line_rows(lines) -> list[LineRow]:
    return [
        LineRow(
            label=line.label,
            service_date=line.service_date,
            quantity=french_quantity(line.quantity),
            unit=UNIT_LABELS.get(line.unit, line.unit),
            unit_price=euros(line.unit_price_ht_cents),
            rate=rate_label(line.vat_rate_bp),
            net=euros(line.net_cents),
        )
        for line in lines
    ]


def invoice_title(invoice: Invoice) -> str:
    """« Facture F-000012 », « Avoir F-000013 », « Facture (brouillon) »."""
    kind = "Avoir" if invoice.is_credit_note else "Facture"
    if invoice.self_billed:
        kind = f"{kind} (autofacturation)"
    return f"{kind} {invoice.reference}" if invoice.is_issued else f"{kind} (brouillon)"


def invoice_context(invoice: Invoice) -> dict:
    """Everything the page and the PDF print, computed once from the frozen document."""
    lines = list(invoice.lines.all())
    sums = totals((line.net_cents, line.vat_rate_bp) for line in lines)
    seller, buyer = invoice.seller_data, invoice.buyer_data
    franchise = seller.get("vat_regime") == "franchise"
    business = bool(buyer.get("is_business"))
    payload = invoice_payload(invoice)
    # A credit note is paid back by the seller: its IBAN is not where the buyer sends money.
    iban = seller.get("iban") if not invoice.is_credit_note else ""
    corrects = invoice.corrects if invoice.is_credit_note else None
    return {
        "invoice": invoice,
        "title": invoice_title(invoice),
        "is_draft": not invoice.is_issued,
        "seller": seller,
        "buyer": buyer,
        "is_business": business,
        "lines": _line_rows(lines),
        "breakdown": [
            {
                "rate": rate_label(part.rate_bp),
                "base": euros(part.base_cents),
                "vat": euros(part.vat_cents),
            }
            for part in sums.breakdown
        ],
        "total_ht": euros(sums.ht_cents),
        "total_vat": euros(sums.vat_cents),
        "total_ttc": euros(sums.ttc_cents),
        "nature": NATURE_LABEL[invoice.nature],
        "corrects": corrects,
        "payment_terms": payment_terms_text(invoice) if invoice.due_date else "",
        "late_penalty": late_penalty_text(seller) if business else "",
        "recovery_indemnity": RECOVERY_INDEMNITY if business else "",
        "no_discount": NO_DISCOUNT,
        "franchise_mention": "TVA non applicable, art. 293 B du CGI" if franchise else "",
        "vat_on_debits": VAT_ON_DEBITS if seller.get("vat_on_debits") else "",
        "iban": iban_groups(iban) if iban else "",
        "bic": (seller.get("bic") or "").upper() if iban else "",
        "epc_qr": qr_data_uri(payload) if payload else "",
    }


def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=finders.find(PDF_CSS))


def data_urls_only() -> URLFetcher:
    """The page's only resource is the QR code, a data: URL. Anything else (a link crafted into a
    buyer's name, should escaping ever fail) is refused rather than fetched."""
    return URLFetcher(allowed_protocols=("data",), timeout=1)


def page_pdf(invoice: Invoice) -> bytes:
    """The printed page alone, PDF/A-3b (what Factur-X wraps; a draft stops here)."""
    html = render_to_string("billing/invoice_pdf.html", invoice_context(invoice))
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=data_urls_only()).write_pdf(
        stylesheets=[_stylesheet()], pdf_variant="pdf/a-3b"
    )


def invoice_pdf(invoice: Invoice) -> bytes:
    """The Factur-X PDF of an issued document (EN 16931, `factur-x.xml` = `cii_xml(invoice)`);
    for a draft, the watermarked page without XML."""
    page = page_pdf(invoice)
    if not invoice.is_issued:
        return page
    seller = invoice.seller_data
    kind = "Avoir" if invoice.is_credit_note else "Facture"
    return facturx.generate_from_binary(
        page,
        cii_xml(invoice),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr-FR",
        pdf_metadata={
            "author": seller["name"],
            "keywords": "Factur-X, facture",
            "title": f"{seller['name']} : {kind.lower()} {invoice.reference}",
            "subject": f"{kind} {invoice.reference} du {invoice.issue_date:%d/%m/%Y}, "
            f"émise par {seller['name']}",
        },
    )
