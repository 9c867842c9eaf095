"""The SVG drawings: class breaks with exact values, and maps and charts read back as XML."""

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest

from maillage.observatory import svg

NS = {"s": "http://www.w3.org/2000/svg"}
NNBSP = "\u202f"
MINUS = "\u2212"


def _square(lon: float, lat: float, size: float = 1.0) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def _paths(root: ET.Element) -> dict[str, ET.Element]:
    return {path.get("data-code"): path for path in root.iter("{http://www.w3.org/2000/svg}path")}


def _legend_texts(root: ET.Element) -> list[str]:
    legend = root.find("s:g[@class='obs-legende']", NS)
    return [text.text for text in legend.findall("s:text", NS)]


def _absolute_points(d: str) -> list[tuple[float, float]]:
    """Points of a path written as `M x y l dx dy … z` subpaths (what `path_data` writes)."""
    points = []
    for start, steps in re.findall(r"M([^l]+)l([^z]*)z", d):
        x, y = (float(v) for v in start.split())
        points.append((x, y))
        numbers = [float(v) for v in steps.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


# --- breaks --------------------------------------------------------------------------------------


def test_quantile_breaks_ten_values_in_five_classes_of_two():
    assert svg.quantile_breaks(range(1, 11), 5) == (2.0, 4.0, 6.0, 8.0)


def test_quantile_breaks_seven_values_in_three_classes():
    # ranks ⌈7/3⌉ = 3 and ⌈14/3⌉ = 5: classes {1, 2, 3}, {4, 5}, {6, 7}
    assert svg.quantile_breaks([7, 1, 6, 2, 5, 3, 4], 3) == (3.0, 5.0)


def test_quantile_breaks_repeated_zeros_merge_into_one_class():
    assert svg.quantile_breaks([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 5) == (0.0, 2.0)


def test_quantile_breaks_equal_values_give_a_single_class():
    assert svg.quantile_breaks([5, 5, 5], 5) == ()


def test_quantile_breaks_ignore_missing_values():
    assert svg.quantile_breaks([math.nan, 1, 2, None, 3, 4, math.inf], 2) == (2.0,)


def test_quantile_breaks_one_class_has_no_break():
    assert svg.quantile_breaks([1, 2, 3], 1) == ()


def test_sequential_scheme_labels_and_colours():
    scheme = svg.sequential_scheme(range(1, 11), decimals=1)
    classes = scheme.classes()
    assert [item.label for item in classes] == [
        "de 1,0 à 2,0",
        "plus de 2,0 à 4,0",
        "plus de 4,0 à 6,0",
        "plus de 6,0 à 8,0",
        "plus de 8,0 à 10,0",
    ]
    assert [item.fill for item in classes] == list(svg.SEQUENTIAL[5])
    assert [item.key for item in classes] == [f"obs-classe-{i}" for i in range(1, 6)]


def test_sequential_scheme_french_thousands():
    scheme = svg.sequential_scheme([1000, 2500.5, 12000], classes=2, decimals=1)
    assert [item.label for item in scheme.classes()] == [
        f"de 1{NNBSP}000,0 à 2{NNBSP}500,5",
        f"plus de 2{NNBSP}500,5 à 12{NNBSP}000,0",
    ]
    # Two classes take the light and dark ends of ColorBrewer's three.
    assert [item.fill for item in scheme.classes()] == ["#fee6ce", "#e6550d"]


def test_sequential_scheme_class_of_bounds_are_upper_inclusive():
    scheme = svg.sequential_scheme(range(1, 11))
    assert scheme.class_of(2).key == "obs-classe-1"
    assert scheme.class_of(2.0001).key == "obs-classe-2"
    assert scheme.class_of(10).key == "obs-classe-5"
    assert scheme.class_of(-4).key == "obs-classe-1"  # outside: nearest class
    assert scheme.class_of(50).key == "obs-classe-5"
    assert scheme.class_of(None).key == svg.NO_VALUE_CLASS
    assert scheme.class_of(math.nan).label == "pas de valeur"


def test_signed_scheme_splits_surplus_balance_and_unmet_need():
    scheme = svg.signed_scheme([-9, -6, -3, 0, 0.04, 2, 4, 6], decimals=1)
    classes = scheme.classes()
    assert [item.key for item in classes] == [
        "obs-classe-neg-1",
        "obs-classe-neg-2",
        "obs-classe-neg-3",
        "obs-classe-zero",
        "obs-classe-pos-1",
        "obs-classe-pos-2",
        "obs-classe-pos-3",
    ]
    assert [item.label for item in classes] == [
        f"{MINUS}9,0 (offre excédentaire)",
        f"plus de {MINUS}9,0 à {MINUS}6,0 (offre excédentaire)",
        f"plus de {MINUS}6,0 à {MINUS}3,0 (offre excédentaire)",
        "0,0 (équilibre)",
        "2,0 (besoin non couvert)",
        "plus de 2,0 à 4,0 (besoin non couvert)",
        "plus de 4,0 à 6,0 (besoin non couvert)",
    ]
    assert scheme.class_of(-9).fill == "#2166ac"  # largest surplus: darkest blue
    assert scheme.class_of(6).fill == "#b2182b"  # largest unmet need: darkest red
    assert scheme.class_of(0.04).key == "obs-classe-zero"  # shows as 0,0
    assert scheme.class_of(0.06).key == "obs-classe-pos-1"


def test_signed_scheme_without_surplus_has_only_red_classes():
    scheme = svg.signed_scheme([1, 3], decimals=0)
    assert [(item.key, item.fill, item.label) for item in scheme.classes()] == [
        ("obs-classe-pos-1", "#f4a582", "1 (besoin non couvert)"),
        ("obs-classe-pos-2", "#ca0020", "plus de 1 à 3 (besoin non couvert)"),
    ]


# --- geometry ------------------------------------------------------------------------------------


def test_polygons_reads_polygon_multipolygon_and_collections():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [4, 0], [4, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]],
            [[[5, 5], [6, 5], [6, 6], [5, 5]]],
        ],
    }
    collection = {"type": "GeometryCollection", "geometries": [multi, {"type": "Point"}]}
    assert [len(polygon) for polygon in svg.polygons(json.dumps(multi))] == [2, 1]
    assert [len(polygon) for polygon in svg.polygons(collection)] == [2, 1]
    assert svg.polygons("") == []
    assert svg.polygons('{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}') == []


