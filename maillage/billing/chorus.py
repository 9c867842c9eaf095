"""Chorus Pro, for public buyers (communes, départements, public bodies): a ZIP of a seller's
Factur-X PDFs to public buyers over a period, each `<reference>.pdf`, and `manifeste.csv`, the
list the seller checks against what it deposits (manually or through its plateforme).

A public buyer is identified on Chorus Pro by its SIRET and the service code of the department
that ordered; the core refuses to draft without them, and this export refuses again any
document that lacks them (frozen identities of older documents).
"""

import io
import zipfile
from datetime import date

from maillage.billing.errors import BillingError
from maillage.billing.facturx import cents_text
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.pdf import invoice_pdf
from maillage.core.tables import csv_bytes

MAX_DAYS = 365  # end − start: a leap year, 1 January to 31 December, is 365
MAX_DOCUMENTS = 100  # about half a second of WeasyPrint each, inside one request
MANIFEST_HEADER = [
    "numéro",
    "type",
    "date d'émission",
    "SIRET de l'acheteur",
    "code service",
    "référence de commande",
    "acheteur",
    "montant TTC (€)",
]
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # entry dates: the same documents give the same listing


def public_documents(seller: LegalEntity, start: date, end: date) -> list[Invoice]:
    """Issued invoices and credit notes of `seller` to public buyers, issued in [start, end]."""
    return list(
        Invoice.objects.filter(
            seller=seller,
            status=Invoice.Status.ISSUED,
            issue_date__gte=start,
            issue_date__lte=end,
            buyer_data__is_public_body=True,
        )
        .select_related("corrects")
        .prefetch_related("lines")
        .order_by("number")
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BillingError("La fin de la période précède son début.", field="au")
    if (end - start).days > MAX_DAYS:
        raise BillingError("Un export Chorus Pro couvre au plus un an.", field="au")


def chorus_export(seller: LegalEntity, start: date, end: date) -> bytes:
    """The ZIP for Chorus Pro. Refused (BillingError) when a document lacks the buyer's SIRET or
    service code, or the period is longer than a year or holds more than MAX_DOCUMENTS documents."""
    _check_period(start, end)
    documents = public_documents(seller, start, end)
    if len(documents) > MAX_DOCUMENTS:
        raise BillingError(
            f"Plus de {MAX_DOCUMENTS} documents sur cette période : choisissez une période "
            "plus courte.",
            field="au",
        )
    for document in documents:
        buyer = document.buyer_data
        if not (buyer.get("siret") and buyer.get("service_code")):
            raise BillingError(
                f"{document.reference} : il manque le SIRET ou le code service de "
                f"{buyer.get('name', 'l’acheteur')}, exigés par Chorus Pro. "
                "Établissez un avoir puis une nouvelle facture avec ces informations.",
                status=409,
                code="chorus_incomplet",
            )
    rows = [
        [
            document.reference,
            "avoir" if document.is_credit_note else "facture",
            document.issue_date,
            document.buyer_data["siret"],
            document.buyer_data["service_code"],
            document.buyer_order_ref,
            document.buyer_data.get("name", ""),
            cents_text(document.total_ttc_cents),
        ]
        for document in documents
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.writestr(
                zipfile.ZipInfo(f"{document.reference}.pdf", FIXED_TIME), invoice_pdf(document)
            )
        # The platform's CSV: UTF-8 with BOM, `;`, ISO dates, dot decimals (core.tables).
        archive.writestr(
            zipfile.ZipInfo("manifeste.csv", FIXED_TIME), csv_bytes(MANIFEST_HEADER, rows)
        )
    return buffer.getvalue()
