"""Server-side SVG drawings of the observatory: choropleth maps and horizontal bar charts.

Pure functions from numbers and GeoJSON text to SVG text: no database, no JavaScript, no
external resource, no `style` attribute (the site's Content-Security-Policy refuses inline
styles; presentation attributes such as `fill` are allowed). The same drawing therefore works
inside a page, in a self-contained HTML report opened from a disk, and printed.

Accessibility: every drawing is `role="img"` with a `<title>` and a `<desc>` named by
`aria-labelledby`; each map area and each bar carries its own `<title>` (name and value), values
are written as text beside the bars and in the legend, so colour is never the only carrier of
information. The palettes are ColorBrewer schemes that stay distinguishable with the common
colour-vision deficiencies (Oranges for amounts; RdBu for a signed gap, with the surplus in
blue and the unmet need in red), taken with as many colours as there are classes, so that two
classes are never two near-whites.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from maillage.core.templatetags.humanize_fr import french_decimal

# --- palettes ----------------------------------------------------------------------------------

# ColorBrewer (Brewer, Penn State) Oranges, light to dark, by number of classes: a sequential
# scheme marked colour-blind safe and print friendly. Two classes take the ends of three.
SEQUENTIAL: dict[int, tuple[str, ...]] = {
    1: ("#fdae6b",),
    2: ("#fee6ce", "#e6550d"),
    3: ("#fee6ce", "#fdae6b", "#e6550d"),
    4: ("#feedde", "#fdbe85", "#fd8d3c", "#d94701"),
    5: ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"),
}
MAX_CLASSES = 5
# ColorBrewer RdBu (diverging, colour-blind safe), one side at a time: the 3-, 5- and 7-class
# schemes give 1, 2 and 3 colours a side. Surplus (negative) in blue, darkest = largest surplus;
# unmet need (positive) in red, darkest = largest need; zero is the neutral middle.
NEGATIVE: dict[int, tuple[str, ...]] = {
    1: ("#67a9cf",),
    2: ("#0571b0", "#92c5de"),
    3: ("#2166ac", "#67a9cf", "#d1e5f0"),
}
POSITIVE: dict[int, tuple[str, ...]] = {
    1: ("#ef8a62",),
    2: ("#f4a582", "#ca0020"),
    3: ("#fddbc7", "#ef8a62", "#b2182b"),
}
SIDE_CLASSES = 3
ZERO = "#f7f7f7"
NO_VALUE = "#d9d9d9"
NO_VALUE_HATCH = "#808080"
# Okabe & Ito (2008) qualitative palette, for the series of a bar chart.
SERIES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
INK = "#1f2933"
OUTLINE = "#4d4d4d"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

NO_VALUE_LABEL = "pas de valeur"
NO_VALUE_CLASS = "obs-classe-sans-valeur"

# --- map geometry, in SVG user units (the drawing scales to the width of its container) --------

# Maps are often shown three abreast (scenarios side by side): a narrow drawing keeps its text
# readable once scaled down to a third of a page.
MAP_WIDTH = 480
MAP_MAX_HEIGHT = 400
MAP_MARGIN = 8
MAP_FONT = 14
MAP_TITLE_FONT = 15
MAP_TITLE_LINE = 19
MAP_TITLE_CHARS = 52  # characters per title line before wrapping
MAP_LEGEND_ROW = 20
TITLE_HEIGHT = 28
LEGEND_ROW = 18
LEGEND_SWATCH = 14

# --- bar chart geometry ------------------------------------------------------------------------

CHART_WIDTH = 720
CHART_MARGIN = 8
VALUE_SPACE = 230  # room on the right of the longest bar for « série : valeur »
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_LABEL_HEIGHT = 18
GROUP_GAP = 10


# --- numbers -----------------------------------------------------------------------------------


def french_number(value: float, decimals: int) -> str:
    """A number for people: narrow no-break space between thousands, decimal comma, true minus."""
    return french_decimal(value, decimals)


def _coordinate(value: float) -> str:
    """A coordinate for the SVG syntax (dot decimal, at most one decimal, no `-0`)."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _is_value(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# --- classes -----------------------------------------------------------------------------------


