"""`choropleth`: an accessible SVG map of areas coloured by classes of values."""

from collections.abc import Mapping, Sequence
from html import escape

from maillage.observatory.svg.classes import ClassScheme, MapClass, sequential_scheme, signed_scheme
from maillage.observatory.svg.palettes import (
    NO_VALUE,
    NO_VALUE_CLASS,
    NO_VALUE_HATCH,
    NO_VALUE_LABEL,
    OUTLINE,
)
from maillage.observatory.svg.pieces import (
    LEGEND_SWATCH,
    coordinate,
    count_text,
    drawing_id,
    french_number,
    is_value,
    open_svg,
    svg_text,
    wrap,
)
from maillage.observatory.svg.shapes import MapFeature, Projection, path_data, polygons

# Map geometry, in SVG user units (the drawing scales to the width of its container).
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
    ident = drawing_id(ident, "carte", title, unit)
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
    missing = sum(1 for value in feature_values if not is_value(value))
    if missing:
        legend.append(MapClass(NO_VALUE_CLASS, f"url(#{ident}-hachures)", NO_VALUE_LABEL))
    unplaced = len(shapes) - len(drawn)
    summary = [description] if description else []
    summary.append(
        f"Carte de {count_text(len(drawn), areas)} ; couleurs par classes de quantiles, "
        f"en {unit} : " + " ; ".join(item.label for item in legend) + "."
    )
    if unplaced:
        summary.append(f"Sans contour, non dessinés : {count_text(unplaced, areas)}.")
    title_lines = wrap(title, MAP_TITLE_CHARS)
    map_top = MAP_MARGIN + len(title_lines) * MAP_TITLE_LINE + 8
    heading = "".join(
        svg_text(
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
            open_svg(ident, MAP_WIDTH, map_top + 30, title, " ".join(summary), "obs-carte")
            + heading
            + svg_text(
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
        open_svg(ident, MAP_WIDTH, height, title, " ".join(summary), "obs-carte"),
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
        shown = f"{french_number(value, decimals)} {unit}" if is_value(value) else NO_VALUE_LABEL
        body.append(
            f'<path class="{item.key}" fill="{fill}" data-code="{escape(feature.code)}" '
            f'd="{path_data(shape, projection, MAP_MARGIN, map_top)}">'
            f"<title>{escape(feature.name)} : {escape(shown)}</title></path>"
        )
    body.append("</g>")
    body.append(
        '<g class="obs-legende">'
        + svg_text(
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
            f'<rect class="{item.key}" x="{MAP_MARGIN}" y="{coordinate(y)}" '
            f'width="{LEGEND_SWATCH * 2}" height="{LEGEND_SWATCH}" fill="{item.fill}" '
            f'stroke="{OUTLINE}" stroke-width="0.5"/>'
            + svg_text(
                MAP_MARGIN + LEGEND_SWATCH * 2 + 8,
                y + LEGEND_SWATCH - 2,
                item.label,
                size=MAP_FONT,
            )
        )
    body.append("</g></svg>")
    return "".join(body)
