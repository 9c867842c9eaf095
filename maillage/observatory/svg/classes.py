"""How values become colour classes: quantile breaks, sequential and diverging schemes."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from maillage.observatory.svg.palettes import (
    MAX_CLASSES,
    NEGATIVE,
    NO_VALUE,
    NO_VALUE_CLASS,
    NO_VALUE_LABEL,
    POSITIVE,
    SEQUENTIAL,
    SIDE_CLASSES,
    ZERO,
)
from maillage.observatory.svg.pieces import french_number, is_value


def quantile_breaks(values: Iterable[float], classes: int) -> tuple[float, ...]:
    """Upper bounds of all classes but the last, so that each class holds ≈ n / `classes` values.

    Class `i` is `(breaks[i-1], breaks[i]]` (the first one has no lower bound, the last one no
    upper bound). Break `i` is the value at rank ⌈i·n/classes⌉ of the sorted values, so a class
    never holds fewer values than its share; equal breaks merge (many communes at 0 make one
    class « 0 »), and a break equal to the maximum is dropped, so no class is ever empty.
    Non-finite values are ignored.
    """
    ordered = sorted(float(value) for value in values if is_value(value))
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
        if not is_value(value):
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
    finite = [float(v) for v in values if is_value(v)]
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
    finite = [float(v) for v in values if is_value(v)]
    tolerance = 0.5 * 10 ** (-decimals)
    return ClassScheme(
        signed=True,
        decimals=decimals,
        negative=Cuts.of([v for v in finite if v < -tolerance], SIDE_CLASSES),
        positive=Cuts.of([v for v in finite if v > tolerance], SIDE_CLASSES),
        zero_tolerance=tolerance,
        has_zero=any(abs(v) <= tolerance for v in finite),
    )


def map_scheme(indicator, values: Iterable[float | None]) -> ClassScheme:
    """The classes of one indicator's map, the same on the web map (through the API) and in the
    report: diverging for a signed indicator (the gap), quantiles otherwise."""
    if indicator.key in SIGNED_INDICATORS:
        return signed_scheme(values, decimals=indicator.decimals)
    return sequential_scheme(values, decimals=indicator.decimals)


# Indicators whose sign means something (need above or below the offer).
SIGNED_INDICATORS = frozenset({"ecart"})
