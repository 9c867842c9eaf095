"""Display helpers for booking pages: money in euros, instants in Paris time."""

from datetime import datetime

from django import template

from maillage.places.opening_hours import PARIS

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """1500 → « 15,00 € » (French format, non-breaking space before the sign)."""
    if cents is None:
        return ""
    whole, rest = divmod(int(cents), 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


@register.filter
def paris(moment: datetime | None) -> datetime | None:
    return moment.astimezone(PARIS) if moment else None
