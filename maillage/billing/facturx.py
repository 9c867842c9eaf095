"""The Cross Industry Invoice (UN/CEFACT D16B) of an issued document, at the Factur-X EN 16931
profile: the XML embedded in the PDF as `factur-x.xml`, and what an accounting program or a
plateforme agréée reads instead of the page.

Everything comes from the frozen identities (`Invoice.seller_data`, `buyer_data`) and the lines,
never from the live `LegalEntity`: a seller that moved still gets the XML of what it issued.
The French mentions travel as notes with the subject codes of the French CIUS (PMT, PMD, AAB,
TXD), and the nature of the operation as the billing mode (BT-23).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from maillage.billing.amounts import totals
from maillage.billing.models import Invoice

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
GUIDELINE = "urn:cen.eu:en16931:2017"

TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
TYPE_SELF_BILLED_INVOICE = "389"
TYPE_SELF_BILLED_CREDIT_NOTE = "261"
SCHEME_ELECTRONIC_DIRECTORY = "0225"  # the French e-invoicing directory
SEPA_CREDIT_TRANSFER = "58"
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"
FRANCHISE_REASON = "TVA non applicable, art. 293 B du CGI"
FRANCHISE_REASON_CODE = "VATEX-FR-FRANCHISE"
# BT-8 in CII (UNTDID 2005): 5 = the invoice date, the tax point under the option for debits.
TAX_POINT_INVOICE_DATE = "5"
# BT-23, billing mode of the French e-invoicing reform (BR-FR-08): first invoice of a sale, by
# nature. Chorus Pro reads its own « cadre de facturation » there: A1, an invoice deposited by
# the supplier.
BILLING_MODE = {"services": "S1", "goods": "B1", "mixed": "M1"}
CHORUS_BILLING_MODE = "A1"

RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."
)
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
VAT_ON_DEBITS = "Option pour le paiement de la TVA d'après les débits."
NATURE_LABEL = {
    "services": "Prestations de services",
    "goods": "Livraisons de biens",
    "mixed": "Opération mixte (livraisons de biens et prestations de services)",
}


@dataclass(frozen=True)
class Note:
    """One French mention: its text, and its UNTDID 4451 subject code (empty for none)."""

    subject: str
    text: str


def late_penalty_text(seller_data: dict) -> str:
    rate = seller_data.get("late_penalty_rate") or "trois fois le taux d'intérêt légal"
    return f"Pénalités de retard exigibles dès le lendemain de l'échéance : {rate}."


def vat_category(rate_bp: int, seller_data: dict) -> str:
    """S for a taxed line, E for a seller under the franchise (art. 293 B), Z for 0 % otherwise."""
    if rate_bp > 0:
        return "S"
    return "E" if seller_data.get("vat_regime") == "franchise" else "Z"


def notes(invoice: Invoice) -> list[Note]:
    """The mentions the page prints and the XML carries, in one place so both say the same."""
    seller, buyer = invoice.seller_data, invoice.buyer_data
    found = [Note("AAI", f"Nature de l'opération : {NATURE_LABEL[invoice.nature].lower()}.")]
    if invoice.reason:
        found.append(Note("ACD", invoice.reason))
    if seller.get("vat_regime") == "franchise":
        found.append(Note("TXD", f"{FRANCHISE_REASON}."))
    elif seller.get("vat_on_debits"):
        found.append(Note("TXD", VAT_ON_DEBITS))
    if buyer.get("is_business"):
        found.append(Note("PMT", RECOVERY_INDEMNITY))
        found.append(Note("PMD", late_penalty_text(seller)))
    found.append(Note("AAB", NO_DISCOUNT))
    return found


def cents_text(cents: int) -> str:
    """Integer cents as the decimal the schema wants: 123456 → "1234.56" (never a float)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def rate_text(rate_bp: int) -> str:
    """2000 → "20", 550 → "5.5" (the spellings BR-FR-16 accepts)."""
    return format((Decimal(rate_bp) / 100).normalize(), "f")


def quantity_text(quantity: Decimal) -> str:
    return format(Decimal(quantity).normalize(), "f")


class _Builder:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    @staticmethod
    def add(parent, name: str, text: str | None = None, **attrs):
        prefix, local = name.split(":")
        element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{local}", attrs)
        if text is not None:
            element.text = text
        return element

    def date(self, parent, name: str, day: date, *, qualified: bool = False):
        holder = self.add(parent, name)
        prefix = "qdt" if qualified else "udt"
        self.add(holder, f"{prefix}:DateTimeString", day.strftime("%Y%m%d"), format="102")
        return holder


