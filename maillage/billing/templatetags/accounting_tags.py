"""Money and VAT rates on the sellers' pages, in the invoices' own French format."""

from django import template

from maillage.billing.amounts import euros, rate_label

register = template.Library()


@register.filter
def money(cents: int | None) -> str:
    """-1550 → « -15,50 € » (net totals go below zero when credit notes exceed invoices)."""
    return "" if cents is None else euros(int(cents))


@register.filter
def vat_rate(rate_bp: int | None) -> str:
    return "" if rate_bp is None else rate_label(int(rate_bp))