# --- choropleth ----------------------------------------------------------------------------------


def test_choropleth_one_path_per_area_with_its_class_and_title():
    features = [
        svg.MapFeature("14001", "Ablon", _square(0, 49)),
        svg.MapFeature("14002", "Saint-Lô & <Vire>", _square(1, 49)),
        svg.MapFeature("14003", "Caen", _square(2, 49)),
        svg.MapFeature("14004", "Sans contour", ""),
        svg.MapFeature("14005", "Sans valeur", _square(3, 49)),
    ]
    values = {"14001": 1.0, "14002": 2.0, "14003": 1234.5, "14004": 7.0}
    text = svg.choropleth(
        features,
        values,
        title="Postes nécessaires",
        unit="postes",
        classes=3,
        ident="carte-test",
        areas=("commune", "communes"),
    )
    root = _parse(text)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "carte-test-titre carte-test-desc"
    assert root.find("s:title", NS).text == "Postes nécessaires"
    desc = root.find("s:desc", NS).text
    assert desc.startswith("Carte de 4 communes ; couleurs par classes de quantiles, en postes")
    assert desc.endswith("Sans contour, non dessinés : 1 commune.")
    paths = _paths(root)
    assert sorted(paths) == ["14001", "14002", "14003", "14005"]
    assert {code: path.get("class") for code, path in paths.items()} == {
        "14001": "obs-classe-1",
        "14002": "obs-classe-2",
        "14003": "obs-classe-3",
        "14005": svg.NO_VALUE_CLASS,
    }
    assert paths["14001"].get("fill") == svg.SEQUENTIAL[3][0]
    assert paths["14005"].get("fill") == "url(#carte-test-hachures)"
    assert root.find(".//s:pattern[@id='carte-test-hachures']", NS) is not None
    assert paths["14002"].find("s:title", NS).text == "Saint-Lô & <Vire> : 2,0 postes"
    assert paths["14003"].find("s:title", NS).text == f"Caen : 1{NNBSP}234,5 postes"
    assert paths["14005"].find("s:title", NS).text == "Sans valeur : pas de valeur"
    assert _legend_texts(root) == [
        "Légende (postes)",
        "1,0",
        "plus de 1,0 à 2,0",
        f"plus de 2,0 à 1{NNBSP}234,5",
        "pas de valeur",
    ]


def test_choropleth_without_missing_values_has_no_hatched_class():
    features = [svg.MapFeature("1", "A", _square(0, 45)), svg.MapFeature("2", "B", _square(1, 45))]
    root = _parse(svg.choropleth(features, {"1": 1, "2": 2}, title="T", unit="u", ident="x"))
    assert "pas de valeur" not in _legend_texts(root)
    assert root.find(".//s:path[@class='obs-classe-sans-valeur']", NS) is None


def test_choropleth_signed_gap_uses_blue_for_surplus_and_red_for_unmet_need():
    features = [svg.MapFeature(str(i), f"C{i}", _square(i, 45)) for i in range(3)]
    root = _parse(
        svg.choropleth(
            features, {"0": -4.0, "1": 0.0, "2": 3.0}, title="Écart", unit="postes", signed=True
        )
    )
    paths = _paths(root)
    assert [(paths[c].get("class"), paths[c].get("fill")) for c in "012"] == [
        ("obs-classe-neg-1", "#67a9cf"),
        ("obs-classe-zero", svg.ZERO),
        ("obs-classe-pos-1", "#ef8a62"),
    ]