def _party(b: _Builder, parent, tag: str, data: dict, *, public_buyer: bool = False) -> None:
    party = b.add(parent, tag)
    siren, siret = data.get("siren") or "", data.get("siret") or ""
    if siret:
        b.add(party, "ram:GlobalID", siret, schemeID=SCHEME_SIRET)
    b.add(party, "ram:Name", data["name"])
    if tag == "ram:SellerTradeParty":
        legal = " – ".join(
            piece
            for piece in (
                data.get("legal_form") or "",
                f"capital social {data['share_capital']}" if data.get("share_capital") else "",
                data.get("rcs") or "",
            )
            if piece
        )
        if legal:
            b.add(party, "ram:Description", legal)
    # A public buyer is identified on Chorus Pro by its SIRET; everyone else by the SIREN.
    if public_buyer and siret:
        organisation = b.add(party, "ram:SpecifiedLegalOrganization")
        b.add(organisation, "ram:ID", siret, schemeID=SCHEME_SIRET)
    elif siren:
        organisation = b.add(party, "ram:SpecifiedLegalOrganization")
        b.add(organisation, "ram:ID", siren, schemeID=SCHEME_SIREN)
    address = b.add(party, "ram:PostalTradeAddress")
    if data.get("postcode"):
        b.add(address, "ram:PostcodeCode", data["postcode"])
    if data.get("address"):
        b.add(address, "ram:LineOne", data["address"])
    if data.get("city"):
        b.add(address, "ram:CityName", data["city"])
    b.add(address, "ram:CountryID", (data.get("country") or "FR").upper())
    if data.get("electronic_address"):
        contact = b.add(party, "ram:URIUniversalCommunication")
        b.add(
            contact,
            "ram:URIID",
            data["electronic_address"],
            schemeID=SCHEME_ELECTRONIC_DIRECTORY,
        )
    elif data.get("email"):
        contact = b.add(party, "ram:URIUniversalCommunication")
        b.add(contact, "ram:URIID", data["email"], schemeID="EM")
    if data.get("vat_number"):
        registration = b.add(party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", data["vat_number"], schemeID="VA")
    elif tag == "ram:SellerTradeParty" and siren:
        # BR-E-02 / BR-Z-02: a seller without a VAT number (franchise) gives its tax
        # registration instead, the SIREN.
        registration = b.add(party, "ram:SpecifiedTaxRegistration")
        b.add(registration, "ram:ID", siren, schemeID="FC")


def _tax(b: _Builder, parent, rate_bp: int, seller: dict, *, base=None, vat=None, debits=False):
    tax = b.add(parent, "ram:ApplicableTradeTax")
    category = vat_category(rate_bp, seller)
    if vat is not None:
        b.add(tax, "ram:CalculatedAmount", cents_text(vat))
    b.add(tax, "ram:TypeCode", "VAT")
    if category == "E" and base is not None:
        b.add(tax, "ram:ExemptionReason", FRANCHISE_REASON)
    if base is not None:
        b.add(tax, "ram:BasisAmount", cents_text(base))
    b.add(tax, "ram:CategoryCode", category)
    if category == "E" and base is not None:
        b.add(tax, "ram:ExemptionReasonCode", FRANCHISE_REASON_CODE)
    if debits and category == "S":
        b.add(tax, "ram:DueDateTypeCode", TAX_POINT_INVOICE_DATE)
    b.add(tax, "ram:RateApplicablePercent", rate_text(rate_bp))


def _period(b: _Builder, parent, start: date | None, end: date | None) -> None:
    if not (start or end):
        return
    period = b.add(parent, "ram:BillingSpecifiedPeriod")
    if start:
        b.date(period, "ram:StartDateTime", start)
    if end:
        b.date(period, "ram:EndDateTime", end)


def _line(b: _Builder, parent, line, seller: dict) -> None:
    item = b.add(parent, "ram:IncludedSupplyChainTradeLineItem")
    b.add(b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.position))
    b.add(b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.label)
    agreement = b.add(item, "ram:SpecifiedLineTradeAgreement")
    price = b.add(agreement, "ram:NetPriceProductTradePrice")
    b.add(price, "ram:ChargeAmount", cents_text(line.unit_price_ht_cents))
    delivery = b.add(item, "ram:SpecifiedLineTradeDelivery")
    b.add(delivery, "ram:BilledQuantity", quantity_text(line.quantity), unitCode=line.unit)
    settlement = b.add(item, "ram:SpecifiedLineTradeSettlement")
    _tax(b, settlement, line.vat_rate_bp, seller)
    _period(b, settlement, line.service_date, line.service_date)
    summation = b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    b.add(summation, "ram:LineTotalAmount", cents_text(line.net_cents))