def quantile_breaks(values: Iterable[float], classes: int) -> tuple[float, ...]:
    """Upper bounds of all classes but the last, so that each class holds ≈ n / `classes` values.

    Class `i` is `(breaks[i-1], breaks[i]]` (the first one has no lower bound, the last one no
    upper bound). Break `i` is the value at rank ⌈i·n/classes⌉ of the sorted values, so a class
    never holds fewer values than its share; equal breaks merge (many communes at 0 make one
    class « 0 »), and a break equal to the maximum is dropped, so no class is ever empty.
    Non-finite values are ignored.
    """
    ordered = sorted(float(value) for value in values if _is_value(value))
    count = len(ordered)
    if count == 0 or classes < 2:
        return ()
    breaks: list[float] = []
    for i in range(1, classes):
        rank = -(-i * count // classes) - 1  # ⌈i·n/classes⌉ − 1, 0-based
        value = ordered[rank]
        if (not breaks or value > breaks[-1]) and value < ordered[-1]:
            breaks.append(value)
    return tuple(breaks)


def _bucket(value: float, breaks: Sequence[float]) -> int:
    """Index of the class of `value`: how many upper bounds it exceeds."""
    index = 0
    while index < len(breaks) and value > breaks[index]:
        index += 1
    return index


@dataclass(frozen=True)
class MapClass:
    """One colour of a map: its CSS class, fill and legend text."""

    key: str
    fill: str
    label: str


@dataclass(frozen=True)
class Cuts:
    """Quantile classes of one range of values: `breaks` between `low` and `high` (the
    smallest and largest value classified); class `i` is `(breaks[i-1], breaks[i]]`."""

    breaks: tuple[float, ...]
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float], classes: int) -> "Cuts | None":
        if not values:
            return None
        return cls(quantile_breaks(values, classes), min(values), max(values))

    def __len__(self) -> int:
        return len(self.breaks) + 1

    def bounds(self, index: int) -> tuple[float, float]:
        edges = (self.low, *self.breaks, self.high)
        return edges[index], edges[index + 1]

    def index(self, value: float) -> int:
        return _bucket(value, self.breaks)


@dataclass(frozen=True)
class ClassScheme:
    """How values become colours, built from values by `sequential_scheme` or `signed_scheme`.

    Pass one scheme to several maps (scenarios side by side, computed on all their values) so
    that a colour means the same amount on each of them. A value outside the values the scheme
    was built from falls in the nearest class.
    """

    signed: bool
    decimals: int
    cuts: Cuts | None = None
    negative: Cuts | None = None
    positive: Cuts | None = None
    zero_tolerance: float = 0.0
    has_zero: bool = False

    def class_of(self, value: float | None) -> MapClass:
        """The class of `value`; a missing or non-finite value is « pas de valeur »."""
        if not _is_value(value):
            return MapClass(NO_VALUE_CLASS, NO_VALUE, NO_VALUE_LABEL)
        if not self.signed:
            cuts = self.cuts or Cuts((), value, value)
            return self._sequential(cuts, cuts.index(value))
        if abs(value) <= self.zero_tolerance:
            return self._zero()
        side = self.negative if value < 0 else self.positive
        cuts = side or Cuts((), value, value)
        return self._side(cuts, cuts.index(value), negative=value < 0)

    def classes(self) -> list[MapClass]:
        """Every class of the legend, in order (most negative first for a signed scheme)."""
        if not self.signed:
            return (
                [self._sequential(self.cuts, i) for i in range(len(self.cuts))] if self.cuts else []
            )
        listed: list[MapClass] = []
        if self.negative:
            listed += [
                self._side(self.negative, i, negative=True) for i in range(len(self.negative))
            ]
        if self.has_zero:
            listed.append(self._zero())
        if self.positive:
            listed += [
                self._side(self.positive, i, negative=False) for i in range(len(self.positive))
            ]
        return listed

    def _label(self, cuts: Cuts, index: int) -> str:
        low, high = cuts.bounds(index)
        if low == high:
            return french_number(low, self.decimals)
        word = "de" if index == 0 else "plus de"
        return f"{word} {french_number(low, self.decimals)} à {french_number(high, self.decimals)}"

    def _sequential(self, cuts: Cuts, index: int) -> MapClass:
        palette = SEQUENTIAL[min(len(cuts), MAX_CLASSES)]
        index = min(index, len(palette) - 1)
        return MapClass(f"obs-classe-{index + 1}", palette[index], self._label(cuts, index))

    def _side(self, cuts: Cuts, index: int, *, negative: bool) -> MapClass:
        palettes, prefix, note = (
            (NEGATIVE, "neg", "offre excédentaire")
            if negative
            else (POSITIVE, "pos", "besoin non couvert")
        )
        palette = palettes[min(len(cuts), SIDE_CLASSES)]
        index = min(index, len(palette) - 1)
        return MapClass(
            f"obs-classe-{prefix}-{index + 1}",
            palette[index],
            f"{self._label(cuts, index)} ({note})",
        )

    def _zero(self) -> MapClass:
        return MapClass("obs-classe-zero", ZERO, f"{french_number(0, self.decimals)} (équilibre)")


