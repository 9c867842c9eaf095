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

from maillage.observatory.svg.charts import CHART_MARGIN, CHART_WIDTH, VALUE_SPACE, bars, tornado
from maillage.observatory.svg.classes import (
    SIGNED_INDICATORS,
    ClassScheme,
    Cuts,
    MapClass,
    map_scheme,
    quantile_breaks,
    sequential_scheme,
    signed_scheme,
)
from maillage.observatory.svg.maps import MAP_MAX_HEIGHT, MAP_WIDTH, choropleth
from maillage.observatory.svg.palettes import (
    NEGATIVE,
    NO_VALUE,
    NO_VALUE_CLASS,
    POSITIVE,
    SEQUENTIAL,
    SERIES,
    ZERO,
)
from maillage.observatory.svg.pieces import french_number
from maillage.observatory.svg.shapes import MapFeature, Projection, path_data, polygons

__all__ = [
    "CHART_MARGIN",
    "CHART_WIDTH",
    "MAP_MAX_HEIGHT",
    "MAP_WIDTH",
    "NEGATIVE",
    "NO_VALUE",
    "NO_VALUE_CLASS",
    "POSITIVE",
    "SEQUENTIAL",
    "SERIES",
    "SIGNED_INDICATORS",
    "VALUE_SPACE",
    "ZERO",
    "ClassScheme",
    "Cuts",
    "MapClass",
    "MapFeature",
    "Projection",
    "bars",
    "choropleth",
    "french_number",
    "map_scheme",
    "path_data",
    "polygons",
    "quantile_breaks",
    "sequential_scheme",
    "signed_scheme",
    "tornado",
]
