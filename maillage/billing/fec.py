"""The FEC (fichier des écritures comptables, LPF art. L47 A and A47 A-1) of one seller's sales.

One balanced entry per issued document in the sales journal: the customer (411, with an
auxiliary account per buyer) for the TTC amount, sales (706) for the HT base of each VAT rate
and collected VAT (44571) for the VAT of each rate; a credit note is the same entry reversed.
The platform keeps only the sales side: payments, purchases and the opening balances come
from the seller's own books, which the accountant merges.

Format choices (A47 A-1): tab-separated, the column names on the first line, dates AAAAMMJJ,
amounts with a comma and no thousands separator, ISO 8859-15 (one of the encodings the article
lists; a character outside it becomes « ? »), lines ending CR LF, no currency columns (euros).
"""

from dataclasses import dataclass
from datetime import date

from maillage.billing.accounting_selectors import issued_documents
from maillage.billing.amounts import rate_label, totals
from maillage.billing.models import Invoice, LegalEntity

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ENCODING = "iso-8859-15"
SEPARATOR = "\t"
LINE_END = "\r\n"


@dataclass(frozen=True)
class Account:
    number: str
    label: str


# The accounts of the plan comptable général used for sales, in one place.
SALES_JOURNAL = ("VE", "Ventes")
CUSTOMERS = Account("411000", "Clients")
SALES = Account("706000", "Prestations de services")
VAT_COLLECTED = Account("445710", "TVA collectée")


def fec_amount(cents: int) -> str:
    """1234.5 € → « 1234,50 » (no thousands separator, comma decimal)."""
    whole, rest = divmod(cents, 100)
    return f"{whole},{rest:02d}"


def fec_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _text(value: str) -> str:
    """A free text in one cell: no tab nor line break may split the record."""
    return " ".join(str(value or "").split())


def customer_account(invoice: Invoice) -> tuple[str, str]:
    """The buyer's auxiliary account: its SIREN for a legal entity, its id for a person."""
    data = invoice.buyer_data
    if invoice.buyer_entity_id is not None:
        key = data.get("siren") or f"E{invoice.buyer_entity_id}"
        return f"C{key}", _text(data.get("name", ""))
    return f"P{invoice.buyer_user_id:08d}", _text(data.get("name", ""))


def _entry(invoice: Invoice) -> list[list[str]]:
    sums = totals((line.net_cents, line.vat_rate_bp) for line in invoice.lines.all())
    credit_note = invoice.is_credit_note
    kind = "Avoir" if credit_note else "Facture"
    buyer_number, buyer_name = customer_account(invoice)
    label = _text(f"{kind} {invoice.reference} {buyer_name}")[:200]
    journal_code, journal_label = SALES_JOURNAL
    day = fec_date(invoice.issue_date)

    def line(account: Account, debit: int, credit: int, aux=("", ""), text=label) -> list[str]:
        if credit_note:
            debit, credit = credit, debit
        return [
            journal_code,
            journal_label,
            invoice.reference,
            day,
            account.number,
            account.label,
            aux[0],
            aux[1],
            invoice.reference,
            day,
            text,
            fec_amount(debit),
            fec_amount(credit),
            "",
            "",
            day,
            "",
            "",
        ]

    rows = [line(CUSTOMERS, sums.ttc_cents, 0, aux=(buyer_number, buyer_name))]
    for rate in sums.breakdown:
        rate_text = f"{label} TVA {rate_label(rate.rate_bp)}"
        rows.append(line(SALES, 0, rate.base_cents, text=rate_text))
        if rate.vat_cents:
            rows.append(line(VAT_COLLECTED, 0, rate.vat_cents, text=rate_text))
    return rows


def fec_lines(seller: LegalEntity, start: date, end: date) -> list[list[str]]:
    """The records (without the header) of every document issued in [start, end]."""
    rows: list[list[str]] = []
    for invoice in issued_documents(seller, start, end):
        rows.extend(_entry(invoice))
    return rows


def fec_file(seller: LegalEntity, start: date, end: date) -> tuple[str, bytes]:
    """The file name the administration expects (`<SIREN>FEC<AAAAMMJJ>.txt`, the date being the
    end of the period) and its content."""
    text = "".join(
        SEPARATOR.join(row) + LINE_END for row in [list(COLUMNS), *fec_lines(seller, start, end)]
    )
    return f"{seller.siren}FEC{fec_date(end)}.txt", text.encode(ENCODING, errors="replace")
