"""Small SVG pieces shared by the maps and the charts: numbers, ids, text, the opening tag."""

import hashlib
import math
from html import escape

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory.svg.palettes import FONT, INK

# Side of a legend's colour swatch, the same on maps and charts.
LEGEND_SWATCH = 14


def french_number(value: float, decimals: int) -> str:
    """A number for people: narrow no-break space between thousands, decimal comma, true minus."""
    return french_decimal(value, decimals)


def coordinate(value: float) -> str:
    """A coordinate for the SVG syntax (dot decimal, at most one decimal, no `-0`)."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def is_value(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def drawing_id(ident: str | None, *parts: str) -> str:
    """A stable id prefix: the caller's, or one derived from the text (same drawing, same ids)."""
    if ident:
        return ident
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"obs-svg-{digest[:10]}"


def count_text(number: int, names: tuple[str, str]) -> str:
    """« 1 commune », « 3 communes » (French plural from 2 on)."""
    return f"{french_number(number, 0)} {names[0] if number < 2 else names[1]}"


def wrap(text: str, width: int) -> list[str]:
    """Words of `text` on lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def svg_text(x: float, y: float, content: str, *, size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{coordinate(x)}" y="{coordinate(y)}" font-size="{size}" fill="{INK}"'
        f"{extra}>{escape(content)}</text>"
    )


def open_svg(ident: str, width: float, height: float, title: str, desc: str, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" id="{ident}" '
        f'viewBox="0 0 {coordinate(width)} {coordinate(height)}" width="100%" '
        f'role="img" aria-labelledby="{ident}-titre {ident}-desc" focusable="false" '
        f'font-family="{escape(FONT)}">'
        f'<title id="{ident}-titre">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )
