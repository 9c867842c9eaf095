"""Template filter for commune names after « de »: {{ name|with_de }} → "du Havre"."""

from django import template

from maillage.territory import names

register = template.Library()


@register.filter
def with_de(name: str) -> str:
    return names.with_de(str(name)) if name else ""
