"""The Factur-X XML (CII, EN 16931): valid against the official XSD, the French mentions as
notes with their subject codes, identities, VAT per rate and totals to the cent."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import facturx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from maillage.billing.facturx import cii_xml
from maillage.billing.models import VAT_RATES_BP
from maillage.billing.services import Buyer, LineInput, invoice_create, invoice_draft
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
SELLER = "//ram:SellerTradeParty"
BUYER = "//ram:BuyerTradeParty"


def parsed(invoice) -> etree._Element:
    return etree.fromstring(cii_xml(invoice))


def texts(root, path: str) -> list[str]:
    return [node.text for node in root.xpath(path, namespaces=NS)]


def text(root, path: str) -> str:
    found = texts(root, path)
    assert len(found) == 1, (path, found)
    return found[0]


def notes(root) -> dict[str, str]:
    return {
        note.findtext("ram:SubjectCode", namespaces=NS): note.findtext("ram:Content", namespaces=NS)
        for note in root.xpath("//ram:IncludedNote", namespaces=NS)
    }


def vat_breakdown(root) -> list[tuple[str, str, str, str]]:
    return [
        (
            tax.findtext("ram:CategoryCode", namespaces=NS),
            tax.findtext("ram:RateApplicablePercent", namespaces=NS),
            tax.findtext("ram:BasisAmount", namespaces=NS),
            tax.findtext("ram:CalculatedAmount", namespaces=NS),
        )
        for tax in root.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NS)
    ]


def cents(value: str) -> int:
    return int(Decimal(value) * 100)


@pytest.mark.parametrize(
    "fixture", ["b2c_invoice", "b2b_invoice", "franchise_invoice", "credit_note", "public_invoice"]
)
def test_xml_is_valid_against_the_en16931_xsd(request, fixture):
    invoice = request.getfixturevalue(fixture)
    xml = cii_xml(invoice)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(xml)
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert facturx.get_level(root) == "en16931"


def test_b2b_invoice_carries_identities_mentions_and_totals(b2b_invoice, place_seller, employer):
    root = parsed(b2b_invoice)
    assert text(root, "//rsm:ExchangedDocument/ram:ID") == b2b_invoice.reference == "F-000001"
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, "//ram:IssueDateTime/udt:DateTimeString") == "20261130"
    assert text(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "S1"
    # Seller: SIREN as legal registration, SIRET as global id, VAT number, address, BT-33.
    assert text(root, f"{SELLER}/ram:Name") == "SCIC La Fabrique du Port"
    assert text(root, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID") == place_seller.siren
    assert root.xpath(
        f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", namespaces=NS
    ) == ["0002"]
    assert text(root, f"{SELLER}/ram:GlobalID") == place_seller.siret
    assert root.xpath(f"{SELLER}/ram:GlobalID/@schemeID", namespaces=NS) == ["0009"]
    assert text(root, f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID") == place_seller.vat_number
    assert text(root, f"{SELLER}/ram:Description") == (
        "SCIC SAS – capital social 10 000 € – RCS Caen"
    )
    assert texts(root, f"{SELLER}/ram:PostalTradeAddress/*") == [
        "14000",
        "12 quai Vendeuvre",
        "Caen",
        "FR",
    ]
    # Buyer: the employer, with its own SIREN, SIRET and VAT number.
    assert text(root, f"{BUYER}/ram:Name") == "Industries Normandes SA"
    assert text(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID") == employer.siren
    assert text(root, f"{BUYER}/ram:GlobalID") == employer.siret
    assert text(root, f"{BUYER}/ram:SpecifiedTaxRegistration/ram:ID") == employer.vat_number
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "BC-2026-118"
    assert texts(root, "//ram:BuyerReference") == []
    assert notes(root) == {
        "AAI": "Nature de l'opération : prestations de services.",
        "PMT": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
        "40 €.",
        "PMD": "Pénalités de retard exigibles dès le lendemain de l'échéance : "
        "taux d'intérêt légal majoré de 10 points.",
        "AAB": "Pas d'escompte pour paiement anticipé.",
    }
    # 10 days × 12,50 € at 20 %, 3 × 9,99 € at 10 %: 2,997 € of VAT rounds to 3,00 €.
    assert vat_breakdown(root) == [("S", "20", "125.00", "25.00"), ("S", "10", "29.97", "3.00")]
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert [
        text(root, summation + name)
        for name in ("LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount")
    ] == ["154.97", "154.97", "28.00", "182.97"]
    assert text(root, summation + "DuePayableAmount") == "182.97"
    assert (b2b_invoice.total_ht_cents, b2b_invoice.total_vat_cents) == (15497, 2800)
    assert b2b_invoice.total_ttc_cents == 18297
    # Due date, terms, service period, SEPA transfer to the seller's account.
    assert text(root, "//ram:DueDateDateTime/udt:DateTimeString") == "20261230"
    assert text(root, "//ram:SpecifiedTradePaymentTerms/ram:Description") == (
        "Paiement à 30 jours, au plus tard le 30/12/2026."
    )
    assert texts(root, f"{SETTLEMENT}/ram:BillingSpecifiedPeriod//udt:DateTimeString") == [
        "20261101",
        "20261130",
    ]
    assert text(root, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "58"
    assert text(root, "//ram:IBANID") == "FR7630006000011234567890189"
    assert text(root, "//ram:BICID") == "AGRIFRPP"
    assert text(root, f"{SETTLEMENT}/ram:PaymentReference") == "F-000001"
    lines = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert [
        (
            line.findtext(".//ram:Name", namespaces=NS),
            line.findtext(".//ram:ChargeAmount", namespaces=NS),
            line.findtext(".//ram:BilledQuantity", namespaces=NS),
            line.xpath(".//ram:BilledQuantity/@unitCode", namespaces=NS)[0],
            line.findtext(".//ram:CategoryCode", namespaces=NS),
            line.findtext(".//ram:RateApplicablePercent", namespaces=NS),
            line.findtext(".//ram:LineTotalAmount", namespaces=NS),
        )
        for line in lines
    ] == [
        ("Poste en espace partagé, journée", "12.50", "10", "DAY", "S", "20", "125.00"),
        ("Déjeuner partagé", "9.99", "3", "C62", "S", "10", "29.97"),
    ]


def test_b2c_invoice_has_no_recovery_indemnity_nor_buyer_registration(b2c_invoice):
    root = parsed(b2c_invoice)
    assert set(notes(root)) == {"AAI", "AAB"}
    assert text(root, f"{BUYER}/ram:Name") == "Camille Martin"
    assert texts(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID") == []
    assert texts(root, f"{BUYER}/ram:SpecifiedTaxRegistration/ram:ID") == []
    assert texts(root, f"{BUYER}/ram:PostalTradeAddress/*") == [
        "14000",
        "3 rue Écuyère",
        "Caen",
        "FR",
    ]
    # A person pays at once: the due date is the issue date.
    assert text(root, "//ram:SpecifiedTradePaymentTerms/ram:Description") == "Payable à réception."
    # The line of 27 November carries its own date; 1,5 × 9,99 € = 14,985 → 14,99 €.
    assert texts(root, "//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod//udt:*") == [
        "20261127",
        "20261127",
    ]
    assert texts(root, "//ram:BilledQuantity") == ["2", "1.5"]
    assert vat_breakdown(root) == [("S", "20", "25.00", "5.00"), ("S", "10", "14.99", "1.50")]


def test_franchise_seller_is_exempt_with_the_french_reason(franchise_invoice):
    root = parsed(franchise_invoice)
    seller = franchise_invoice.seller
    assert vat_breakdown(root) == [("E", "0", "30.00", "0.00")]
    assert text(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReasonCode") == (
        "VATEX-FR-FRANCHISE"
    )
    assert text(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason") == (
        "TVA non applicable, art. 293 B du CGI"
    )
    assert texts(root, "//ram:SpecifiedLineTradeSettlement//ram:CategoryCode") == ["E"]
    # No VAT number: the SIREN as tax registration (BR-E-02).
    assert text(root, f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID") == seller.siren
    assert root.xpath(f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID/@schemeID", namespaces=NS) == [
        "FC"
    ]
    assert notes(root)["TXD"] == "TVA non applicable, art. 293 B du CGI."
    assert text(root, "//ram:GrandTotalAmount") == "30.00"


def test_credit_note_refers_to_the_invoice_it_corrects(credit_note, b2b_invoice):
    root = parsed(credit_note)
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, "//rsm:ExchangedDocument/ram:ID") == "F-000002"
    assert text(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "F-000001"
    assert text(root, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == "20261130"
    assert notes(root)["ACD"] == "Deux journées annulées"
    assert vat_breakdown(root) == [("S", "20", "25.00", "5.00")]
    assert text(root, "//ram:GrandTotalAmount") == "30.00"
    # The seller pays back: no transfer to its own account is asked for.
    assert texts(root, "//ram:SpecifiedTradeSettlementPaymentMeans") == []
    # Same identities as the invoice it corrects.
    assert text(root, f"{BUYER}/ram:Name") == "Industries Normandes SA"


def test_public_buyer_gets_its_service_code_siret_and_chorus_billing_frame(public_invoice, commune):
    root = parsed(public_invoice)
    assert text(root, "//ram:BuyerReference") == "SERV-TIERS-LIEUX"
    assert text(root, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID") == commune.siret
    assert root.xpath(
        f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", namespaces=NS
    ) == ["0009"]
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "ENG-2026-0042"
    assert text(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "A1"
    assert "PMT" in notes(root)


def test_vat_on_debits_sets_the_tax_point_and_the_note():
    seller = LegalEntityFactory(vat_on_debits=True)
    invoice = invoice_create(
        seller=seller,
        buyer=Buyer(entity=LegalEntityFactory()),
        lines=[desk_days()],
        now=ISSUED_AT,
    )
    root = parsed(invoice)
    assert notes(root)["TXD"] == "Option pour le paiement de la TVA d'après les débits."
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode") == ["5"]
    assert facturx.xml_check_xsd(cii_xml(invoice), flavor="factur-x", level="en16931") is True


def test_self_billing_reason_travels_as_a_note():
    invoice = invoice_create(
        seller=LegalEntityFactory(),
        buyer=Buyer(entity=LegalEntityFactory()),
        lines=[desk_days()],
        reason="Autofacturation : facture établie par le réseau au nom et pour le compte du lieu",
        now=ISSUED_AT,
    )
    assert notes(parsed(invoice))["ACD"] == (
        "Autofacturation : facture établie par le réseau au nom et pour le compte du lieu"
    )


def test_a_draft_has_no_xml(place_seller, member):
    draft = invoice_draft(seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()])
    with pytest.raises(ValueError, match="émis"):
        cii_xml(draft)


line_inputs = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3),
        st.integers(min_value=0, max_value=1_000_000),
        st.sampled_from(VAT_RATES_BP),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(raw_lines=line_inputs)
def test_xml_totals_reconcile_to_the_cent_with_the_invoice(raw_lines):
    invoice = invoice_create(
        seller=LegalEntityFactory(),
        buyer=Buyer(user=UserFactory()),
        lines=[
            LineInput(label=f"Ligne {n}", quantity=q, unit_price_ht_cents=price, vat_rate_bp=rate)
            for n, (q, price, rate) in enumerate(raw_lines, start=1)
        ],
        now=ISSUED_AT,
    )
    root = parsed(invoice)
    line_nets = [
        cents(v) for v in texts(root, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount")
    ]
    line_rates = [
        Decimal(v)
        for v in texts(root, "//ram:SpecifiedLineTradeSettlement//ram:RateApplicablePercent")
    ]
    breakdown = vat_breakdown(root)
    for _category, rate, basis, vat in breakdown:
        # BR-S-08: the basis of a rate is the sum of the line nets at that rate; BR-S-09: the
        # VAT is that basis × rate, rounded half up to the cent.
        pairs = zip(line_nets, line_rates, strict=True)
        assert cents(basis) == sum(net for net, r in pairs if r == Decimal(rate))
        expected = (Decimal(cents(basis)) * Decimal(rate) / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        assert cents(vat) == expected
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert cents(text(root, summation + "LineTotalAmount")) == sum(line_nets)
    assert cents(text(root, summation + "TaxBasisTotalAmount")) == invoice.total_ht_cents
    assert sum(cents(b[3]) for b in breakdown) == invoice.total_vat_cents
    assert cents(text(root, summation + "TaxTotalAmount")) == invoice.total_vat_cents
    assert cents(text(root, summation + "GrandTotalAmount")) == invoice.total_ttc_cents
    assert cents(text(root, summation + "DuePayableAmount")) == invoice.total_ttc_cents
    assert [
        cents(x) for x in texts(root, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount")
    ] == [line.net_cents for line in invoice.lines.all()]
    assert facturx.xml_check_xsd(cii_xml(invoice), flavor="factur-x", level="en16931") is True
    assert invoice.issue_date == date(2026, 11, 30)


def test_an_electronic_address_replaces_the_email_as_the_party_address(place_seller, member):
    from maillage.billing.models import LegalEntity

    LegalEntity.objects.filter(pk=place_seller.pk).update(electronic_address="123456782")
    place_seller.refresh_from_db()
    invoice = invoice_create(
        seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()], now=ISSUED_AT
    )
    xml = cii_xml(invoice).decode()
    assert '<ram:URIID schemeID="0225">123456782</ram:URIID>' in xml
    assert facturx.xml_check_xsd(cii_xml(invoice), flavor="factur-x", level="en16931") is True