def sequential_scheme(
    values: Iterable[float | None], *, classes: int = MAX_CLASSES, decimals: int = 1
) -> ClassScheme:
    """Quantile classes of amounts such as desks: at most 5 (the palette), fewer when values
    repeat (see `quantile_breaks`)."""
    finite = [float(v) for v in values if _is_value(v)]
    return ClassScheme(
        signed=False,
        decimals=decimals,
        cuts=Cuts.of(finite, max(1, min(classes, MAX_CLASSES))),
    )


def signed_scheme(values: Iterable[float | None], *, decimals: int = 1) -> ClassScheme:
    """Diverging classes of a signed value (the gap need − offer): up to 3 quantile classes of
    surplus (blue), « équilibre » for values that show as 0 at `decimals`, up to 3 of unmet need
    (red). Each side is cut on its own values, so a few large surpluses do not squash the reds.
    """
    finite = [float(v) for v in values if _is_value(v)]
    tolerance = 0.5 * 10 ** (-decimals)
    return ClassScheme(
        signed=True,
        decimals=decimals,
        negative=Cuts.of([v for v in finite if v < -tolerance], SIDE_CLASSES),
        positive=Cuts.of([v for v in finite if v > tolerance], SIDE_CLASSES),
        zero_tolerance=tolerance,
        has_zero=any(abs(v) <= tolerance for v in finite),
    )


# --- geometry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFeature:
    """One area to draw: its code (INSEE or SIREN), its name and its GeoJSON geometry, as the
    text stored in `outline` or already parsed; empty text means « no outline »."""

    code: str
    name: str
    geometry: str | dict | None


Ring = list[tuple[float, float]]


def polygons(geometry: str | dict | None) -> list[list[Ring]]:
    """The polygons (outer ring, then holes; lon/lat pairs) of a GeoJSON Polygon, MultiPolygon
    or GeometryCollection; anything else (points, lines, nothing) gives no polygon."""
    if not geometry:
        return []
    data = json.loads(geometry) if isinstance(geometry, str) else geometry
    kind = data.get("type")
    if kind == "Polygon":
        return [_rings(data.get("coordinates") or [])]
    if kind == "MultiPolygon":
        return [_rings(polygon) for polygon in data.get("coordinates") or []]
    if kind == "GeometryCollection":
        return [part for item in data.get("geometries") or [] for part in polygons(item)]
    return []