def test_choropleth_shared_scheme_gives_the_same_colour_to_the_same_value():
    features = [svg.MapFeature("a", "A", _square(0, 45)), svg.MapFeature("b", "B", _square(1, 45))]
    scheme = svg.sequential_scheme([0, 10, 20, 30, 40], classes=5)
    first = _paths(
        _parse(svg.choropleth(features, {"a": 5, "b": 35}, title="1", unit="u", scheme=scheme))
    )
    second = _paths(
        _parse(svg.choropleth(features, {"a": 35, "b": 5}, title="2", unit="u", scheme=scheme))
    )
    assert first["a"].get("fill") == second["b"].get("fill") == svg.SEQUENTIAL[5][1]
    assert first["b"].get("fill") == second["a"].get("fill") == svg.SEQUENTIAL[5][4]


def test_choropleth_projection_shrinks_longitudes_by_cosine_of_latitude():
    # A 1° × 1° square centred on 60° N is half as wide as tall (cos 60° = 0.5).
    features = [svg.MapFeature("a", "A", _square(0, 59.5))]
    root = _parse(svg.choropleth(features, {"a": 1}, title="T", unit="u"))
    points = _absolute_points(_paths(root)["a"].get("d"))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert height == pytest.approx(svg.MAP_MAX_HEIGHT, abs=0.2)
    assert width / height == pytest.approx(0.5, abs=0.002)
    # North is up: the first point (south-west corner) is at the bottom.
    assert points[0][1] == pytest.approx(max(ys), abs=0.1)


def test_choropleth_draws_holes_and_every_polygon_of_a_multipolygon():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]],
            [[[5, 0], [6, 0], [6, 1], [5, 1], [5, 0]]],
        ],
    }
    root = _parse(svg.choropleth([svg.MapFeature("m", "M", multi)], {"m": 1}, title="T", unit="u"))
    d = _paths(root)["m"].get("d")
    assert d.count("M") == 3
    assert len(_absolute_points(d)) == 4 + 4 + 4


def test_choropleth_without_any_outline_says_so():
    root = _parse(svg.choropleth([svg.MapFeature("a", "A", "")], {"a": 1}, title="T", unit="u"))
    assert _paths(root) == {}
    assert [t.text for t in root.findall("s:text", NS)] == [
        "T",
        "Aucun contour disponible pour cette carte.",
    ]


# --- bars ----------------------------------------------------------------------------------------


def test_bars_one_rect_per_value_with_lengths_to_scale_and_values_written():
    text = svg.bars(
        ["Pratiques actuelles", "Rupture"],
        {"Postes nécessaires": [100.0, 1234.4], "Offre accessible": [300.0, -50.0]},
        title="Postes par scénario",
        unit="postes",
        ident="barres-test",
    )
    root = _parse(text)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "barres-test-titre barres-test-desc"
    assert root.find("s:title", NS).text == "Postes par scénario"
    assert root.find("s:desc", NS).text == (
        "Valeurs en postes. Pratiques actuelles : Postes nécessaires 100, Offre accessible 300. "
        f"Rupture : Postes nécessaires 1{NNBSP}234, Offre accessible {MINUS}50."
    )
    groups = root.findall("s:g[@class='obs-groupe']", NS)
    assert [g.find("s:text", NS).text for g in groups] == ["Pratiques actuelles", "Rupture"]
    rects = [r for g in groups for r in g.findall("s:rect", NS)]
    assert [r.get("class") for r in rects] == ["obs-serie-1", "obs-serie-2"] * 2
    widths = [float(r.get("width")) for r in rects]
    bar_space = svg.CHART_WIDTH - 2 * svg.CHART_MARGIN - svg.VALUE_SPACE
    scale = bar_space / (1234.4 + 50.0)
    assert widths == pytest.approx([100 * scale, 300 * scale, 1234.4 * scale, 50 * scale], abs=0.1)
    zero_x = svg.CHART_MARGIN + 50 * scale
    assert float(rects[0].get("x")) == pytest.approx(zero_x, abs=0.1)
    # The negative bar ends on the zero line.
    assert float(rects[3].get("x")) + widths[3] == pytest.approx(zero_x, abs=0.1)
    values = [t.text for g in groups for t in g.findall("s:text", NS)[1:]]
    assert values == [
        "Postes nécessaires : 100",
        "Offre accessible : 300",
        f"Postes nécessaires : 1{NNBSP}234",
        f"Offre accessible : {MINUS}50",
    ]
    assert rects[2].find("s:title", NS).text == (
        f"Rupture — Postes nécessaires : 1{NNBSP}234 postes"
    )


def test_bars_small_values_keep_one_decimal():
    root = _parse(svg.bars(["A"], {"S": [2.44]}, title="T", unit="postes"))
    texts = [t.text for t in root.findall(".//s:g[@class='obs-groupe']/s:text", NS)]
    assert texts == ["A", "S : 2,4"]


def test_bars_refuse_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="series 'S': 1 values for 2"):
        svg.bars(["A", "B"], {"S": [1.0]}, title="T", unit="u")
