"""French money and percent display of the plan's cents and rates."""

from django import template

register = template.Library()


@register.filter
def euros(cents) -> str:
    """123456 → « 1 234,56 € » (narrow no-break space between thousands)."""
    if cents is None or cents == "":
        return "—"
    sign = "−" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}".replace(",", "\u202f") + f",{part:02d}\u00a0€"


@register.filter
def rate(value) -> str:
    """0.456 → « 45,6 % »; None → « — »."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"


@register.filter
def at(sequence, index):
    """The item `index` of a list, for tables whose columns are years."""
    try:
        return sequence[index]
    except (IndexError, TypeError, KeyError):
        return ""


@register.filter
def plural_fr(count) -> str:
    """« s » from 2 on: in French 0 and 1 are singular (« 0 poste », « 1 poste », « 2 postes »)."""
    try:
        return "s" if abs(float(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""
