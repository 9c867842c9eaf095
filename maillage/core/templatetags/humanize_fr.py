"""Numbers written the French way: 3 330 478 and 12,5 (narrow no-break space between thousands,
comma as decimal mark)."""

from django import template

register = template.Library()


def french_decimal(value: float | int | None, decimals: int = 0) -> str:
    """`1234.5, 1` → « 1 234,5 »; None → « » (a missing value shows as nothing, not as 0)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if decimals == 0 and text in {"-0", "−0"}:
        text = "0"
    return text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")


@register.filter
def thousands(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}".replace(",", "\u202f")


@register.filter
def decimal_fr(value: float | int | None, decimals: int = 0) -> str:
    return french_decimal(value, int(decimals))


@register.filter
def thousands_int(value: int | float | None) -> str:
    """A count stored as a float (INSEE weights, sums of arrays) shown as a whole number."""
    return french_decimal(value, 0)
