"""`bars`: an accessible horizontal grouped bar chart in SVG; `tornado`: a sensitivity chart."""

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


TORNADO_LABEL_HEIGHT = 16
TORNADO_ROW_GAP = 8
TORNADO_VALUE_SPACE = 70  # room for a value written at each end of the bars
TORNADO_SIDES = ("bas de la plage", "haut de la plage")


def tornado(
    labels: Sequence[str],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    point: float,
    title: str,
    unit: str,
    decimals: int | None = None,
    ident: str | None = None,
    description: str = "",
) -> str:
    """A tornado chart (one-at-a-time sensitivity): one row per parameter, in the given order,
    two bars from the point estimate's line to the figure with the parameter at the low end
    (`lows`) and at the high end (`highs`) of its range; both values written at the bar ends.

    Colour says which end of the range (legend); the description lists every row, so the chart
    reads without sight.
    """
    if not len(labels) == len(lows) == len(highs):
        raise ValueError(f"{len(labels)} labels for {len(lows)} lows and {len(highs)} highs")
    ident = drawing_id(ident, "tornade", title, unit, *labels)
    numbers = [float(point), *map(float, lows), *map(float, highs)]
    if decimals is None:
        decimals = _auto_decimals(numbers)
    finite = [v for v in numbers if math.isfinite(v)]
    low, high = min(finite, default=0.0), max(finite, default=0.0)
    span = high - low or 1.0
    left = CHART_MARGIN + TORNADO_VALUE_SPACE
    scale = (CHART_WIDTH - 2 * (CHART_MARGIN + TORNADO_VALUE_SPACE)) / span

    def x_of(value: float) -> float:
        return left + (value - low) * scale

    def shown(value: float) -> str:
        return french_number(value, decimals) if math.isfinite(value) else NO_VALUE_LABEL

    legend, x = [], CHART_MARGIN
    y = TITLE_HEIGHT + 4
    for index, side in enumerate(TORNADO_SIDES):
        legend.append(
            f'<rect class="obs-serie-{index + 1}" x="{coordinate(x)}" y="{coordinate(y)}" '
            f'width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH - 4}" fill="{SERIES[index]}"/>'
            + svg_text(x + LEGEND_SWATCH + 6, y + LEGEND_SWATCH - 4, f"paramètre au {side}")
        )
        x += LEGEND_SWATCH + 6 + len(side) * 7 + 110
    legend.append(svg_text(x, y + LEGEND_SWATCH - 4, f"trait : estimation centrale {shown(point)}"))
    top = y + LEGEND_ROW + 8
    row_height = TORNADO_LABEL_HEIGHT + BAR_HEIGHT + TORNADO_ROW_GAP
    height = top + len(labels) * row_height
    summary = [description] if description else []
    summary.append(f"Valeurs en {unit} ; estimation centrale {shown(point)}.")
    for label, at_low, at_high in zip(labels, lows, highs, strict=True):
        summary.append(
            f"{label} : {shown(float(at_low))} au bas de la plage, "
            f"{shown(float(at_high))} au haut de la plage."
        )
    point_x = x_of(float(point))
    body = [
        open_svg(ident, CHART_WIDTH, height, title, " ".join(summary), "obs-tornade"),
        svg_text(CHART_MARGIN, 18, f"{title} ({unit})", size=14, extra=' font-weight="bold"'),
        *legend,
    ]
    for row, label in enumerate(labels):
        row_top = top + row * row_height
        bar_y = row_top + TORNADO_LABEL_HEIGHT
        body.append('<g class="obs-groupe">' + svg_text(CHART_MARGIN, row_top + 12, label))
        for index, value in enumerate((float(lows[row]), float(highs[row]))):
            end = x_of(value) if math.isfinite(value) else point_x
            start, width = min(point_x, end), abs(end - point_x)
            text = shown(value)
            body.append(
                f'<rect class="obs-serie-{index + 1}" x="{coordinate(start)}" '
                f'y="{coordinate(bar_y)}" width="{coordinate(width)}" height="{BAR_HEIGHT}" '
                f'fill="{SERIES[index]}" data-valeur="{value!r}">'
                f"<title>{escape(label)} — paramètre au {TORNADO_SIDES[index]} : "
                f"{escape(text)} {escape(unit)}</title></rect>"
            )
            # The value beside the bar's far end, outside it: left of a bar going left.
            anchor = ' text-anchor="end"' if end < point_x else ""
            text_x = end - 4 if end < point_x else end + 4
            body.append(svg_text(text_x, bar_y + BAR_HEIGHT - 3, text, size=11, extra=anchor))
        body.append("</g>")
    body.append(
        f'<line x1="{coordinate(point_x)}" x2="{coordinate(point_x)}" y1="{coordinate(top)}" '
        f'y2="{coordinate(height - TORNADO_ROW_GAP)}" stroke="{INK}" stroke-width="1"/>'
    )
    body.append("</svg>")
    return "".join(body)
