"""The sales journal as a table (CSV or XLSX through core.tables): one line per issued document,
credit notes with negative amounts so that each column adds up to the period's net sales."""

from datetime import date
from decimal import Decimal

from maillage.billing.accounting_selectors import issued_documents
from maillage.billing.models import LegalEntity
from maillage.core.tables import Sheet, csv_bytes, xlsx_bytes

HEADER = (
    "Numéro",
    "Date",
    "Type",
    "Acheteur",
    "Facture corrigée",
    "HT (€)",
    "TVA (€)",
    "TTC (€)",
    "Empreinte (SHA-256)",
)
MONEY_FORMAT = "#,##0.00"


def _euros(cents: int, negative: bool) -> Decimal:
    return Decimal(-cents if negative else cents).scaleb(-2)  # 2800 → 28.00


def journal_rows(seller: LegalEntity, start: date, end: date) -> list[list]:
    rows = []
    for invoice in issued_documents(seller, start, end):
        credit = invoice.is_credit_note
        rows.append(
            [
                invoice.reference,
                invoice.issue_date,
                "avoir" if credit else "facture",
                invoice.buyer_data.get("name", ""),
                invoice.corrects.reference if invoice.corrects_id else "",
                _euros(invoice.total_ht_cents, credit),
                _euros(invoice.total_vat_cents, credit),
                _euros(invoice.total_ttc_cents, credit),
                invoice.hash,
            ]
        )
    return rows


def _name(seller: LegalEntity, start: date, end: date, extension: str) -> str:
    return f"journal-ventes-{seller.siren or seller.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


def journal_csv(seller: LegalEntity, start: date, end: date) -> tuple[str, bytes]:
    return _name(seller, start, end, "csv"), csv_bytes(HEADER, journal_rows(seller, start, end))


def journal_xlsx(seller: LegalEntity, start: date, end: date) -> tuple[str, bytes]:
    formats = (None, None, None, None, None, MONEY_FORMAT, MONEY_FORMAT, MONEY_FORMAT, None)
    rows = [
        [float(cell) if isinstance(cell, Decimal) else cell for cell in row]
        for row in journal_rows(seller, start, end)
    ]
    sheet = Sheet("Journal des ventes", HEADER, rows, formats)
    return _name(seller, start, end, "xlsx"), xlsx_bytes([sheet])
