"""Numbers written the French way: 3 330 478 (narrow no-break space between thousands)."""

from django import template

register = template.Library()


@register.filter
def thousands(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}".replace(",", "\u202f")
