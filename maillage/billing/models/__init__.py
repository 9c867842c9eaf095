from maillage.billing.models.entities import LegalEntity, VatRegime
from maillage.billing.models.invoices import (
    VAT_RATES_BP,
    AccountingPeriod,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
)

__all__ = [
    "VAT_RATES_BP",
    "AccountingPeriod",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "LegalEntity",
    "VatRegime",
]
