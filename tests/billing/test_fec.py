"""The FEC (LPF art. A47 A-1) and the sales journal of a seller, checked against the invoices."""

import csv
import io
from collections import defaultdict
from datetime import date

import pytest
from openpyxl import load_workbook

from maillage.billing import fec, journal
from maillage.billing.services import Buyer, invoice_create
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
# The 18 columns as article A47 A-1 of the LPF lists them, in its order.
PUBLISHED_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def parsed(seller, start=NOVEMBER[0], end=NOVEMBER[1]) -> tuple[str, list[dict]]:
    name, content = fec.fec_file(seller, start, end)
    text = content.decode("iso-8859-15")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return name, [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]


def cents(amount: str) -> int:
    whole, rest = amount.split(",")
    return int(whole) * 100 + int(rest)


def test_header_is_the_published_list_exactly(place_seller):
    name, content = fec.fec_file(place_seller, *NOVEMBER)
    assert content == (PUBLISHED_HEADER + "\r\n").encode("ascii")
    assert name == f"{place_seller.siren}FEC20261130.txt"
    assert fec.fec_lines(place_seller, *NOVEMBER) == []


def test_entries_balance_and_equal_the_invoices(place_seller, b2b_invoice, b2c_invoice):
    _name, records = parsed(place_seller)
    entries = defaultdict(list)
    for record in records:
        entries[record["EcritureNum"]].append(record)
    assert list(entries) == [b2b_invoice.reference, b2c_invoice.reference]
    for invoice in (b2b_invoice, b2c_invoice):
        rows = entries[invoice.reference]
        assert sum(cents(r["Debit"]) for r in rows) == sum(cents(r["Credit"]) for r in rows)
        by_account = defaultdict(int)
        for r in rows:
            by_account[r["CompteNum"]] += cents(r["Credit"]) - cents(r["Debit"])
        assert by_account == {
            "411000": -invoice.total_ttc_cents,
            "706000": invoice.total_ht_cents,
            "445710": invoice.total_vat_cents,
        }
        assert {r["EcritureDate"] for r in rows} == {"20261130"}
        assert {r["JournalCode"] for r in rows} == {"VE"}
    # B2B: 10 days at 12,50 € (20 %) and 3 meals at 9,99 € (10 %), one line per rate.
    b2b = entries[b2b_invoice.reference]
    assert [(r["CompteNum"], r["Debit"], r["Credit"]) for r in b2b] == [
        ("411000", "182,97", "0,00"),
        ("706000", "0,00", "125,00"),
        ("445710", "0,00", "25,00"),
        ("706000", "0,00", "29,97"),
        ("445710", "0,00", "3,00"),
    ]
    assert b2b[0]["CompAuxNum"] == f"C{b2b_invoice.buyer_entity.siren}"
    assert b2b[0]["CompAuxLib"] == "Industries Normandes SA"
    assert b2b[1]["CompAuxNum"] == ""
    assert entries[b2c_invoice.reference][0]["CompAuxNum"] == (f"P{b2c_invoice.buyer_user_id:08d}")


def test_credit_note_reverses_its_entry(place_seller, b2b_invoice, credit_note):
    _name, records = parsed(place_seller)
    note = [r for r in records if r["EcritureNum"] == credit_note.reference]
    assert [(r["CompteNum"], r["Debit"], r["Credit"]) for r in note] == [
        ("411000", "0,00", "30,00"),
        ("706000", "25,00", "0,00"),
        ("445710", "5,00", "0,00"),
    ]
    assert note[0]["EcritureLib"].startswith(f"Avoir {credit_note.reference}")


def test_file_is_latin9_and_free_text_cannot_break_a_record(place_seller):
    buyer = LegalEntityFactory(name="Société\tdes Étangs\nréunis ł")
    invoice_create(
        seller=place_seller, buyer=Buyer(entity=buyer), lines=[desk_days()], now=ISSUED_AT
    )
    _name, content = fec.fec_file(place_seller, *NOVEMBER)
    assert "Société des Étangs réunis ?".encode("iso-8859-15") in content
    assert len(content.split(b"\r\n")) == 1 + 3 + 1  # header, one entry of three lines, end


def test_documents_outside_the_period_are_left_out(place_seller):
    invoice_create(
        seller=place_seller, buyer=Buyer(user=UserFactory()), lines=[desk_days()], now=ISSUED_AT
    )
    assert fec.fec_lines(place_seller, date(2026, 12, 1), date(2026, 12, 31)) == []
    assert len(fec.fec_lines(place_seller, *NOVEMBER)) == 3


def test_journal_csv_and_xlsx_one_line_per_document(place_seller, b2b_invoice, credit_note):
    name, content = journal.journal_csv(place_seller, *NOVEMBER)
    assert name == f"journal-ventes-{place_seller.siren}-20261101-20261130.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        list(journal.HEADER),
        [
            b2b_invoice.reference,
            "2026-11-30",
            "facture",
            "Industries Normandes SA",
            "",
            "154.97",
            "28.00",
            "182.97",
            b2b_invoice.hash,
        ],
        [
            credit_note.reference,
            "2026-11-30",
            "avoir",
            "Industries Normandes SA",
            b2b_invoice.reference,
            "-25.00",
            "-5.00",
            "-30.00",
            credit_note.hash,
        ],
    ]
    _name, xlsx = journal.journal_xlsx(place_seller, *NOVEMBER)
    values = list(load_workbook(io.BytesIO(xlsx)).active.values)
    assert values[0] == journal.HEADER
    assert values[1][5:8] == (154.97, 28, 182.97)
    assert values[2][5:8] == (-25, -5, -30)
