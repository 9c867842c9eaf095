"""The EPC QR code (« QR code de virement SEPA », EPC069-12 version 002) printed on an invoice:
scanned by a banking app, it fills in the payee, IBAN, amount and reference of the transfer.

`epc_payload` is the exact text encoded, so that tests can read it field by field; the QR code
is that text at error correction level M, as the standard requires (what
`segno.helpers.make_epc_qr` does, without its variable amount spelling).
"""

import segno

from maillage.billing.facturx import compact_iban
from maillage.billing.models import Invoice

NAME_MAX = 70
TEXT_MAX = 140
MAX_CENTS = 99_999_999_999  # 999 999 999,99 €


def epc_payload(*, name: str, iban: str, amount_cents: int, text: str, bic: str = "") -> str:
    """The twelve lines of the EPC QR code, UTF-8 (character set 1):
    BCD / 002 / 1 / SCT / BIC / name / IBAN / EUR12.34 / purpose / reference / text."""
    if not 1 <= amount_cents <= MAX_CENTS:
        raise ValueError("Montant hors des bornes du QR code de virement.")
    whole, rest = divmod(amount_cents, 100)
    fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        (bic or "").strip().upper(),
        " ".join(name.split())[:NAME_MAX],
        compact_iban(iban),
        f"EUR{whole}.{rest:02d}",
        "",  # purpose code: none
        "",  # structured creditor reference (ISO 11649): none, the text carries ours
        " ".join(text.split())[:TEXT_MAX],
    ]
    return "\n".join(fields)


def invoice_payload(invoice: Invoice) -> str | None:
    """The transfer of an issued invoice to a seller with an IBAN; None when there is none to
    make (credit note, nothing due, no IBAN, draft)."""
    seller = invoice.seller_data
    if (
        not invoice.is_issued
        or invoice.is_credit_note
        or invoice.total_ttc_cents <= 0
        or not seller.get("iban")
    ):
        return None
    return epc_payload(
        name=seller["name"],
        iban=seller["iban"],
        amount_cents=invoice.total_ttc_cents,
        text=invoice.reference,
        bic=seller.get("bic") or "",
    )


def qr_data_uri(payload: str) -> str:
    """The QR code as an SVG data URI (the page and the PDF both embed it, no file)."""
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    return qr.svg_data_uri(scale=4, border=4)


def iban_groups(iban: str) -> str:
    """FR76 3000 6000 0112 3456 7890 189: the IBAN as people copy it."""
    compact = compact_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
