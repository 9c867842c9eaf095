"""Colours and type of the drawings: ColorBrewer and Okabe–Ito palettes (see the package
docstring for why these)."""

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
