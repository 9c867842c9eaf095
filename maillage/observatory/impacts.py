"""Impacts of telework on commuting: kilometres, CO2e, time and money avoided, per commune.

Pure numpy, no database: `impacts` takes the model's weekly telework days per commune and the
commune's typical one-way commute, and returns yearly figures for every commune at once. Every
default parameter carries its source (published figure, with its vintage, or « hypothèse »),
like the demand scenarios, so that an export never shows a number without saying where it comes
from. `docs/observatory-model.md` (« Impacts : kilomètres, CO2e, temps, argent ») says the same
in French; keep both in step and bump `IMPACT_DEFAULTS_VERSION` when a default changes.

Which days count (per commune c, per week, salaried residents only):

- `TD[c]` (`CommuneResults.telework_days`): every telework day of salaried residents;
- `SD[c]` (`CommuneResults.shared_days`): those of them spent in a shared place, `SD ⊂ TD`;
- `TD − SD`: telework days at home. Each one avoids the whole round trip, `2 × d[c]`;
- each shared-place day avoids the round trip minus the trip to the place,
  `2 × max(0, d[c] − t)` with `t = min(shared_trip_km, d[c])`.

Every result (km, car-km, CO2e with and without rebound, hours, euros) comes in these two parts,
`_home` and `_shared`, and its total is their sum: pages and files show « dont télétravail à
domicile » and « dont tiers-lieux », never all telework credited to tiers-lieux.

Days of independents without employees in shared places (`CommuneResults.solo_days`) are *not*
counted: a solo has no employer's site to stop commuting to (most work from home or from a site
of their own), so a day in a tiers-lieu replaces no commute and, if anything, adds a trip.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

from maillage.observatory import commute
from maillage.observatory.errors import (
    InputError,
    ObservatoryError,
    french_number,
    french_percent,
)

# Version of the published impact defaults below; bump it when a default value changes, so that
# a stored run or an export says which set it used.
IMPACT_DEFAULTS_VERSION = 1


class ImpactError(ObservatoryError):
    """An impact parameter outside its domain (negative factor, share above 100 %…)."""


# --- published defaults, each with its source --------------------------------------------------

# ADEME Impact CO2, « Voiture — moteur thermique »: 0.192 kgCO2e/km for use (combustion and fuel
# production) + 0.0256 for building the vehicle (manufacture, maintenance, end of life), from the
# Base Carbone « Routier » documentation; file `src/data/categories/deplacement.json` of the
# public repository incubateur-ademe/impactco2. Chosen over the Base Carbone element 27970
# (0.216) and the 2023 average car (0.256) because it is the factor of ADEME's own telework
# simulator, so that a resident can redo our figure there.
EMISSION_FACTOR_CAR = 0.2176
SOURCE_EMISSION_FACTOR = (
    "ADEME, Impact CO2 (impactco2.fr), voiture à moteur thermique : 0,192 kgCO2e/km à l'usage "
    "(combustion et production du carburant) + 0,0256 pour la construction du véhicule = "
    "0,2176 kgCO2e par km parcouru ; données Base Carbone (documentation « Routier »), fichier "
    "deplacement.json du dépôt public incubateur-ademe/impactco2. Retenu parce que c'est le "
    "facteur du simulateur de télétravail de l'ADEME ; autres valeurs possibles : Base Carbone "
    "élément 27970 (0,216), voiture moyenne Base Carbone 2023 (0,256). Hypothèse : une personne "
    "par voiture (le facteur est par véhicule-km)"
)

# The national car share of the model's inputs (Insee Focus n°143: 70 % of salaried drove to
# work in 2015), replaced commune by commune when an imported file gives it.
SOURCE_CAR_SHARE = (
    commute.SOURCE_CAR_SHARE + " ; valeur nationale, remplacée commune par commune quand la part "
    "modale Insee est importée (74 % des actifs en emploi qui se déplacent en 2017, Insee "
    "Première n°1835, champ plus large)"
)

# Impact CO2 telework simulator: « AR * (SEMAINE - VACANCES - RTT) = 2 * (52 - 5 - 1) » = 92 trips
# a year per weekly office day, i.e. 46 working weeks.
WEEKS_PER_YEAR = 46.0
SOURCE_WEEKS = (
    "ADEME, simulateur de télétravail d'Impact CO2 : 52 semaines − 5 de congés − 1 de RTT = "
    "46 semaines travaillées, soit 92 trajets par an pour un jour de présence par semaine"
)

# Insee Première n°1129 (27/03/2007), DADS 2004: if every commute went by road, salaried would
# travel 25.9 km on average, in 32 minutes at rush hour, i.e. 48.6 km/h (ratio of means).
SPEED_KMH = 25.9 / 32 * 60
SOURCE_SPEED = (
    "Insee Première n°1129 (27/03/2007), données DADS 2004 : trajet domicile-travail moyen des "
    "salariés de 25,9 km par la route en 32 minutes aux heures pleines, soit 48,6 km/h porte à "
    "porte ; appliqué à tous les modes (hypothèse : les trajets courts à pied ou à vélo sont plus "
    "lents, les trajets longs plus rapides)"
)

# Barème kilométrique fiscal for 2024 income (frozen at its 2023 level), 5 CV, band 5,001–20,000
# km: d × 0.357 + 1,395 €. The slope is the cost of one *more* (or one *less*) kilometre for a
# car that keeps its yearly fixed costs (insurance, purchase): the right figure for km avoided.
COST_PER_KM = 0.357
SOURCE_COST = (
    "Barème kilométrique fiscal des revenus 2024 (non revalorisé depuis 2023), voiture de 5 CV, "
    "tranche de 5 001 à 20 000 km : d × 0,357 + 1 395 € ; on retient la pente 0,357 €/km, coût "
    "d'un kilomètre de plus ou de moins (carburant, entretien, usure) quand les frais fixes "
    "(assurance, achat) restent ; 5 CV : puissance courante du parc (hypothèse)"
)

REBOUND_SHARE = 0.31
SOURCE_REBOUND = (
    "ADEME (2020), « Caractérisation des effets rebond induits par le télétravail » : les effets "
    "rebond (trajets maintenus ou ajoutés, énergie du logement, équipements) réduisent en moyenne "
    "le gain de 31 % ; appliqué au CO2e seulement, la grandeur mesurée par l'étude"
)

SHARED_TRIP_KM = 5.0
SOURCE_SHARED_TRIP = (
    "hypothèse : 5 km aller par la route jusqu'au tiers-lieu (borne de la première tranche de "
    "distance de DARES Analyses n°051 ; un tiers-lieu sert un voisinage), plafonnés à la distance "
    "domicile-travail ; les impacts mesurés sur les réservations utilisent la vraie distance"
)

DEFAULT_SOURCES: dict[str, str] = {
    "emission_factor": SOURCE_EMISSION_FACTOR,
    "car_share": SOURCE_CAR_SHARE,
    "weeks_per_year": SOURCE_WEEKS,
    "speed_kmh": SOURCE_SPEED,
    "cost_per_km": SOURCE_COST,
    "rebound_share": SOURCE_REBOUND,
    "shared_trip_km": SOURCE_SHARED_TRIP,
}

FIELD_LABELS: dict[str, str] = {
    "emission_factor": "facteur d'émission de la voiture (kgCO2e par km)",
    "car_share": "part de la voiture dans les trajets domicile-travail",
    "weeks_per_year": "semaines travaillées par an",
    "speed_kmh": "vitesse moyenne porte à porte (km/h)",
    "cost_per_km": "coût d'un kilomètre en voiture pour le ménage (euros)",
    "rebound_share": "effet rebond (part du CO2e évité reperdue)",
    "shared_trip_km": "trajet jusqu'au tiers-lieu (km, aller)",
}


@dataclass(frozen=True)
class ImpactParameters:
    """How kilometres avoided turn into CO2e, hours and euros (see `impacts`).

    - `emission_factor`: kgCO2e per vehicle-km of a car (one person per car).
    - `car_share`: share of commutes made by car. The national default gives way to the shares
      measured per commune (INSEE import); a value the user changed wins over them
      (`car_share_in_use`).
    - `weeks_per_year`: working weeks, i.e. how many times a weekly day recurs in a year.
    - `speed_kmh`: mean door-to-door commuting speed, to turn km into hours.
    - `cost_per_km`: euros a household saves per car-km not driven (marginal cost).
    - `rebound_share`: share of the CO2e benefit lost to rebound effects (0 for none).
    - `shared_trip_km`: one-way road km from home to the shared place, capped at the commute.
    - `sources`: field name → where the value comes from (published figure or « hypothèse »).
    """

    emission_factor: float = EMISSION_FACTOR_CAR
    car_share: float = commute.CAR_SHARE_NATIONAL
    weeks_per_year: float = WEEKS_PER_YEAR
    speed_kmh: float = SPEED_KMH
    cost_per_km: float = COST_PER_KM
    rebound_share: float = REBOUND_SHARE
    shared_trip_km: float = SHARED_TRIP_KM
    sources: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_SOURCES), compare=False, hash=False
    )


PARAMETER_FIELDS: tuple[str, ...] = tuple(
    item.name for item in fields(ImpactParameters) if item.name != "sources"
)


# --- validation --------------------------------------------------------------------------------


def _label(name: str) -> str:
    label = FIELD_LABELS[name]
    return label[0].upper() + label[1:]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _share_error(name: str, value: Any) -> ImpactError | None:
    if not _is_number(value):
        return ImpactError(name, f"{_label(name)} : « {value} » n'est pas un nombre.")
    if not 0 <= value <= 1:
        return ImpactError(
            name,
            f"{_label(name)} : {french_percent(value)} n'est pas une part valide ; saisir une "
            "valeur entre 0 % et 100 %.",
        )
    return None


def _positive_error(
    name: str, value: Any, *, strict: bool = False, high: float | None = None
) -> ImpactError | None:
    if not _is_number(value):
        return ImpactError(name, f"{_label(name)} : « {value} » n'est pas un nombre.")
    if (value <= 0 if strict else value < 0) or (high is not None and value > high):
        low = "strictement positive" if strict else "positive ou nulle"
        upper = f" et au plus {french_number(high)}" if high is not None else ""
        return ImpactError(
            name,
            f"{_label(name)} : {french_number(value)} est hors limites ; saisir une valeur "
            f"{low}{upper}.",
        )
    return None


def impact_errors(params: ImpactParameters) -> list[ImpactError]:
    """Every problem of `params`, in field order (a form shows them all at once)."""
    found = [
        _positive_error("emission_factor", params.emission_factor),
        _share_error("car_share", params.car_share),
        _positive_error("weeks_per_year", params.weeks_per_year, strict=True, high=53),
        _positive_error("speed_kmh", params.speed_kmh, strict=True),
        _positive_error("cost_per_km", params.cost_per_km),
        _share_error("rebound_share", params.rebound_share),
        _positive_error("shared_trip_km", params.shared_trip_km),
    ]
    return [error for error in found if error is not None]


def validate(params: ImpactParameters) -> ImpactParameters:
    """Return `params` unchanged, or raise the first `ImpactError` (field and French message)."""
    errors = impact_errors(params)
    if errors:
        raise errors[0]
    return params


def parameters_copy(params: ImpactParameters, **changes: Any) -> ImpactParameters:
    """`params` with `changes`, validated; each changed value's source becomes « valeur modifiée
    par l'utilisateur », so that a published source is never shown beside a value it did not
    publish."""
    unknown = sorted(set(changes) - set(PARAMETER_FIELDS))
    if unknown:
        raise ImpactError(unknown[0], f"Paramètre inconnu : « {unknown[0]} ».")
    sources = dict(params.sources)
    for key, value in changes.items():
        if value != getattr(params, key):
            sources[key] = "valeur modifiée par l'utilisateur"
    return validate(replace(params, sources=sources, **changes))


def car_share_changed(params: ImpactParameters) -> bool:
    """Whether `params.car_share` is a value the user chose rather than the national default
    (another value, or a source other than the published one)."""
    return (
        params.car_share != commute.CAR_SHARE_NATIONAL
        or params.sources.get("car_share", SOURCE_CAR_SHARE) != SOURCE_CAR_SHARE
    )


def car_share_in_use(
    params: ImpactParameters, measured: float | Sequence[float] | np.ndarray | None
) -> float | np.ndarray | None:
    """The car share to pass to `impacts`: precedence of a value the user changed.

    A car share the user changed applies to every commune, over the shares measured by an INSEE
    import (the user asks « what if »: measured data must not silently replace the answer);
    otherwise the measured shares per commune (national default where none), `measured`.
    `None` makes `impacts` use `params.car_share` everywhere.
    """
    return None if car_share_changed(params) else measured


def to_dict(params: ImpactParameters) -> dict[str, Any]:
    """JSON-friendly copy (values, sources and the defaults version), for stored runs."""
    return {**asdict(params), "version": IMPACT_DEFAULTS_VERSION}


# --- the computation ---------------------------------------------------------------------------

# The two places a telework day is spent: at home, or in a shared place (tiers-lieu).
PARTS: tuple[str, ...] = ("home", "shared")
PART_LABELS: dict[str, str] = {
    "home": "dont télétravail à domicile",
    "shared": "dont tiers-lieux",
}
# Every result exists as a total and as its two parts, `<name>_home` + `<name>_shared`.
SPLIT_RESULTS: tuple[str, ...] = ("km", "car_km", "co2_kg", "co2_kg_net", "hours", "euros")

RESULT_LABELS: dict[str, str] = {
    "km_home": "km évités par les jours de télétravail à domicile",
    "km_shared": "km évités par les jours en tiers-lieu",
    "km": "km domicile-travail évités, tous modes",
    "car_km_home": "km évités en voiture, dont télétravail à domicile",
    "car_km_shared": "km évités en voiture, dont tiers-lieux",
    "car_km": "km évités en voiture",
    "co2_kg_home": "kgCO2e évités sans effet rebond, dont télétravail à domicile",
    "co2_kg_shared": "kgCO2e évités sans effet rebond, dont tiers-lieux",
    "co2_kg": "kgCO2e évités, sans effet rebond",
    "co2_kg_net_home": "kgCO2e évités effet rebond déduit, dont télétravail à domicile",
    "co2_kg_net_shared": "kgCO2e évités effet rebond déduit, dont tiers-lieux",
    "co2_kg_net": "kgCO2e évités, effet rebond déduit",
    "hours_home": "heures de trajet gagnées, dont télétravail à domicile",
    "hours_shared": "heures de trajet gagnées, dont tiers-lieux",
    "hours": "heures de trajet gagnées",
    "euros_home": "euros de frais de voiture évités, dont télétravail à domicile",
    "euros_shared": "euros de frais de voiture évités, dont tiers-lieux",
    "euros": "euros de frais de voiture évités",
}


@dataclass(frozen=True, eq=False)
class Impacts:
    """Yearly impacts per commune, arrays (n,) aligned with the inputs.

    Every result comes in two parts, so that no figure credits all telework to tiers-lieux:
    `<name>_home` for the telework days at home, `<name>_shared` for the days in shared places,
    and `<name>` their sum, computed as `home + shared` (exactly, not recomputed).

    - `km`: person-km of commute avoided (every mode of transport).
    - `car_km`: the part of `km` that would have been driven (`km × car share`).
    - `co2_kg`: `car_km × emission factor`; `co2_kg_net`: the same after the rebound effect,
      `co2_kg × (1 − rebound)`.
    - `hours`: commuting time given back, `km / speed`.
    - `euros`: car costs households avoid, `car_km × cost per km`.
    """

    km_home: np.ndarray
    km_shared: np.ndarray
    km: np.ndarray
    car_km_home: np.ndarray
    car_km_shared: np.ndarray
    car_km: np.ndarray
    co2_kg_home: np.ndarray
    co2_kg_shared: np.ndarray
    co2_kg: np.ndarray
    co2_kg_net_home: np.ndarray
    co2_kg_net_shared: np.ndarray
    co2_kg_net: np.ndarray
    hours_home: np.ndarray
    hours_shared: np.ndarray
    hours: np.ndarray
    euros_home: np.ndarray
    euros_shared: np.ndarray
    euros: np.ndarray

    @property
    def totals(self) -> dict[str, float]:
        """Sum over communes of every field (they are all additive)."""
        return {name: float(getattr(self, name).sum()) for name in RESULT_LABELS}


def _array(name: str, label: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InputError(name, f"{label} : une liste à une dimension est attendue.")
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        raise InputError(
            name,
            f"{label} : valeurs négatives ou manquantes (ligne {int(np.argmax(bad)) + 1}).",
        )
    return array


def _car_share(
    car_share: float | Sequence[float] | np.ndarray | None, default: float, n: int
) -> np.ndarray:
    """Per-commune car share; None or a missing value (NaN) falls back to the national one."""
    if car_share is None:
        return np.full(n, default)
    shares = np.asarray(car_share, dtype=np.float64)
    if shares.ndim == 0:
        shares = np.full(n, float(shares))
    if shares.shape != (n,):
        raise InputError(
            "car_share",
            f"Part de la voiture : {shares.shape[0]} valeur(s) reçue(s) pour {n} commune(s).",
        )
    shares = np.where(np.isnan(shares), default, shares)
    bad = ~np.isfinite(shares) | (shares < 0) | (shares > 1)
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError(
            "car_share",
            f"Part de la voiture : {french_percent(float(shares[row]))} n'est pas une part "
            f"valide (ligne {row + 1}) ; une valeur entre 0 % et 100 % est attendue.",
        )
    return shares


def impacts(
    *,
    telework_days: Sequence[float] | np.ndarray,
    shared_days: Sequence[float] | np.ndarray,
    commute_km: Sequence[float] | np.ndarray,
    car_share: float | Sequence[float] | np.ndarray | None = None,
    params: ImpactParameters,
) -> Impacts:
    """Yearly commute avoided per commune, for weekly telework days `TD`, of which `SD` in
    shared places, and a typical one-way road commute `d` (km):

        km_home   = weeks × (TD − SD) × 2d
        km_shared = weeks × SD × 2 × (d − min(t, d))        t = params.shared_trip_km
        then for each part p (home, shared):
        car_km_p  = km_p × car share
        co2_kg_p  = car_km_p × EF      co2_kg_net_p = co2_kg_p × (1 − rebound)
        hours_p   = km_p / speed       euros_p      = car_km_p × cost per km
        and every total is `_home + _shared`.

    `car_share` per commune (n,) or one number; None, or NaN for a commune, uses
    `params.car_share`. `params` should be validated first (`validate`); the arrays are checked
    here and a bad value raises `InputError` with its row.
    """
    total_days = _array("telework_days", "Jours de télétravail par semaine", telework_days)
    n = total_days.shape[0]
    arrays = {}
    for name, label, values in (
        ("shared_days", "Jours en tiers-lieu par semaine", shared_days),
        ("commute_km", "Distance domicile-travail (km)", commute_km),
    ):
        array = _array(name, label, values)
        if array.shape != (n,):
            raise InputError(
                name, f"{label} : {array.shape[0]} valeur(s) reçue(s) pour {n} commune(s)."
            )
        arrays[name] = array
    shared, distance = arrays["shared_days"], arrays["commute_km"]
    # Shared days are a subset of telework days; allow float noise from θ × TD.
    excess = shared > total_days * (1 + 1e-9) + 1e-9
    if excess.any():
        raise InputError(
            "shared_days",
            "Jours en tiers-lieu par semaine : plus nombreux que les jours de télétravail "
            f"(ligne {int(np.argmax(excess)) + 1}).",
        )
    shares = _car_share(car_share, params.car_share, n)
    weeks = params.weeks_per_year
    home_days = np.maximum(total_days - shared, 0.0)
    saved_one_way = distance - np.minimum(params.shared_trip_km, distance)
    per_part = {
        "home": weeks * home_days * 2.0 * distance,
        "shared": weeks * shared * 2.0 * saved_one_way,
    }
    values: dict[str, np.ndarray] = {}
    for part, km in per_part.items():
        car_km = km * shares
        co2 = car_km * params.emission_factor
        values[f"km_{part}"] = km
        values[f"car_km_{part}"] = car_km
        values[f"co2_kg_{part}"] = co2
        values[f"co2_kg_net_{part}"] = co2 * (1.0 - params.rebound_share)
        values[f"hours_{part}"] = km / params.speed_kmh
        values[f"euros_{part}"] = car_km * params.cost_per_km
    # Totals are the sum of the parts, never recomputed: home + shared = total, exactly.
    for name in SPLIT_RESULTS:
        values[name] = values[f"{name}_home"] + values[f"{name}_shared"]
    return Impacts(**values)
