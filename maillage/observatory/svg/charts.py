"""`bars`: an accessible horizontal grouped bar chart in SVG."""

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from maillage.observatory.svg.palettes import INK, NO_VALUE_LABEL, SERIES
from maillage.observatory.svg.pieces import (
    LEGEND_SWATCH,
    coordinate,
    drawing_id,
    french_number,
    is_value,
    open_svg,
    svg_text,
)

CHART_WIDTH = 720
CHART_MARGIN = 8
VALUE_SPACE = 230  # room on the right of the longest bar for « série : valeur »
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_LABEL_HEIGHT = 18
GROUP_GAP = 10

LEGEND_ROW = 18
TITLE_HEIGHT = 28


def _auto_decimals(numbers: Iterable[float]) -> int:
    """0 decimals for amounts of 100 and more, 1 below (a tenth of a desk still means something
    when a commune needs 2.4 desks, not when a territory needs 1,234)."""
    largest = max((abs(v) for v in numbers if is_value(v)), default=0.0)
    return 0 if largest >= 100 else 1


def bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    unit: str,
    decimals: int | None = None,
    ident: str | None = None,
    description: str = "",
    domain: tuple[float, float] | None = None,
) -> str:
    """A horizontal grouped bar chart: one group per label, one bar per series in each group,
    the value written after each bar. Negative values extend left of a zero line.

    The description (read by screen readers) lists every value, so the chart is complete
    without sight; give `description` to put a sentence before that list. `domain` (low, high)
    fixes the scale, so that charts shown side by side (one per scenario) share it; values are
    widened to include 0 and the values themselves.
    """
    ident = drawing_id(ident, "barres", title, unit, *labels)
    names = list(series)
    for name in names:
        if len(series[name]) != len(labels):
            raise ValueError(f"series {name!r}: {len(series[name])} values for {len(labels)}")
    numbers = [float(v) for name in names for v in series[name]]
    if decimals is None:
        decimals = _auto_decimals(numbers)
    finite = [v for v in numbers if math.isfinite(v)]
    low, high = min([0.0, *finite, *(domain or ())]), max([0.0, *finite, *(domain or ())])
    span = high - low or 1.0
    bar_space = CHART_WIDTH - 2 * CHART_MARGIN - VALUE_SPACE
    scale = bar_space / span
    zero_x = CHART_MARGIN + (-low) * scale

    def shown(value: float) -> str:
        return french_number(value, decimals) if math.isfinite(value) else NO_VALUE_LABEL

    # Legend: swatches in a row, wrapped when the names do not fit.
    legend: list[str] = []
    x, y = CHART_MARGIN, TITLE_HEIGHT + 4
    for index, name in enumerate(names):
        width = LEGEND_SWATCH + 6 + len(name) * 7 + 18
        if x > CHART_MARGIN and x + width > CHART_WIDTH - CHART_MARGIN:
            x, y = CHART_MARGIN, y + LEGEND_ROW
        legend.append(
            f'<rect class="obs-serie-{index + 1}" x="{coordinate(x)}" y="{coordinate(y)}" '
            f'width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH - 4}" '
            f'fill="{SERIES[index % len(SERIES)]}"/>'
            + svg_text(x + LEGEND_SWATCH + 6, y + LEGEND_SWATCH - 4, name)
        )
        x += width
    top = y + LEGEND_ROW + 8
    group_height = GROUP_LABEL_HEIGHT + len(names) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = top + len(labels) * group_height
    summary = [description] if description else []
    summary.append(f"Valeurs en {unit}.")
    for row, label in enumerate(labels):
        parts = ", ".join(f"{name} {shown(float(series[name][row]))}" for name in names)
        summary.append(f"{label} : {parts}.")
    body = [
        open_svg(ident, CHART_WIDTH, height, title, " ".join(summary), "obs-barres"),
        svg_text(CHART_MARGIN, 18, f"{title} ({unit})", size=14, extra=' font-weight="bold"'),
        *legend,
        f'<line x1="{coordinate(zero_x)}" x2="{coordinate(zero_x)}" y1="{coordinate(top)}" '
        f'y2="{coordinate(height - GROUP_GAP)}" stroke="{INK}" stroke-width="1"/>',
    ]
    for row, label in enumerate(labels):
        group_top = top + row * group_height
        body.append(
            '<g class="obs-groupe">'
            + svg_text(CHART_MARGIN, group_top + 13, label, extra=' font-weight="bold"')
        )
        for index, name in enumerate(names):
            value = float(series[name][row])
            length = abs(value) * scale if math.isfinite(value) else 0.0
            start = zero_x - length if value < 0 else zero_x
            bar_y = group_top + GROUP_LABEL_HEIGHT + index * (BAR_HEIGHT + BAR_GAP)
            text = f"{name} : {shown(value)}"
            body.append(
                f'<rect class="obs-serie-{index + 1}" x="{coordinate(start)}" '
                f'y="{coordinate(bar_y)}" width="{coordinate(length)}" height="{BAR_HEIGHT}" '
                f'fill="{SERIES[index % len(SERIES)]}" data-valeur="{value!r}">'
                f"<title>{escape(label)} — {escape(text)} {escape(unit)}</title></rect>"
                + svg_text(max(zero_x, start + length) + 6, bar_y + BAR_HEIGHT - 3, text, size=11)
            )
        body.append("</g>")
    body.append("</svg>")
    return "".join(body)