def _rings(coordinates: Sequence) -> list[Ring]:
    return [[(float(point[0]), float(point[1])) for point in ring] for ring in coordinates]


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection fitted to a box: x = (lon − west)·cos φ̄, y = north − lat,
    with φ̄ the middle latitude, so that shapes keep their proportions at the territory's
    latitude (a degree of longitude is ≈ 0.66 of a degree of latitude in France)."""

    west: float
    north: float
    factor: float
    scale: float
    offset_x: float
    offset_y: float
    width: float
    height: float

    @classmethod
    def fit(
        cls, shapes: Iterable[list[list[Ring]]], width: float, max_height: float
    ) -> "Projection":
        lons: list[float] = []
        lats: list[float] = []
        for shape in shapes:
            for polygon in shape:
                for ring in polygon:
                    for lon, lat in ring:
                        lons.append(lon)
                        lats.append(lat)
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        factor = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * factor, 1e-9)
        span_y = max(north - south, 1e-9)
        scale = min(width / span_x, max_height / span_y)
        return cls(
            west=west,
            north=north,
            factor=factor,
            scale=scale,
            offset_x=(width - span_x * scale) / 2,
            offset_y=0.0,
            width=width,
            height=span_y * scale,
        )

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        """Projected point in tenths of a user unit (integers: exact relative path steps)."""
        x = self.offset_x + (lon - self.west) * self.factor * self.scale
        y = self.offset_y + (self.north - lat) * self.scale
        return round(x * 10), round(y * 10)


def _tenths(value: int) -> str:
    return str(value // 10) if value % 10 == 0 else f"{value / 10:.1f}"


def path_data(shape: list[list[Ring]], projection: Projection, dx: float, dy: float) -> str:
    """SVG path of polygons: absolute start of each ring, then relative steps (compact);
    consecutive points that round to the same tenth are dropped, degenerate rings too."""
    origin_x, origin_y = round(dx * 10), round(dy * 10)
    parts: list[str] = []
    for polygon in shape:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for lon, lat in ring:
                x, y = projection.point(lon, lat)
                if not points or points[-1] != (x, y):
                    points.append((x, y))
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            x0, y0 = points[0]
            steps = [
                f"{_tenths(x1 - xp)} {_tenths(y1 - yp)}" for (xp, yp), (x1, y1) in pairwise(points)
            ]
            parts.append(
                f"M{_tenths(x0 + origin_x)} {_tenths(y0 + origin_y)}l" + " ".join(steps) + "z"
            )
    return "".join(parts)


# --- shared SVG pieces -------------------------------------------------------------------------


def _ident(ident: str | None, *parts: str) -> str:
    """A stable id prefix: the caller's, or one derived from the text (same drawing, same ids)."""
    if ident:
        return ident
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"obs-svg-{digest[:10]}"


def _count(number: int, names: tuple[str, str]) -> str:
    """« 1 commune », « 3 communes » (French plural from 2 on)."""
    return f"{french_number(number, 0)} {names[0] if number < 2 else names[1]}"