def type_code(invoice: Invoice) -> str:
    """UNTDID 1001: 380/381, or 389/261 when the buyer issued it on the seller's behalf."""
    if invoice.self_billed:
        return TYPE_SELF_BILLED_CREDIT_NOTE if invoice.is_credit_note else TYPE_SELF_BILLED_INVOICE
    return TYPE_CREDIT_NOTE if invoice.is_credit_note else TYPE_INVOICE


def cii_xml(invoice: Invoice) -> bytes:
    """The CII XML (Factur-X EN 16931) of an issued invoice or credit note, UTF-8 bytes."""
    if not invoice.is_issued:
        raise ValueError("Seul un document émis a un XML Factur-X.")
    seller, buyer = invoice.seller_data, invoice.buyer_data
    lines = list(invoice.lines.all())
    sums = totals((line.net_cents, line.vat_rate_bp) for line in lines)
    public_buyer = bool(buyer.get("is_public_body"))
    b = _Builder()

    context = b.add(b.root, "rsm:ExchangedDocumentContext")
    mode = CHORUS_BILLING_MODE if public_buyer else BILLING_MODE[invoice.nature]
    b.add(b.add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", mode)
    b.add(b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    document = b.add(b.root, "rsm:ExchangedDocument")
    b.add(document, "ram:ID", invoice.reference)
    b.add(document, "ram:TypeCode", type_code(invoice))
    b.date(document, "ram:IssueDateTime", invoice.issue_date)
    for note in notes(invoice):
        included = b.add(document, "ram:IncludedNote")
        b.add(included, "ram:Content", note.text)
        if note.subject:
            b.add(included, "ram:SubjectCode", note.subject)

    transaction = b.add(b.root, "rsm:SupplyChainTradeTransaction")
    for line in lines:
        _line(b, transaction, line, seller)

    agreement = b.add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if buyer.get("service_code"):
        b.add(agreement, "ram:BuyerReference", buyer["service_code"])
    _party(b, agreement, "ram:SellerTradeParty", seller)
    _party(b, agreement, "ram:BuyerTradeParty", buyer, public_buyer=public_buyer)
    if invoice.buyer_order_ref:
        order = b.add(agreement, "ram:BuyerOrderReferencedDocument")
        b.add(order, "ram:IssuerAssignedID", invoice.buyer_order_ref)

    b.add(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = b.add(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.add(settlement, "ram:PaymentReference", invoice.reference)
    b.add(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if seller.get("iban") and not invoice.is_credit_note:
        means = b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        b.add(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
        account = b.add(means, "ram:PayeePartyCreditorFinancialAccount")
        b.add(account, "ram:IBANID", compact_iban(seller["iban"]))
        if seller.get("bic"):
            bank = b.add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            b.add(bank, "ram:BICID", seller["bic"].strip().upper())
    for part in sums.breakdown:
        _tax(
            b,
            settlement,
            part.rate_bp,
            seller,
            base=part.base_cents,
            vat=part.vat_cents,
            debits=bool(seller.get("vat_on_debits")),
        )
    _period(b, settlement, invoice.service_start, invoice.service_end)
    if invoice.due_date:
        terms = b.add(settlement, "ram:SpecifiedTradePaymentTerms")
        b.add(terms, "ram:Description", payment_terms_text(invoice))
        b.date(terms, "ram:DueDateDateTime", invoice.due_date)
    summation = b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.add(summation, "ram:LineTotalAmount", cents_text(sum(line.net_cents for line in lines)))
    b.add(summation, "ram:TaxBasisTotalAmount", cents_text(sums.ht_cents))
    b.add(summation, "ram:TaxTotalAmount", cents_text(sums.vat_cents), currencyID="EUR")
    b.add(summation, "ram:GrandTotalAmount", cents_text(sums.ttc_cents))
    b.add(summation, "ram:DuePayableAmount", cents_text(sums.ttc_cents))
    if invoice.is_credit_note and invoice.corrects is not None:
        original = b.add(settlement, "ram:InvoiceReferencedDocument")
        b.add(original, "ram:IssuerAssignedID", invoice.corrects.reference)
        b.date(original, "ram:FormattedIssueDateTime", invoice.corrects.issue_date, qualified=True)
    return etree.tostring(b.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def compact_iban(iban: str) -> str:
    return "".join((iban or "").split()).upper()


def payment_terms_text(invoice: Invoice) -> str:
    """BT-20, as the page words it."""
    if invoice.is_credit_note:
        return f"Avoir à déduire ou à rembourser, au plus tard le {invoice.due_date:%d/%m/%Y}."
    if invoice.due_date == invoice.issue_date:
        return "Payable à réception."
    days = (invoice.due_date - invoice.issue_date).days
    return f"Paiement à {days} jours, au plus tard le {invoice.due_date:%d/%m/%Y}."
