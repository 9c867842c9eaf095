"""Display of the employer pages: amounts in euros, decimals the French way."""

from django import template

from maillage.billing.amounts import euros

register = template.Library()


@register.filter
def cents_euros(cents: int | None) -> str:
    return euros(cents or 0)


@register.filter
def french_decimal(value: float | None) -> str:
    """12.5 → « 12,5 »; 3.0 → « 3 »."""
    if value is None:
        return "—"
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")
