"""Demand model of the observatory: from working residents to desks needed, per commune.

Every function takes and returns numpy arrays over all communes at once (one row per commune),
so the whole of France (≈ 35,000 communes) runs in milliseconds and each step can be checked
alone. Notation (see `docs/observatory-model.md`), per commune c and PCS group k:

    W[c,k]  working residents                     s[c,k]  share of them who are salaried
    τ[k]    teleworkable share of salaried jobs   r       share of those declared compatible
    a       adoption among declared-compatible    f       telework days per week
    θ(d)    share of teleworkers using a shared   g       days per week of such a user in the
            place, by home–work distance band             shared place (g ≤ f)
    S[c]    independents without employees
    θs, fs  share of solos in a shared place and their days there per week
    O, ρ    opening days per week and target occupancy of a desk

Nothing is rounded: desks are fractional so that commune results add up exactly to EPCI and
territory totals (round only for display). Independents *with* employees are outside the model.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maillage.observatory.commute import CAR_SHARE_NATIONAL, COMMUTE_BIN_KM
from maillage.observatory.errors import InputError, french_percent
from maillage.observatory.pcs import PCS_COUNT
from maillage.observatory.scenarios import Scenario

INPUT_LABELS = {
    "codes": "codes commune",
    "working": "actifs occupés résidents par catégorie socioprofessionnelle",
    "salaried_share": "part de salariés par catégorie socioprofessionnelle",
    "solos": "indépendants sans salarié",
    "commute_km": "distance domicile-travail (km)",
    "estimated": "indicateur d'estimation",
    "commute_mix": "répartition des actifs par distance domicile-travail",
    "commute_bin_km": "distances représentatives des tranches de trajet (km)",
    "car_share": "part des actifs allant travailler en voiture",
    "status_estimated": "indicateur d'estimation des salariés et indépendants",
}

# A commute mix row is a set of shares: it must add up to 1 (or be all zero: unknown).
MIX_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class CommuneInputs:
    """What the model needs per commune, as aligned arrays of length n.

    - `codes` (n,): INSEE commune codes, as strings.
    - `working` (n, 6): working residents per PCS group, in `pcs.PCS_KEYS` order.
    - `salaried_share` (n, 6): share of salaried among them (0 for agriculteurs exploitants).
    - `solos` (n,): non-salaried without employees (INSEE `P{yy}_NSAL15P_INDEP`).
    - `commute_km` (n,): typical one-way home–work distance of the commune's residents.
    - `estimated` (n,): True where the figures are the default estimate, not an INSEE file.
    - `commute_mix` (n, m), optional: share of the commune's workers in each distance bin of
      `commute_bin_km` (MOBPRO flows); a row of zeros means « unknown », and θ then comes from
      `commute_km` alone. Omitted: every row is zero.
    - `commute_bin_km` (m,), optional: representative one-way km of each bin, by default
      `commute.COMMUTE_BIN_KM` (the bins the MOBPRO importer fills).
    - `car_share` (n,) or a number, optional: share of workers driving to work, used by the
      impact steps; by default the national figure `commute.CAR_SHARE_NATIONAL`.
    - `status_estimated` (n,), optional: True where `salaried_share` and `solos` are the default
      estimate (no « Caractéristiques de l'emploi » figure for the commune) even though its
      working residents may be counted; by default the same as `estimated`.

    Arrays are converted to float64 (bool for `estimated`) and checked on construction; a bad
    value raises `InputError` naming the field.
    """

    codes: np.ndarray
    working: np.ndarray
    salaried_share: np.ndarray
    solos: np.ndarray
    commute_km: np.ndarray
    estimated: np.ndarray
    commute_mix: np.ndarray | None = None
    commute_bin_km: np.ndarray | None = None
    car_share: np.ndarray | float | None = None
    status_estimated: np.ndarray | None = None

    def __post_init__(self) -> None:
        codes = np.asarray(self.codes, dtype=str)
        if codes.ndim != 1:
            raise InputError("codes", "Codes commune : une liste à une dimension est attendue.")
        n = codes.shape[0]
        object.__setattr__(self, "codes", codes)
        for name, shape in (
            ("working", (n, PCS_COUNT)),
            ("salaried_share", (n, PCS_COUNT)),
            ("solos", (n,)),
            ("commute_km", (n,)),
        ):
            values = np.asarray(getattr(self, name), dtype=np.float64)
            if values.shape != shape:
                raise InputError(
                    name,
                    f"{_capital(INPUT_LABELS[name])} : dimensions {values.shape} reçues, "
                    f"{shape} attendues ({n} communes).",
                )
            if not np.isfinite(values).all() or (values < 0).any():
                raise InputError(
                    name,
                    f"{_capital(INPUT_LABELS[name])} : valeurs négatives ou manquantes "
                    f"(commune {codes[_first_bad_row(values)]}).",
                )
            object.__setattr__(self, name, values)
        if (self.salaried_share > 1).any():
            raise InputError(
                "salaried_share",
                f"{_capital(INPUT_LABELS['salaried_share'])} : une part dépasse 100 % "
                f"(commune {codes[_first_bad_row(self.salaried_share, above=1.0)]}).",
            )
        estimated = np.asarray(self.estimated, dtype=bool)
        if estimated.shape != (n,):
            estimated = np.broadcast_to(estimated, (n,)).copy()
        object.__setattr__(self, "estimated", estimated)
        status = estimated if self.status_estimated is None else self.status_estimated
        status = np.broadcast_to(np.asarray(status, dtype=bool), (n,)).copy()
        # Estimated working residents always mean estimated shares and solos.
        object.__setattr__(self, "status_estimated", status | estimated)
        self._check_commute_mix(codes)
        car_share = np.broadcast_to(
            np.asarray(CAR_SHARE_NATIONAL if self.car_share is None else self.car_share, float),
            (n,),
        ).copy()
        if not np.isfinite(car_share).all() or (car_share < 0).any() or (car_share > 1).any():
            bad = ~np.isfinite(car_share) | (car_share < 0) | (car_share > 1)
            raise InputError(
                "car_share",
                f"{_capital(INPUT_LABELS['car_share'])} : une part doit être comprise entre "
                f"0 et 100 % (commune {codes[int(np.argwhere(bad)[0][0])]}).",
            )
        object.__setattr__(self, "car_share", car_share)

    def _check_commute_mix(self, codes: np.ndarray) -> None:
        n = codes.shape[0]
        bin_km = np.asarray(
            COMMUTE_BIN_KM if self.commute_bin_km is None else self.commute_bin_km, np.float64
        )
        if (
            bin_km.ndim != 1
            or not np.isfinite(bin_km).all()
            or (bin_km < 0).any()
            or (np.diff(bin_km) <= 0).any()
        ):
            raise InputError(
                "commute_bin_km",
                f"{_capital(INPUT_LABELS['commute_bin_km'])} : des distances positives, "
                "strictement croissantes, sont attendues.",
            )
        m = bin_km.shape[0]
        mix = np.zeros((n, m)) if self.commute_mix is None else self.commute_mix
        mix = np.asarray(mix, dtype=np.float64)
        label = _capital(INPUT_LABELS["commute_mix"])
        if mix.shape != (n, m):
            raise InputError(
                "commute_mix",
                f"{label} : dimensions {mix.shape} reçues, {(n, m)} attendues ({n} communes, "
                f"{m} tranches).",
            )
        if not np.isfinite(mix).all() or (mix < 0).any():
            raise InputError(
                "commute_mix",
                f"{label} : valeurs négatives ou manquantes "
                f"(commune {codes[_first_bad_row(mix)]}).",
            )
        sums = mix.sum(axis=1)
        bad = (sums > 0) & (np.abs(sums - 1) > MIX_TOLERANCE)
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            raise InputError(
                "commute_mix",
                f"{label} : les parts de la commune {codes[row]} totalisent "
                f"{french_percent(float(sums[row]))} au lieu de 100 % (ou 0 si inconnues).",
            )
        object.__setattr__(self, "commute_bin_km", bin_km)
        object.__setattr__(self, "commute_mix", mix)

    def __len__(self) -> int:
        return int(self.codes.shape[0])


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _first_bad_row(values: np.ndarray, above: float | None = None) -> int:
    bad = values > above if above is not None else ~np.isfinite(values) | (values < 0)
    return int(np.argwhere(bad)[0][0])


@dataclass(frozen=True, eq=False)
class CommuneResults:
    """Model outputs per commune, aligned with `CommuneInputs.codes`.

    Per PCS (n, 6): `potential_by_pcs`, `teleworkers_by_pcs`. Per commune (n,): the totals
    `potential`, `teleworkers`, `telework_days` (per week), `shared_share` (θ of the commune:
    of its band, or the average over its commute mix), `shared_days` (salaried telework days in
    shared places per week), `solo_days` (solo days in shared places per week), `users`
    (people using shared places) and `desks`.
    """

    codes: np.ndarray
    estimated: np.ndarray
    potential_by_pcs: np.ndarray
    teleworkers_by_pcs: np.ndarray
    potential: np.ndarray
    teleworkers: np.ndarray
    telework_days: np.ndarray
    shared_share: np.ndarray
    shared_days: np.ndarray
    solo_days: np.ndarray
    users: np.ndarray
    desks: np.ndarray


# Per-commune quantities that add up across communes (θ is a rate: it does not).
ADDITIVE_FIELDS: tuple[str, ...] = (
    "potential",
    "teleworkers",
    "telework_days",
    "shared_days",
    "solo_days",
    "users",
    "desks",
)


# --- the steps, one function each --------------------------------------------------------------


def salaried_residents(working: np.ndarray, salaried_share: np.ndarray) -> np.ndarray:
    """Step 1. `W_sal[c,k] = W[c,k] × s[c,k]`: only salaried jobs enter the telework chain
    (independents are counted apart, as solos, because they choose their place freely)."""
    return working * salaried_share


def potential_teleworkers(salaried: np.ndarray, teleworkable: Sequence[float]) -> np.ndarray:
    """Step 2a. `P[c,k] = W_sal[c,k] × τ[k]`: salaried residents whose job can be done remotely."""
    return salaried * np.asarray(teleworkable, dtype=np.float64)


def teleworkers(potential: np.ndarray, compatible_ratio: float, adoption: float) -> np.ndarray:
    """Step 2b. `T[c,k] = P[c,k] × r × a`: those who actually telework at the scenario's horizon.

    The adoption `a` is measured among salaried who *declare* their job compatible, a narrower
    base than the task-based τ; `r` brings τ to that base, otherwise « actuel » would put a
    quarter of salaried in telework where the surveys measure a fifth.
    """
    return potential * (compatible_ratio * adoption)


def telework_days(teleworkers_by_pcs: np.ndarray, days_per_week: float) -> np.ndarray:
    """Step 2c. `TD[c] = Σ_k T[c,k] × f`: telework days per week of the commune's residents."""
    return teleworkers_by_pcs.sum(axis=1) * days_per_week


def shared_place_share(
    commute_km: np.ndarray, bounds_km: Sequence[float], shares: Sequence[float]
) -> np.ndarray:
    """Step 3a. `θ[c] = shares[i]` for the band `bounds[i-1] <= d[c] < bounds[i]` of the
    commune's commute `d[c]`; `shares[-1]` beyond the last bound. A shorter commute leaves less
    to gain from a nearby shared place, so θ does not decrease with distance."""
    bands = np.searchsorted(np.asarray(bounds_km, dtype=np.float64), commute_km, side="right")
    return np.asarray(shares, dtype=np.float64)[bands]


def mixed_shared_place_share(
    commute_km: np.ndarray,
    commute_mix: np.ndarray,
    bin_km: Sequence[float] | np.ndarray,
    bounds_km: Sequence[float],
    shares: Sequence[float],
) -> np.ndarray:
    """Step 3a with the distance mix of each commune's workers (MOBPRO flows):
    `θ[c] = Σ_b mix[c,b] × θ(km_b)`, each bin counted at its representative distance `km_b`.

    A commune whose workers go in every direction gets the average of their θ instead of the θ
    of a single typical distance (a few long commuters weigh as much as they should). Where the
    mix is unknown (a row of zeros), `θ(commute_km[c])` as in `shared_place_share`.
    """
    typical = shared_place_share(commute_km, bounds_km, shares)
    per_bin = shared_place_share(np.asarray(bin_km, dtype=np.float64), bounds_km, shares)
    known = commute_mix.sum(axis=1) > 0
    return np.where(known, commute_mix @ per_bin, typical)


def shared_place_days(
    teleworkers_total: np.ndarray, share: np.ndarray, shared_days_per_week: float
) -> np.ndarray:
    """Step 3b. `D_shared[c] = T[c] × θ[c] × g`: salaried telework days per week in shared
    places. A user comes g days a week, often fewer than their f telework days (the rest at
    home): g sizes the desks, f the kilometres."""
    return teleworkers_total * share * shared_days_per_week


def solo_days(solos: np.ndarray, solo_share: float, solo_days_per_week: float) -> np.ndarray:
    """Step 3c. `D_solo[c] = S[c] × θs × fs`: days per week independents without employees spend
    in shared places."""
    return solos * (solo_share * solo_days_per_week)


def shared_place_users(
    teleworkers_total: np.ndarray, share: np.ndarray, solos: np.ndarray, solo_share: float
) -> np.ndarray:
    """`U[c] = T[c] × θ[c] + S[c] × θs` : people who use a shared place, each on
    g (salaried) or fs (solos) days a week."""
    return teleworkers_total * share + solos * solo_share


def desks_needed(
    shared_days: np.ndarray, solo_days_per_week: np.ndarray, opening_days: float, occupancy: float
) -> np.ndarray:
    """Step 4. `N[c] = (D_shared[c] + D_solo[c]) / (O × ρ)`: one desk serves O days a week, but
    only a share ρ of them on average, so that peaks still find a seat."""
    return (shared_days + solo_days_per_week) / (opening_days * occupancy)


def run(inputs: CommuneInputs, scenario: Scenario) -> CommuneResults:
    """All steps for every commune under one scenario (validate the scenario first)."""
    salaried = salaried_residents(inputs.working, inputs.salaried_share)
    potential_by_pcs = potential_teleworkers(salaried, scenario.teleworkable)
    teleworkers_by_pcs = teleworkers(potential_by_pcs, scenario.compatible_ratio, scenario.adoption)
    days = telework_days(teleworkers_by_pcs, scenario.days_per_week)
    share = mixed_shared_place_share(
        inputs.commute_km,
        inputs.commute_mix,
        inputs.commute_bin_km,
        scenario.shared_bounds_km,
        scenario.shared_shares,
    )
    teleworkers_total = teleworkers_by_pcs.sum(axis=1)
    # Validation keeps g ≤ f; the guard keeps shared days a part of telework days regardless.
    shared = shared_place_days(
        teleworkers_total, share, min(scenario.shared_days_per_week, scenario.days_per_week)
    )
    solo = solo_days(inputs.solos, scenario.solo_share, scenario.solo_days_per_week)
    return CommuneResults(
        codes=inputs.codes,
        estimated=inputs.estimated,
        potential_by_pcs=potential_by_pcs,
        teleworkers_by_pcs=teleworkers_by_pcs,
        potential=potential_by_pcs.sum(axis=1),
        teleworkers=teleworkers_total,
        telework_days=days,
        shared_share=share,
        shared_days=shared,
        solo_days=solo,
        users=shared_place_users(teleworkers_total, share, inputs.solos, scenario.solo_share),
        desks=desks_needed(shared, solo, scenario.opening_days, scenario.occupancy),
    )


# --- aggregation -------------------------------------------------------------------------------


def aggregate(
    results: CommuneResults, group_codes: Sequence[str] | np.ndarray
) -> dict[str, dict[str, float]]:
    """Totals per group (EPCI, département, territory…): `{group: {field: total, …}}`.

    `group_codes[c]` is the group of commune c. Each additive field is summed over the group's
    communes; `communes` and `estimated` count them, so a page can say « dont 3 communes
    estimées ». Groups come back in sorted order. Every commune lands in exactly one group, so
    group totals add up to the territory total (float64 sums of non-negative terms: equal up to
    rounding, ~1e-12 relative).
    """
    groups = np.asarray(group_codes, dtype=str)
    if groups.shape != results.codes.shape:
        raise InputError(
            "group_codes",
            f"Codes de regroupement : {groups.shape[0]} reçus pour {results.codes.shape[0]} "
            "communes.",
        )
    names, index = np.unique(groups, return_inverse=True)
    size = names.shape[0]
    sums = {
        name: np.bincount(index, weights=getattr(results, name), minlength=size)
        for name in ADDITIVE_FIELDS
    }
    communes = np.bincount(index, minlength=size)
    estimated = np.bincount(index, weights=results.estimated.astype(np.float64), minlength=size)
    return {
        str(group): {
            **{name: float(sums[name][i]) for name in ADDITIVE_FIELDS},
            "communes": int(communes[i]),
            "estimated": int(estimated[i]),
        }
        for i, group in enumerate(names)
    }


def total(results: CommuneResults) -> dict[str, float]:
    """Territory total of every additive field (plus the commune counts)."""
    return {
        **{name: float(getattr(results, name).sum()) for name in ADDITIVE_FIELDS},
        "communes": len(results.codes),
        "estimated": int(results.estimated.sum()),
    }
