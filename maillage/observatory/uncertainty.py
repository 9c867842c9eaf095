"""Uncertainty of the demand model: P10–P90 bands and one-at-a-time sensitivity (tornado).

Every uncertain parameter of a scenario gets a documented range, written as multipliers of the
scenario's own value (`low ≤ 1 ≤ high`): the same range then serves « actuel » and « rupture »,
and always contains the scenario's value. A Latin hypercube (scipy, seeded: the same seed gives
the same bands) draws `samples` multiplier sets; the model's steps are evaluated for every
sample and every commune at once (numpy arrays of samples × communes), with the same clipping as
a valid scenario (shares at most 100 %, g at most f, as `model.run` does).

Why multipliers and uniform draws: the sources give a value and, at best, a plausible spread
(two measures that differ, a published « healthy » band); nothing supports a finer distribution.
The band says how much the estimate moves when the parameters move within those ranges; it is
not a confidence interval of a survey. See `docs/observatory-model.md`, « Incertitude ».
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import qmc

from maillage.observatory import model, svg
from maillage.observatory.errors import french_number
from maillage.observatory.model import CommuneInputs
from maillage.observatory.pcs import PCS_LABELS
from maillage.observatory.scenarios import Scenario

DEFAULT_SAMPLES = 256
DEFAULT_SEED = 2026
# Bounds of the work: a band from fewer than 10 samples has no P10; beyond 4,096 the bands do not
# move (Latin hypercube) and a région would no longer take seconds.
MIN_SAMPLES = 10
MAX_SAMPLES = 4_096

# Headline figures with a band, and their French names.
FIGURES: dict[str, str] = {
    "potential": "télétravailleurs potentiels",
    "teleworkers": "télétravailleurs",
    "users": "usagers de tiers-lieux",
    "desks": "postes nécessaires",
}


@dataclass(frozen=True)
class ParameterRange:
    """Range of one scenario parameter, as multipliers `low`–`high` of the scenario's value.

    `field` is the `Scenario` field; `index` the PCS for τ (None otherwise). For
    `shared_shares` the multiplier applies to every distance band (the DARES gradient is kept).
    """

    key: str
    field: str
    label: str
    low: float
    high: float
    source: str
    index: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.low <= 1 <= self.high:
            raise ValueError(f"{self.key}: range {self.low}–{self.high} must contain 1")


# Shared reasons of several ranges.
_SOURCE_TAU = (
    "hypothèse : ±10 % ; appliqué aux salariés de l'estimation par défaut, τ donne 36 % "
    "d'emplois télétravaillables quand l'Insee en compte 39 % avec la même méthode (Insee Analyses "
    "Auvergne-Rhône-Alpes n°182, 05/11/2024), écart de 8 % ; tableau par PCS lu de seconde main"
)

PARAMETER_RANGES: tuple[ParameterRange, ...] = (
    *(
        ParameterRange(
            key=f"teleworkable_{index + 1}",
            field="teleworkable",
            index=index,
            label=f"part télétravaillable : {label.lower()}",
            low=0.9,
            high=1.1,
            source=_SOURCE_TAU,
        )
        for index, label in enumerate(PCS_LABELS)
    ),
    ParameterRange(
        key="compatible_ratio",
        field="compatible_ratio",
        label="part déclarée compatible (r)",
        low=0.9,
        high=1.1,
        source=(
            "hypothèse : ±10 % ; r = 0,29 / 0,39 rapporte deux champs non identiques (province, "
            "Insee Flash Auvergne-Rhône-Alpes n°163 ; France métropolitaine, Insee Analyses "
            "Auvergne-Rhône-Alpes n°182)"
        ),
    ),
    ParameterRange(
        key="adoption",
        field="adoption",
        label="taux d'adoption (a)",
        low=0.88,
        high=1.12,
        source=(
            "±12 % : la pratique mesurée est passée de 19,4 % des salariés (2022, Insee, seconde "
            "main) à 22 % (1er semestre 2024, Insee 05/03/2025), soit 13 % d'écart entre deux "
            "mesures proches ; hypothèse : même ampleur autour de chaque scénario"
        ),
    ),
    ParameterRange(
        key="days_per_week",
        field="days_per_week",
        label="jours de télétravail par semaine (f)",
        low=0.9,
        high=1.1,
        source=(
            "hypothèse : ±10 % ; 1,84 jour en 2017 (DARES Analyses n°051) et 1,9 en 2024 (Insee "
            "05/03/2025), une moyenne stable mais une dispersion large (45 % un jour, 29 % trois "
            "ou plus en 2017)"
        ),
    ),
    ParameterRange(
        key="shared_days_per_week",
        field="shared_days_per_week",
        label="jours par semaine en tiers-lieu (g)",
        low=0.875,
        high=1.125,
        source=(
            "0,392 place par usager (Caisse des Dépôts, ENS Cachan, PMP, 2014) à une occupation "
            "de 70 à 90 % au lieu de 80 % (plage OfficeRnD) : 1,37 à 1,76 jour, soit ±12,5 % ; "
            "au plus f"
        ),
    ),
    ParameterRange(
        key="shared_shares",
        field="shared_shares",
        label="part des télétravailleurs usagers d'un tiers-lieu (θ)",
        low=0.5,
        high=1.5,
        source=(
            "hypothèse : ±50 %, toutes tranches ensemble ; le niveau repose sur un seul chiffre "
            "(2 % des télétravailleurs ont un lieu dédié pour lieu principal, DARES 05/11/2024), "
            "qui ne compte pas les usagers occasionnels, et la forme par distance est une "
            "hypothèse"
        ),
    ),
    ParameterRange(
        key="solo_share",
        field="solo_share",
        label="part des indépendants solos usagers (θs)",
        low=0.5,
        high=1.5,
        source="hypothèse : ±50 % ; aucune statistique publique sur les indépendants",
    ),
    ParameterRange(
        key="solo_days_per_week",
        field="solo_days_per_week",
        label="jours par semaine des indépendants (fs)",
        low=0.75,
        high=1.25,
        source="hypothèse : ±25 % ; aucune statistique publique sur les indépendants",
    ),
    ParameterRange(
        key="occupancy",
        field="occupancy",
        label="taux d'occupation cible (ρ)",
        low=0.875,
        high=1.125,
        source=(
            "OfficeRnD (centre d'aide) : 70 à 90 % est la plage saine d'occupation d'un "
            "coworking, soit ±12,5 % autour de 80 % ; au plus 100 %"
        ),
    ),
)


def scaled_ranges(ranges: Sequence[ParameterRange], factor: float) -> tuple[ParameterRange, ...]:
    """Every range shrunk (factor < 1) or widened around the scenario's value (multiplier 1);
    0 collapses them all to the point estimate."""
    if factor < 0:
        raise ValueError("factor must be non-negative")
    return tuple(
        replace(item, low=max(0.0, 1 + factor * (item.low - 1)), high=1 + factor * (item.high - 1))
        for item in ranges
    )


def sample_multipliers(ranges: Sequence[ParameterRange], samples: int, seed: int) -> np.ndarray:
    """(samples, parameters) multipliers: a Latin hypercube scaled to each range. A collapsed
    range (low = high) gives that value in every sample."""
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise ValueError(
            f"Nombre de tirages : {samples} est hors limites ; saisir entre {MIN_SAMPLES} et "
            f"{french_number(MAX_SAMPLES)}."
        )
    if not ranges:
        return np.ones((samples, 0))
    unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(samples)
    low = np.array([item.low for item in ranges])
    high = np.array([item.high for item in ranges])
    return low + unit * (high - low)


@dataclass(frozen=True, eq=False)
class _Parameters:
    """Scenario values per sample: (S, 6) τ, (S, bands) θ, (S,) for the others."""

    teleworkable: np.ndarray
    compatible_ratio: np.ndarray
    adoption: np.ndarray
    days_per_week: np.ndarray
    shared_shares: np.ndarray
    shared_days_per_week: np.ndarray
    solo_share: np.ndarray
    solo_days_per_week: np.ndarray
    opening_days: np.ndarray
    occupancy: np.ndarray


def _parameters(
    scenario: Scenario, ranges: Sequence[ParameterRange], multipliers: np.ndarray
) -> _Parameters:
    """Scenario values under each row of multipliers, clipped like a valid scenario."""
    count = multipliers.shape[0]
    values = {
        name: np.tile(np.asarray(getattr(scenario, name), dtype=np.float64), (count, 1))
        for name in ("teleworkable", "shared_shares")
    }
    for name in _Parameters.__dataclass_fields__:
        if name not in values:
            values[name] = np.full(count, float(getattr(scenario, name)))
    for column, item in enumerate(ranges):
        factor = multipliers[:, column]
        if item.index is not None:
            values[item.field][:, item.index] *= factor
        elif values[item.field].ndim == 2:
            values[item.field] *= factor[:, None]
        else:
            values[item.field] *= factor
    for name in ("teleworkable", "shared_shares", "compatible_ratio", "adoption", "solo_share"):
        np.minimum(values[name], 1.0, out=values[name])
    np.minimum(values["occupancy"], 1.0, out=values["occupancy"])
    for name in ("days_per_week", "solo_days_per_week"):
        np.minimum(values[name], 7.0, out=values[name])
    # g is a part of f (validation; `model.run` guards the same way).
    np.minimum(
        values["shared_days_per_week"], values["days_per_week"], out=values["shared_days_per_week"]
    )
    return _Parameters(**values)


def scenario_at(
    scenario: Scenario, ranges: Sequence[ParameterRange], multipliers: Sequence[float]
) -> Scenario:
    """The scenario with one set of multipliers applied (clipped as in the bands): for showing a
    « low » or « high » variant, and to check the bands against `model.run`."""
    row = np.asarray(multipliers, dtype=np.float64).reshape(1, -1)
    values = _parameters(scenario, ranges, row)
    changes = {}
    for name in _Parameters.__dataclass_fields__:
        array = getattr(values, name)[0]
        changes[name] = tuple(float(v) for v in array) if array.ndim else float(array)
    return replace(scenario, **changes)


def _band_matrix(inputs: CommuneInputs, scenario: Scenario) -> np.ndarray:
    """(communes, bands) weight of each distance band in each commune's θ: θ[c] = B[c] · shares.

    Built with the model's own θ step (one unit share per band), so the bands and `model.run`
    can never disagree on which band a commune falls in."""
    bands = len(scenario.shared_shares)
    return np.column_stack(
        [
            model.mixed_shared_place_share(
                inputs.commute_km,
                inputs.commute_mix,
                inputs.commute_bin_km,
                scenario.shared_bounds_km,
                np.eye(bands)[band],
            )
            for band in range(bands)
        ]
    )


def _evaluate(
    inputs: CommuneInputs, scenario: Scenario, values: _Parameters
) -> dict[str, np.ndarray]:
    """The model's headline figures, (samples, communes), for every sample at once.

    Same steps as `model.run`: P = W_sal · τ, T = P × r × a, θ from the bands, shared days
    T × θ × g, solo days S × θs × fs, desks (shared + solo) / (O × ρ), users T × θ + S × θs.
    """
    salaried = model.salaried_residents(inputs.working, inputs.salaried_share)
    potential = values.teleworkable @ salaried.T
    teleworking = potential * (values.compatible_ratio * values.adoption)[:, None]
    share = values.shared_shares @ _band_matrix(inputs, scenario).T
    solos = inputs.solos[None, :]
    shared_days = teleworking * share * values.shared_days_per_week[:, None]
    solo_days = solos * (values.solo_share * values.solo_days_per_week)[:, None]
    capacity = (values.opening_days * values.occupancy)[:, None]
    return {
        "potential": potential,
        "teleworkers": teleworking,
        "users": teleworking * share + solos * values.solo_share[:, None],
        "desks": (shared_days + solo_days) / capacity,
    }


@dataclass(frozen=True)
class Band:
    """A headline figure: the scenario's own value and the percentiles over the samples. Floats
    for a territory total, (communes,) arrays per commune."""

    point: float | np.ndarray
    p10: float | np.ndarray
    p50: float | np.ndarray
    p90: float | np.ndarray


@dataclass(frozen=True, eq=False)
class Bands:
    """Bands of every figure of `FIGURES`, over the territory (`totals`) and per commune
    (`communes`, aligned with `codes`), with what produced them (samples, seed)."""

    codes: np.ndarray
    samples: int
    seed: int
    totals: dict[str, Band]
    communes: dict[str, Band]


def uncertainty_bands(
    inputs: CommuneInputs,
    scenario: Scenario,
    *,
    ranges: Sequence[ParameterRange] = PARAMETER_RANGES,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Bands:
    """P10, P50, P90 of each headline figure when the parameters move within `ranges`.

    The point estimate is `model.run` under the scenario itself (multipliers all 1). Totals are
    summed per sample before taking percentiles (the P90 of a territory is not the sum of its
    communes' P90). Percentiles interpolate linearly between samples (numpy's default).
    """
    multipliers = sample_multipliers(ranges, samples, seed)
    point_run = model.run(inputs, scenario)
    figures = _evaluate(inputs, scenario, _parameters(scenario, ranges, multipliers))
    totals, communes = {}, {}
    for name, values in figures.items():
        point = getattr(point_run, name)
        low, middle, high = np.percentile(values, (10, 50, 90), axis=0)
        communes[name] = Band(point=point, p10=low, p50=middle, p90=high)
        sums = values.sum(axis=1)
        low, middle, high = np.percentile(sums, (10, 50, 90))
        totals[name] = Band(
            point=float(point.sum()), p10=float(low), p50=float(middle), p90=float(high)
        )
    return Bands(codes=inputs.codes, samples=samples, seed=seed, totals=totals, communes=communes)


@dataclass(frozen=True)
class Swing:
    """Desks of the territory with one parameter at the low, then the high end of its range."""

    key: str
    label: str
    low: float
    high: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


def sensitivity(
    inputs: CommuneInputs,
    scenario: Scenario,
    *,
    ranges: Sequence[ParameterRange] = PARAMETER_RANGES,
) -> list[Swing]:
    """One-at-a-time swings of the territory's desks (tornado data), largest swing first (ties
    in the order of `ranges`). Each parameter goes to its low then its high multiplier, the
    others staying at the scenario's value."""
    count = len(ranges)
    multipliers = np.ones((2 * count, count))
    for column, item in enumerate(ranges):
        multipliers[2 * column, column] = item.low
        multipliers[2 * column + 1, column] = item.high
    desks = _evaluate(inputs, scenario, _parameters(scenario, ranges, multipliers))["desks"]
    totals = desks.sum(axis=1)
    swings = [
        Swing(item.key, item.label, float(totals[2 * i]), float(totals[2 * i + 1]))
        for i, item in enumerate(ranges)
    ]
    return sorted(swings, key=lambda swing: -swing.swing)


def sensitivity_chart(
    swings: Sequence[Swing], point: float, *, title: str = "Sensibilité des postes nécessaires"
) -> str:
    """SVG tornado of `sensitivity`'s swings around the point estimate of the desks."""
    return svg.tornado(
        [swing.label for swing in swings],
        [swing.low for swing in swings],
        [swing.high for swing in swings],
        point=point,
        title=title,
        unit="postes",
        description=(
            "Postes nécessaires sur le territoire quand un seul paramètre va au bas puis au haut "
            "de sa plage, les autres restant à la valeur du scénario ; du plus influent au moins "
            "influent."
        ),
    )