def _wrap(text: str, width: int) -> list[str]:
    """Words of `text` on lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, content: str, *, size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{_coordinate(x)}" y="{_coordinate(y)}" font-size="{size}" fill="{INK}"'
        f"{extra}>{escape(content)}</text>"
    )


def _open_svg(ident: str, width: float, height: float, title: str, desc: str, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" id="{ident}" '
        f'viewBox="0 0 {_coordinate(width)} {_coordinate(height)}" width="100%" '
        f'role="img" aria-labelledby="{ident}-titre {ident}-desc" focusable="false" '
        f'font-family="{escape(FONT)}">'
        f'<title id="{ident}-titre">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )


# --- choropleth --------------------------------------------------------------------------------


def choropleth(
    features: Sequence[MapFeature],
    values: Mapping[str, float | None],
    *,
    title: str,
    unit: str,
    classes: int = 5,
    decimals: int = 1,
    signed: bool = False,
    scheme: ClassScheme | None = None,
    ident: str | None = None,
    description: str = "",
    areas: tuple[str, str] = ("territoire", "territoires"),
) -> str:
    """An accessible SVG map of `features` coloured by `values[code]` (quantile classes).

    A code missing from `values` (or NaN) is drawn hatched as « pas de valeur ». `signed` uses
    the diverging palette (negative = surplus in blue, positive = unmet need in red). `scheme`
    imposes classes computed elsewhere (on several scenarios at once) instead of these values.
    Features without an outline are not drawn; the description says how many. `ident` prefixes
    the ids (title, desc, hatch pattern): give distinct ones to maps of the same page.
    `areas` names what is drawn (singular, plural) in the description: communes, EPCI…
    """
    ident = _ident(ident, "carte", title, unit)
    shapes = [(feature, polygons(feature.geometry)) for feature in features]
    drawn = [(feature, shape) for feature, shape in shapes if shape]
    feature_values = [values.get(feature.code) for feature, _ in drawn]
    if scheme is None:
        scheme = (
            signed_scheme(feature_values, decimals=decimals)
            if signed
            else sequential_scheme(feature_values, classes=classes, decimals=decimals)
        )
    legend = scheme.classes()
    missing = sum(1 for value in feature_values if not _is_value(value))
    if missing:
        legend.append(MapClass(NO_VALUE_CLASS, f"url(#{ident}-hachures)", NO_VALUE_LABEL))
    unplaced = len(shapes) - len(drawn)
    summary = [description] if description else []
    summary.append(
        f"Carte de {_count(len(drawn), areas)} ; couleurs par classes de quantiles, "
        f"en {unit} : " + " ; ".join(item.label for item in legend) + "."
    )
    if unplaced:
        summary.append(f"Sans contour, non dessinés : {_count(unplaced, areas)}.")
    title_lines = _wrap(title, MAP_TITLE_CHARS)
    map_top = MAP_MARGIN + len(title_lines) * MAP_TITLE_LINE + 8
    heading = "".join(
        _text(
            MAP_MARGIN,
            MAP_MARGIN + (line + 1) * MAP_TITLE_LINE - 5,
            part,
            size=MAP_TITLE_FONT,
            extra=' font-weight="bold"',
        )
        for line, part in enumerate(title_lines)
    )
    if not drawn:
        return (
            _open_svg(ident, MAP_WIDTH, map_top + 30, title, " ".join(summary), "obs-carte")
            + heading
            + _text(
                MAP_MARGIN,
                map_top + 16,
                "Aucun contour disponible pour cette carte.",
                size=MAP_FONT,
            )
            + "</svg>"
        )
    projection = Projection.fit(
        (shape for _, shape in drawn), MAP_WIDTH - 2 * MAP_MARGIN, MAP_MAX_HEIGHT
    )
    legend_top = map_top + projection.height + 12
    height = legend_top + MAP_LEGEND_ROW * (len(legend) + 1) + 6
    body = [
        _open_svg(ident, MAP_WIDTH, height, title, " ".join(summary), "obs-carte"),
        f'<defs><pattern id="{ident}-hachures" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate(45)"><rect width="6" height="6" '
        f'fill="{NO_VALUE}"/><line x1="0" y1="0" x2="0" y2="6" stroke="{NO_VALUE_HATCH}" '
        f'stroke-width="2"/></pattern></defs>',
        heading,
        f'<g class="obs-carte-zones" stroke="{OUTLINE}" stroke-width="0.4" '
        'stroke-linejoin="round" fill-rule="evenodd">',
    ]
    for feature, shape in drawn:
        value = values.get(feature.code)
        item = scheme.class_of(value)
        fill = f"url(#{ident}-hachures)" if item.key == NO_VALUE_CLASS else item.fill
        shown = f"{french_number(value, decimals)} {unit}" if _is_value(value) else NO_VALUE_LABEL
        body.append(
            f'<path class="{item.key}" fill="{fill}" data-code="{escape(feature.code)}" '
            f'd="{path_data(shape, projection, MAP_MARGIN, map_top)}">'
            f"<title>{escape(feature.name)} : {escape(shown)}</title></path>"
        )
    body.append("</g>")
    body.append(
        '<g class="obs-legende">'
        + _text(
            MAP_MARGIN,
            legend_top + MAP_FONT,
            f"Légende ({unit})",
            size=MAP_FONT,
            extra=' font-weight="bold"',
        )
    )
    for row, item in enumerate(legend, start=1):
        y = legend_top + row * MAP_LEGEND_ROW + 4
        body.append(
            f'<rect class="{item.key}" x="{MAP_MARGIN}" y="{_coordinate(y)}" '
            f'width="{LEGEND_SWATCH * 2}" height="{LEGEND_SWATCH}" fill="{item.fill}" '
            f'stroke="{OUTLINE}" stroke-width="0.5"/>'
            + _text(
                MAP_MARGIN + LEGEND_SWATCH * 2 + 8,
                y + LEGEND_SWATCH - 2,
                item.label,
                size=MAP_FONT,
            )
        )
    body.append("</g></svg>")
    return "".join(body)


# --- bar chart ---------------------------------------------------------------------------------


def _auto_decimals(numbers: Iterable[float]) -> int:
    """0 decimals for amounts of 100 and more, 1 below (a tenth of a desk still means something
    when a commune needs 2.4 desks, not when a territory needs 1,234)."""
    largest = max((abs(v) for v in numbers if _is_value(v)), default=0.0)
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
    ident = _ident(ident, "barres", title, unit, *labels)
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
            f'<rect class="obs-serie-{index + 1}" x="{_coordinate(x)}" y="{_coordinate(y)}" '
            f'width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH - 4}" '
            f'fill="{SERIES[index % len(SERIES)]}"/>'
            + _text(x + LEGEND_SWATCH + 6, y + LEGEND_SWATCH - 4, name)
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
        _open_svg(ident, CHART_WIDTH, height, title, " ".join(summary), "obs-barres"),
        _text(CHART_MARGIN, 18, f"{title} ({unit})", size=14, extra=' font-weight="bold"'),
        *legend,
        f'<line x1="{_coordinate(zero_x)}" x2="{_coordinate(zero_x)}" y1="{_coordinate(top)}" '
        f'y2="{_coordinate(height - GROUP_GAP)}" stroke="{INK}" stroke-width="1"/>',
    ]
    for row, label in enumerate(labels):
        group_top = top + row * group_height
        body.append(
            '<g class="obs-groupe">'
            + _text(CHART_MARGIN, group_top + 13, label, extra=' font-weight="bold"')
        )
        for index, name in enumerate(names):
            value = float(series[name][row])
            length = abs(value) * scale if math.isfinite(value) else 0.0
            start = zero_x - length if value < 0 else zero_x
            bar_y = group_top + GROUP_LABEL_HEIGHT + index * (BAR_HEIGHT + BAR_GAP)
            text = f"{name} : {shown(value)}"
            body.append(
                f'<rect class="obs-serie-{index + 1}" x="{_coordinate(start)}" '
                f'y="{_coordinate(bar_y)}" width="{_coordinate(length)}" height="{BAR_HEIGHT}" '
                f'fill="{SERIES[index % len(SERIES)]}" data-valeur="{value!r}">'
                f"<title>{escape(label)} — {escape(text)} {escape(unit)}</title></rect>"
                + _text(max(zero_x, start + length) + 6, bar_y + BAR_HEIGHT - 3, text, size=11)
            )
        body.append("</g>")
    body.append("</svg>")
    return "".join(body)


def map_scheme(indicator, values: Iterable[float | None]) -> ClassScheme:
    """The classes of one indicator's map, the same on the web map (through the API) and in the
    report: diverging for a signed indicator (the gap), quantiles otherwise."""
    if indicator.key in SIGNED_INDICATORS:
        return signed_scheme(values, decimals=indicator.decimals)
    return sequential_scheme(values, decimals=indicator.decimals)


# Indicators whose sign means something (need above or below the offer).
SIGNED_INDICATORS = frozenset({"ecart"})
