"""The printed invoice: PDF/A-3b with embedded fonts, Factur-X (`factur-x.xml` = `cii_xml`),
every French mention where the rules want it and nowhere else, the EPC QR code, and the Chorus
Pro export."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
import segno
from pypdf import PdfReader
from segno.helpers import make_epc_qr

from maillage.billing.chorus import chorus_export
from maillage.billing.epc import epc_payload, iban_groups, invoice_payload, qr_data_uri
from maillage.billing.errors import BillingError
from maillage.billing.facturx import cii_xml
from maillage.billing.models import Invoice
from maillage.billing.pdf import invoice_context, invoice_pdf
from maillage.billing.services import Buyer, invoice_create, invoice_draft, invoice_issue
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.factories import LegalEntityFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The page text, one space for any run of blanks (the layout breaks lines anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", raw.replace("\u202f", " ").replace("\u00a0", " "))


def test_b2b_pdf_is_pdfa3b_factur_x_with_the_exact_xml(b2b_invoice):
    content = invoice_pdf(b2b_invoice)
    reader = PdfReader(io.BytesIO(content))
    raw_xmp = reader.xmp_metadata.stream.get_data().decode()
    assert re.search(r"<pdfaid:part>3</pdfaid:part>", raw_xmp)
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", raw_xmp)
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in raw_xmp
    assert list(reader.attachments) == ["factur-x.xml"]
    assert reader.attachments["factur-x.xml"] == [cii_xml(b2b_invoice)]
    # PDF/A: every font is embedded (DejaVu, as the stylesheet asks).
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts.append(
                (
                    str(font["/BaseFont"]),
                    any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                )
            )
    assert fonts and all(embedded for _name, embedded in fonts)
    assert all("DejaVu" in name for name, _embedded in fonts)
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_b2b_pdf_prints_every_mention(b2b_invoice, place_seller, employer):
    text = pdf_text(invoice_pdf(b2b_invoice))
    for mention in [
        "Facture F-000001",
        "Date d'émission 30/11/2026",
        "Période de la prestation du 01/11/2026 au 30/11/2026",
        "Échéance 30/12/2026",
        "Nature de l'opération Prestations de services",
        # Seller: name, legal form and capital, address, SIREN, SIRET, RCS, VAT number.
        "SCIC La Fabrique du Port",
        "SCIC SAS au capital de 10 000 €",
        "12 quai Vendeuvre 14000 Caen",
        f"SIREN : {place_seller.siren}",
        f"SIRET : {place_seller.siret}",
        "RCS Caen",
        f"N° de TVA intracommunautaire : {place_seller.vat_number}",
        # Buyer: a business, with its SIREN and VAT number, and its order reference.
        "Industries Normandes SA",
        f"SIREN : {employer.siren}",
        f"N° de TVA intracommunautaire : {employer.vat_number}",
        "Votre référence de commande : BC-2026-118",
        # Lines: désignation, quantity, unit price HT, rate, amount HT.
        "Poste en espace partagé, journée 10 jour 12,50 € 20 % 125,00 €",
        "Déjeuner partagé 3 unité 9,99 € 10 % 29,97 €",
        # VAT per rate and totals.
        "20 % 125,00 € 25,00 €",
        "10 % 29,97 € 3,00 €",
        "Total HT 154,97 €",
        "Total TVA 28,00 €",
        "Total TTC 182,97 €",
        # Payment terms and the B2B mentions.
        "Paiement à 30 jours, au plus tard le 30/12/2026.",
        "Pénalités de retard exigibles dès le lendemain de l'échéance : "
        "taux d'intérêt légal majoré de 10 points.",
        "indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
        "Pas d'escompte pour paiement anticipé.",
        # Transfer: the IBAN written out beside the QR code.
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPP",
        "Référence à indiquer F-000001",
    ]:
        assert mention.lower() in text.lower(), mention
    assert "293 B" not in text
    assert "débits" not in text
    assert "BROUILLON" not in text


def test_b2c_pdf_has_no_b2b_mentions(b2c_invoice):
    text = pdf_text(invoice_pdf(b2c_invoice))
    assert "Camille Martin" in text
    assert "3 rue Écuyère 14000 Caen" in text
    assert "Période de la prestation du 26/11/2026 au 27/11/2026" in text
    assert "Payable à réception." in text
    assert "Pas d'escompte pour paiement anticipé." in text
    for absent in ["40 €", "Pénalités de retard", "293 B", "Votre référence de commande"]:
        assert absent not in text, absent


def test_franchise_pdf_says_vat_is_not_applicable(franchise_invoice):
    text = pdf_text(invoice_pdf(franchise_invoice))
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "0 % 30,00 € 0,00 €" in text
    assert "Total TTC 30,00 €" in text
    assert "N° de TVA intracommunautaire" not in text
    assert "RCS" not in text


def test_vat_on_debits_is_printed():
    invoice = invoice_create(
        seller=LegalEntityFactory(vat_on_debits=True),
        buyer=Buyer(entity=LegalEntityFactory()),
        lines=[desk_days()],
        now=ISSUED_AT,
    )
    assert "Option pour le paiement de la TVA d'après les débits." in pdf_text(invoice_pdf(invoice))


def test_credit_note_pdf_names_the_invoice_and_the_reason(credit_note):
    content = invoice_pdf(credit_note)
    text = pdf_text(content)
    assert "Avoir F-000002" in text
    assert "Avoir sur la facture n° F-000001 du 30/11/2026" in text
    assert "Motif : Deux journées annulées" in text
    assert "Total TTC 30,00 €" in text
    # No transfer to the seller on a credit note: neither QR code nor IBAN.
    assert "IBAN" not in text
    assert invoice_context(credit_note)["epc_qr"] == ""
    assert PdfReader(io.BytesIO(content)).attachments["factur-x.xml"] == [cii_xml(credit_note)]


def test_self_billing_reason_is_printed_on_an_invoice():
    invoice = invoice_create(
        seller=LegalEntityFactory(),
        buyer=Buyer(entity=LegalEntityFactory()),
        lines=[desk_days()],
        reason="Autofacturation : facture établie par le réseau pour le compte du lieu",
        now=ISSUED_AT,
    )
    text = pdf_text(invoice_pdf(invoice))
    assert "Autofacturation : facture établie par le réseau pour le compte du lieu" in text
    assert "Motif :" not in text


def test_draft_pdf_is_watermarked_without_number_nor_xml(place_seller, member):
    draft = invoice_draft(seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()])
    content = invoice_pdf(draft)
    text = pdf_text(content)
    assert "BROUILLON" in text
    assert "Facture (brouillon)" in text
    assert "F-0" not in text
    assert "Total TTC 30,00 €" in text  # the totals a draft will have once issued
    assert PdfReader(io.BytesIO(content)).attachments == {}


# EPC QR code (EPC069-12, version 002)


def test_epc_payload_fields_follow_the_standard(b2b_invoice):
    assert invoice_payload(b2b_invoice) == (
        "BCD\n002\n1\nSCT\nAGRIFRPP\nSCIC La Fabrique du Port\nFR7630006000011234567890189\n"
        "EUR182.97\n\n\nF-000001"
    )


def test_epc_payload_is_what_segno_encodes_for_the_same_transfer(b2b_invoice):
    ours = segno.make_qr(invoice_payload(b2b_invoice).encode(), error="m", boost_error=False)
    theirs = make_epc_qr(
        name="SCIC La Fabrique du Port",
        iban="FR7630006000011234567890189",
        amount="182.97",
        text="F-000001",
        bic="AGRIFRPP",
        encoding=1,
    )
    assert ours.matrix == theirs.matrix
    assert invoice_context(b2b_invoice)["epc_qr"] == qr_data_uri(invoice_payload(b2b_invoice))
    assert invoice_context(b2b_invoice)["epc_qr"].startswith("data:image/svg+xml")


def test_epc_payload_bounds_and_spacing():
    payload = epc_payload(
        name="  Très   long nom " + "x" * 80,
        iban="fr76 3000 6000 0112 3456 7890 189",
        amount_cents=100,
        text="F-1",
        bic="agrifrpp",
    )
    fields = payload.split("\n")
    assert fields[4:8] == [
        "AGRIFRPP",
        ("Très long nom " + "x" * 80)[:70],
        "FR7630006000011234567890189",
        "EUR1.00",
    ]
    assert len(fields[5]) == 70
    for bad in (0, -5, 100_000_000_000):
        with pytest.raises(ValueError):
            epc_payload(name="A", iban="FR7630006000011234567890189", amount_cents=bad, text="x")
    assert iban_groups("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


def test_no_epc_without_iban_or_for_a_credit_note(member, credit_note):
    seller = LegalEntityFactory(iban="", bic="")
    invoice = invoice_create(
        seller=seller, buyer=Buyer(user=member), lines=[desk_days()], now=ISSUED_AT
    )
    assert invoice_payload(invoice) is None
    assert invoice_payload(credit_note) is None
    assert "Règlement par virement" not in pdf_text(invoice_pdf(invoice))


# Chorus Pro


def test_chorus_export_holds_the_public_invoices_and_the_manifest(
    public_invoice, b2b_invoice, place_seller
):
    content = chorus_export(place_seller, date(2026, 11, 1), date(2026, 11, 30))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == [f"{public_invoice.reference}.pdf", "manifeste.csv"]
        pdf = archive.read(f"{public_invoice.reference}.pdf")
        manifest = archive.read("manifeste.csv").decode("utf-8-sig")
    assert PdfReader(io.BytesIO(pdf)).attachments["factur-x.xml"] == [cii_xml(public_invoice)]
    rows = list(csv.reader(io.StringIO(manifest), delimiter=";"))
    assert rows == [
        [
            "numéro",
            "type",
            "date d'émission",
            "SIRET de l'acheteur",
            "code service",
            "référence de commande",
            "acheteur",
            "montant TTC (€)",
        ],
        [
            "F-000001",
            "facture",
            "2026-11-30",
            public_invoice.buyer_entity.siret,
            "SERV-TIERS-LIEUX",
            "ENG-2026-0042",
            "Commune de Bayeux",
            "60.00",  # 4 days × 12,50 € HT + 20 %
        ],
    ]
    assert b2b_invoice.reference == "F-000002"  # issued to a business: not in the export


def test_chorus_export_of_an_empty_period_has_only_the_header(public_invoice, place_seller):
    content = chorus_export(place_seller, date(2026, 12, 1), date(2026, 12, 31))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["manifeste.csv"]
        assert archive.read("manifeste.csv").decode("utf-8-sig").count("\r\n") == 1


def test_chorus_export_refuses_a_document_without_service_code(place_seller, commune):
    draft = invoice_draft(seller=place_seller, buyer=Buyer(entity=commune), lines=[desk_days()])
    # An identity frozen before the rule existed: the draft's copy loses its service code.
    Invoice.objects.filter(pk=draft.pk).update(buyer_data={**draft.buyer_data, "service_code": ""})
    issued = invoice_issue(invoice=draft, now=ISSUED_AT)
    with pytest.raises(BillingError) as refused:
        chorus_export(place_seller, date(2026, 11, 1), date(2026, 11, 30))
    assert refused.value.message.startswith(f"{issued.reference} : il manque le SIRET ou le code")
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 11, 30), date(2026, 11, 1), "précède"),
        (date(2025, 1, 1), date(2026, 1, 2), "au plus un an"),
    ],
)
def test_chorus_export_bounds_the_period(place_seller, start, end, message):
    with pytest.raises(BillingError, match=message):
        chorus_export(place_seller, start, end)


def test_the_pdf_renderer_fetches_nothing_but_data_urls():
    from maillage.billing.pdf import data_urls_only

    fetcher = data_urls_only()
    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"
