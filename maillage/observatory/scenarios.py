"""Scenarios: named, versioned parameter sets of the demand model, each value with its source.

A scenario is frozen: editing one means copying it (`scenario_copy`), which validates the new
values and writes "modified by the user" beside every changed value, so an export never shows a
user's figure under a published source. The published defaults and their sources live here and
in `docs/observatory-model.md`; keep both in step.

Shares are fractions (0.62, not 62). Messages are French because they are shown to the person who
typed the value.
"""

import math
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from itertools import pairwise
from typing import Any

from maillage.observatory.errors import ScenarioError, french_number, french_percent
from maillage.observatory.pcs import PCS_COUNT, PCS_LABELS

# Version of the published default parameter set below; bump it when a default value changes, so
# stored runs can say which defaults they used.
DEFAULTS_VERSION = 2

# Names of the published scenarios, reserved: a user's copy cannot take them.
PUBLISHED_NAMES = ("actuel", "tendanciel", "rupture")

# Horizon of the prospective scenarios (tendanciel, rupture), in years after the current year.
PROSPECTIVE_HORIZON_YEARS = 5

FIELD_LABELS: dict[str, str] = {
    "name": "nom du scénario",
    "version": "version",
    "horizon": "année d'horizon",
    "teleworkable": "part des emplois télétravaillables",
    "compatible_ratio": "part des emplois télétravaillables jugés compatibles par les salariés",
    "adoption": "taux d'adoption du télétravail",
    "days_per_week": "jours de télétravail par semaine",
    "shared_bounds_km": "bornes des tranches de distance domicile-travail",
    "shared_shares": "part des télétravailleurs qui utilisent un tiers-lieu",
    "shared_days_per_week": "jours par semaine en tiers-lieu d'un télétravailleur usager",
    "solo_share": "part des indépendants sans salarié utilisant un tiers-lieu",
    "solo_days_per_week": "jours par semaine des indépendants en tiers-lieu",
    "opening_days": "jours d'ouverture par semaine",
    "occupancy": "taux d'occupation cible",
    "label": "libellé",
    "based_on": "scénario d'origine",
    "sources": "sources",
}


@dataclass(frozen=True)
class Scenario:
    """One parameter set of the model (see `model.run` for where each value enters).

    - `teleworkable`: τ[k], share of salaried jobs that can be done remotely (task criteria),
      per PCS group.
    - `compatible_ratio`: r, share of those teleworkable jobs whose holders *declare* them
      compatible with telework (the base of the measured adoption; see `docs`, §2).
    - `adoption`: a, share of the declared-compatible jobs actually teleworked at the horizon.
    - `days_per_week`: f, telework days per week of a teleworker (drive the km avoided).
    - `shared_bounds_km` / `shared_shares`: θ, share of teleworkers who use a shared place
      (tiers-lieu, coworking) for part of their telework days, by band of home–work distance.
      Band `i` is `bounds[i-1] <= d < bounds[i]`; the last share applies beyond the last bound,
      so there is one share more than bounds.
    - `shared_days_per_week`: g, days per week such a user spends in the shared place (drive the
      desks); at most f, a part of the telework days.
    - `solo_share`, `solo_days_per_week`: independents without employees ("solos") using a
      shared place, and their days there per week.
    - `opening_days`, `occupancy`: O open days per week and ρ target occupancy of a desk.
    - `sources`: field name → where the value comes from (published figure or "hypothèse").
    """

    name: str
    version: int
    horizon: int
    teleworkable: tuple[float, ...]
    compatible_ratio: float
    adoption: float
    days_per_week: float
    shared_bounds_km: tuple[float, ...]
    shared_shares: tuple[float, ...]
    shared_days_per_week: float
    solo_share: float
    solo_days_per_week: float
    opening_days: float
    occupancy: float
    label: str = ""
    based_on: str = ""
    sources: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


# --- published defaults, each with its source --------------------------------------------------

# τ by PCS (agriculteurs, artisans-commerçants-chefs, cadres, prof. interm., employés, ouvriers).
TELEWORKABLE_2021 = (0.03, 0.33, 0.72, 0.48, 0.36, 0.02)
SOURCE_TELEWORKABLE = (
    "Insee Analyses Auvergne-Rhône-Alpes n°182 (05/11/2024) : critères de Dingel & Neiman (2020) "
    "appliqués aux professions françaises, part des emplois télétravaillables par PCS en 2021 "
    "(tableau lu de seconde main, dans la presse)"
)

# Adoption is measured among people who *declare* their job compatible with telework, a
# narrower base than τ (task criteria). Ratio of the two, from two Insee publications:
# 29 % of salaried in province declare a compatible job (Insee Flash Auvergne-Rhône-Alpes n°163,
# 30/09/2025) and 39 % of jobs in France métropolitaine are teleworkable by the task criteria of
# τ (Insee Analyses Auvergne-Rhône-Alpes n°182, 05/11/2024, France métropolitaine 2021):
# r = 0.29 / 0.39 = 0.744. With it, « actuel » gives 18.8 % of salaried teleworking over France
# (default estimate: Σ τ × salaried = 40.8 %, × 0.744 × 0.62), for 19.4 % measured in 2022
# (`MEASURED_TELEWORK_SHARE_2022`), instead of 25.3 % when a was applied to τ directly.
DECLARED_COMPATIBLE_PROVINCE = 0.29
TELEWORKABLE_FRANCE_2021 = 0.39
COMPATIBLE_RATIO = round(DECLARED_COMPATIBLE_PROVINCE / TELEWORKABLE_FRANCE_2021, 3)
SOURCE_COMPATIBLE_RATIO = (
    "rapport de deux mesures Insee : 29 % des salariés de province déclarent un emploi "
    "compatible avec le télétravail (Insee Flash Auvergne-Rhône-Alpes n°163, 30/09/2025) ; 39 % "
    "des emplois de France métropolitaine sont télétravaillables selon les critères de Dingel & "
    "Neiman (Insee Analyses Auvergne-Rhône-Alpes n°182, 05/11/2024, année 2021) ; "
    "0,29 / 0,39 = 0,744 (champs non identiques : province et France métropolitaine) ; "
    "hypothèse : rapport inchangé dans les scénarios prospectifs"
)
# National share of salaried who telework at least one day a week, the calibration target of
# « actuel » (tests/observatory/test_calibration.py): Insee, enquête Emploi 2022, part des
# salariés ayant télétravaillé au moins un jour par semaine, ensemble 19.4 % (cadres 52.2 %,
# professions intermédiaires 19.4 %, employés 8.5 %, ouvriers 0.2 %); figures read second-hand
# (Les Echos Études, « Près de 20 % des salariés ont télétravaillé en 2022 »).
MEASURED_TELEWORK_SHARE_2022 = 0.194

ADOPTION_PROVINCE = 0.62
ADOPTION_ILE_DE_FRANCE = 0.77
SOURCE_ADOPTION = (
    "Insee Flash Auvergne-Rhône-Alpes n°163 (30/09/2025) : en province, 18 % des salariés "
    "télétravaillent pour 29 % dont l'emploi est compatible, soit 0,62 ; 0,77 en Île-de-France ; "
    "appliqué aux emplois déclarés compatibles (τ × r), la base de la mesure"
)

DAYS_PER_WEEK_2024 = 1.9
SOURCE_DAYS = (
    "Insee (05/03/2025) : 1,9 jour de télétravail par semaine en moyenne, salariés du secteur "
    "privé, 1er semestre 2024"
)

# Distance bands of DARES Analyses n°051: < 5 km, 5–50 km, ≥ 50 km.
SHARED_BOUNDS_KM = (5.0, 50.0)
SOURCE_BANDS = (
    "DARES Analyses n°051 (2019, données 2017) : télétravail régulier de 1,8 % des salariés "
    "habitant à moins de 5 km du travail, 3,5 % entre 5 et 50 km, 9 % au-delà"
)
# Relative weight of each band: regular-telework rate by distance, DARES 2017, 5–50 km = 1.
DISTANCE_GRADIENT = (1.8 / 3.5, 1.0, 9.0 / 3.5)
SHARED_SHARE_2024 = 0.02
SOURCE_SHARED = (
    "DARES (05/11/2024) : le lieu principal de télétravail est un lieu dédié (coworking, "
    "tiers-lieu) pour 2 % des télétravailleurs ; 2 % retenus pour 5–50 km, les autres tranches au "
    "prorata du gradient de distance de DARES Analyses n°051 (1,8 / 3,5 / 9 %) : hypothèse de "
    "forme"
)

OPENING_DAYS = 5.0
SOURCE_OPENING = "hypothèse : ouverture du lundi au vendredi, cinq jours ouvrés"

OCCUPANCY = 0.8
OCCUPANCY_RUPTURE = 0.85
SOURCE_OCCUPANCY = (
    "OfficeRnD (centre d'aide) : 70 à 90 % est la plage saine d'occupation d'un espace de "
    "coworking ; milieu de plage"
)

# Days per week a user of a shared place spends there. Caisse des Dépôts, ENS Cachan, PMP (2014),
# « Externalités des télécentres »: 67,000 places for 171,000 users, 0.392 place per user. With
# O = 5 and ρ = 0.8, a desk per user of 0.392 means 0.392 × 5 × 0.8 = 1.57 days a week.
SHARED_DAYS_PER_WEEK = round(67_000 / 171_000 * OPENING_DAYS * OCCUPANCY, 2)
SOURCE_SHARED_DAYS = (
    "Caisse des Dépôts, ENS Cachan, PMP (2014), « Externalités des télécentres » : 67 000 places "
    "pour 171 000 usagers, soit 0,392 place par usager ; avec 5 jours d'ouverture et 80 % "
    "d'occupation, 0,392 × 5 × 0,8 = 1,57 jour par semaine sur place (hypothèse : réseau de "
    "l'étude dimensionné à la même occupation)"
)

SOURCE_SOLO_SHARE = (
    "hypothèse : aucune statistique publique trouvée sur les indépendants ; on reprend la part "
    "des salariés de la tranche 5–50 km"
)
SOURCE_SOLO_DAYS = "hypothèse : autant de jours que les salariés télétravailleurs"

# Tendanciel: linear continuation from the 2024 level.
TREND_BASE_YEAR = 2024
# Practice among salaried rose from 19.4 % (2022, Insee, second-hand) to 22 % (2024 H1, Insee
# 05/03/2025): +1.3 point a year, i.e. +0.045 a year of adoption among the 29 % compatible.
ADOPTION_SLOPE = 0.045
SOURCE_ADOPTION_TREND = (
    "prolongement linéaire depuis 0,62 en 2024 (Insee Flash AURA n°163) de +0,045 par an : "
    "pratique passée de 19,4 % (2022, Insee, seconde main) à 22 % (1er semestre 2024, Insee "
    "05/03/2025), soit +1,3 point par an rapporté aux 29 % d'emplois compatibles (la base à "
    "laquelle a s'applique) ; champs non identiques ; plafonné au niveau francilien 0,77"
)
# Mean days of regular teleworkers were ≈ 1.84 in 2017 (45 % one day, 26 % two, 29 % three or
# more, DARES 2019) and 1.9 in 2024 (Insee 2025): the trend is flat.
SOURCE_DAYS_TREND = (
    "tendance plate : ≈ 1,84 jour en 2017 (DARES Analyses n°051 : 45 % un jour, 26 % deux, "
    "29 % trois ou plus) et 1,9 jour en 2024 (Insee 05/03/2025)"
)
# The offer of tiers-lieux grew from 1,463 (2018, Mission Coworking/CGET) to 3,000–3,500 (end
# 2022, France Tiers-Lieux): ≈ +400 a year, ≈ 10 % of a stock extrapolated to ≈ 4,000 in 2024.
SHARED_GROWTH_PER_YEAR = 0.10
SOURCE_SHARED_TREND = (
    "parts 2024 (DARES 2024, gradient DARES 2017) multipliées par 1 + 0,10 × (horizon − 2024) : "
    "l'offre de tiers-lieux est passée de 1 463 (2018, Mission Coworking/CGET) à 3 000–3 500 "
    "(fin 2022, France Tiers-Lieux), ≈ +400 par an, ≈ 10 % d'un parc extrapolé à 4 000 en 2024 ; "
    "hypothèse : l'usage suit l'offre"
)

# Rupture.
TELEWORKABLE_RUPTURE = (0.03, 0.33, 0.82, 0.58, 0.36, 0.02)
SOURCE_TELEWORKABLE_RUPTURE = (
    SOURCE_TELEWORKABLE + " ; +10 points pour les cadres et les professions intermédiaires "
    "(hypothèse de rupture : diffusion du télétravail à des tâches aujourd'hui jugées non "
    "télétravaillables)"
)
ADOPTION_RUPTURE = 0.85
SOURCE_ADOPTION_RUPTURE = (
    "hypothèse de rupture : 0,85, au-dessus du niveau francilien 0,77 (Insee Flash "
    "Auvergne-Rhône-Alpes n°163, 30/09/2025), parmi les emplois déclarés compatibles comme ce "
    "niveau"
)
DAYS_RUPTURE = 2.5
SOURCE_DAYS_RUPTURE = "hypothèse de rupture : haut de la fourchette 2–2,5 jours par semaine"
SHARED_SHARE_RUPTURE = 0.11
SOURCE_SHARED_RUPTURE = (
    "Caisse des Dépôts, ENS Cachan, PMP (2014), « Externalités des télécentres » : 11 % des "
    "télétravailleurs en télécentre dans un scénario 2025 ; 11 % retenus pour 5–50 km, autres "
    "tranches au prorata du gradient de distance de DARES Analyses n°051"
)
SOURCE_OCCUPANCY_RUPTURE = SOURCE_OCCUPANCY.replace("milieu de plage", "haut-milieu de plage")


def _banded(middle_share: float) -> tuple[float, ...]:
    """Shares per distance band, `middle_share` for 5–50 km and the DARES 2017 gradient around."""
    return tuple(round(min(1.0, middle_share * weight), 4) for weight in DISTANCE_GRADIENT)


def trend_adoption(horizon: int) -> float:
    """Adoption of the tendanciel scenario at `horizon`: a straight line, capped at 0.77."""
    years = max(0, horizon - TREND_BASE_YEAR)
    return round(min(ADOPTION_ILE_DE_FRANCE, ADOPTION_PROVINCE + ADOPTION_SLOPE * years), 4)


def trend_shared_factor(horizon: int) -> float:
    """Multiplier of the 2024 shared-place shares in the tendanciel scenario at `horizon`."""
    return 1.0 + SHARED_GROWTH_PER_YEAR * max(0, horizon - TREND_BASE_YEAR)


def default_scenarios(year: int, horizon: int | None = None) -> dict[str, Scenario]:
    """The three published scenarios, keyed by name: actuel (horizon `year`), tendanciel and
    rupture (horizon `horizon`, by default `year` + 5).

    `year` is the current year, passed in so that the caller owns the clock (and tests do not).
    """
    horizon = year + PROSPECTIVE_HORIZON_YEARS if horizon is None else horizon
    common_sources = {
        "compatible_ratio": SOURCE_COMPATIBLE_RATIO,
        "shared_bounds_km": SOURCE_BANDS,
        "shared_days_per_week": SOURCE_SHARED_DAYS,
        "opening_days": SOURCE_OPENING,
    }
    actuel = Scenario(
        name="actuel",
        label="Pratiques actuelles",
        version=DEFAULTS_VERSION,
        horizon=year,
        teleworkable=TELEWORKABLE_2021,
        compatible_ratio=COMPATIBLE_RATIO,
        adoption=ADOPTION_PROVINCE,
        days_per_week=DAYS_PER_WEEK_2024,
        shared_bounds_km=SHARED_BOUNDS_KM,
        shared_shares=_banded(SHARED_SHARE_2024),
        shared_days_per_week=SHARED_DAYS_PER_WEEK,
        solo_share=SHARED_SHARE_2024,
        solo_days_per_week=DAYS_PER_WEEK_2024,
        opening_days=OPENING_DAYS,
        occupancy=OCCUPANCY,
        sources={
            **common_sources,
            "teleworkable": SOURCE_TELEWORKABLE,
            "adoption": SOURCE_ADOPTION,
            "days_per_week": SOURCE_DAYS,
            "shared_shares": SOURCE_SHARED,
            "solo_share": SOURCE_SOLO_SHARE,
            "solo_days_per_week": SOURCE_SOLO_DAYS,
            "occupancy": SOURCE_OCCUPANCY,
        },
    )
    factor = trend_shared_factor(horizon)
    tendanciel = replace(
        actuel,
        name="tendanciel",
        label="Tendance prolongée",
        horizon=horizon,
        adoption=trend_adoption(horizon),
        shared_shares=_banded(SHARED_SHARE_2024 * factor),
        solo_share=round(min(1.0, SHARED_SHARE_2024 * factor), 4),
        sources={
            **actuel.sources,
            "adoption": SOURCE_ADOPTION_TREND,
            "days_per_week": SOURCE_DAYS_TREND,
            "shared_shares": SOURCE_SHARED_TREND,
            "solo_share": SOURCE_SOLO_SHARE + " ; même prolongement que les salariés",
            "solo_days_per_week": SOURCE_SOLO_DAYS + " ; " + SOURCE_DAYS_TREND,
        },
    )
    rupture = replace(
        actuel,
        name="rupture",
        label="Rupture",
        horizon=horizon,
        teleworkable=TELEWORKABLE_RUPTURE,
        adoption=ADOPTION_RUPTURE,
        days_per_week=DAYS_RUPTURE,
        shared_shares=_banded(SHARED_SHARE_RUPTURE),
        solo_share=SHARED_SHARE_RUPTURE,
        solo_days_per_week=DAYS_RUPTURE,
        occupancy=OCCUPANCY_RUPTURE,
        sources={
            **actuel.sources,
            "teleworkable": SOURCE_TELEWORKABLE_RUPTURE,
            "adoption": SOURCE_ADOPTION_RUPTURE,
            "days_per_week": SOURCE_DAYS_RUPTURE,
            "shared_shares": SOURCE_SHARED_RUPTURE,
            "solo_share": SOURCE_SOLO_SHARE + " ; " + SOURCE_SHARED_RUPTURE,
            "solo_days_per_week": SOURCE_SOLO_DAYS,
            "occupancy": SOURCE_OCCUPANCY_RUPTURE,
        },
    )
    return {scenario.name: scenario for scenario in (actuel, tendanciel, rupture)}


# --- validation --------------------------------------------------------------------------------


def _label(name: str) -> str:
    label = FIELD_LABELS[name]
    return label[0].upper() + label[1:]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _share_error(
    name: str, value: Any, detail: str = "", index: int | None = None
) -> ScenarioError | None:
    where = f" ({detail})" if detail else ""
    if not _is_number(value):
        return ScenarioError(
            name, f"{_label(name)}{where} : « {value} » n'est pas un nombre.", index
        )
    if not 0 <= value <= 1:
        return ScenarioError(
            name,
            f"{_label(name)}{where} : {french_percent(value)} n'est pas une part valide ; "
            "saisir une valeur entre 0 % et 100 %.",
            index,
        )
    return None


def _occupancy_error(value: Any) -> ScenarioError | None:
    """A share typed in %, above 0 and at most 100 %."""
    if not _is_number(value):
        message = f"{_label('occupancy')} : « {value} » n'est pas un nombre."
        return ScenarioError("occupancy", message)
    if not 0 < value <= 1:
        return ScenarioError(
            "occupancy",
            f"{_label('occupancy')} : {french_percent(value)} est hors limites ; saisir une part "
            "strictement supérieure à 0 % et au plus 100 %.",
        )
    return None


def _range_error(name: str, value: Any, low: float, high: float, low_open: bool) -> ScenarioError:
    if not _is_number(value):
        return ScenarioError(name, f"{_label(name)} : « {value} » n'est pas un nombre.")
    if (value <= low if low_open else value < low) or value > high:
        bound = "strictement supérieure à" if low_open else "au moins égale à"
        return ScenarioError(
            name,
            f"{_label(name)} : {french_number(value)} est hors limites ; saisir une valeur "
            f"{bound} {french_number(low)} et au plus {french_number(high)}.",
        )
    return None


# A prospective scenario further than this says nothing the published trends support (and an
# absurd year must not be stored).
MAX_HORIZON_YEARS = 50


def scenario_errors(scenario: Scenario, today: date) -> list[ScenarioError]:
    """Every problem of `scenario`, in field order (a form shows them all at once)."""
    found: list[ScenarioError | None] = []
    if not isinstance(scenario.name, str) or not scenario.name.strip():
        found.append(ScenarioError("name", "Nom du scénario : ce champ est obligatoire."))
    if not isinstance(scenario.version, int) or scenario.version < 1:
        found.append(ScenarioError("version", "Version : un entier à partir de 1 est attendu."))
    if not isinstance(scenario.horizon, int) or isinstance(scenario.horizon, bool):
        found.append(
            ScenarioError(
                "horizon", f"Année d'horizon : « {scenario.horizon} » n'est pas une année."
            )
        )
    elif scenario.horizon < today.year:
        found.append(
            ScenarioError(
                "horizon",
                f"Année d'horizon : {scenario.horizon} est dans le passé ; choisir {today.year} "
                "ou une année suivante.",
            )
        )
    elif scenario.horizon > today.year + MAX_HORIZON_YEARS:
        found.append(
            ScenarioError(
                "horizon",
                f"Année d'horizon : {scenario.horizon} est trop lointaine ; au plus "
                f"{today.year + MAX_HORIZON_YEARS} ({MAX_HORIZON_YEARS} ans), au-delà les "
                "tendances publiées ne disent plus rien.",
            )
        )
    if len(scenario.teleworkable) != PCS_COUNT:
        found.append(
            ScenarioError(
                "teleworkable",
                f"{_label('teleworkable')} : {PCS_COUNT} valeurs attendues, une par catégorie "
                f"socioprofessionnelle, {len(scenario.teleworkable)} reçues.",
            )
        )
    else:
        for index, (label, share) in enumerate(zip(PCS_LABELS, scenario.teleworkable, strict=True)):
            found.append(_share_error("teleworkable", share, label, index))
    found.append(_share_error("compatible_ratio", scenario.compatible_ratio))
    found.append(_share_error("adoption", scenario.adoption))
    found.append(_range_error("days_per_week", scenario.days_per_week, 0, 7, low_open=False))
    found.extend(_band_errors(scenario))
    found.append(_shared_days_error(scenario))
    found.append(_share_error("solo_share", scenario.solo_share))
    found.append(
        _range_error("solo_days_per_week", scenario.solo_days_per_week, 0, 7, low_open=False)
    )
    found.append(_range_error("opening_days", scenario.opening_days, 0, 7, low_open=True))
    found.append(_occupancy_error(scenario.occupancy))
    return [error for error in found if error is not None]


def _shared_days_error(scenario: Scenario) -> ScenarioError | None:
    """Days in a shared place: 0 to 7, and no more than the telework days they are part of."""
    name, value = "shared_days_per_week", scenario.shared_days_per_week
    error = _range_error(name, value, 0, 7, low_open=False)
    if error is not None or not _is_number(scenario.days_per_week):
        return error
    if value > scenario.days_per_week:
        return ScenarioError(
            name,
            f"{_label(name)} : {french_number(value)} dépasse les jours de télétravail par "
            f"semaine ({french_number(scenario.days_per_week)}) ; les jours en tiers-lieu sont "
            "une partie des jours de télétravail.",
        )
    return None


def _band_errors(scenario: Scenario) -> list[ScenarioError | None]:
    bounds, shares = scenario.shared_bounds_km, scenario.shared_shares
    if not all(_is_number(bound) and bound > 0 for bound in bounds):
        return [
            ScenarioError(
                "shared_bounds_km",
                f"{_label('shared_bounds_km')} : des distances positives en km sont attendues.",
            )
        ]
    if any(later <= earlier for earlier, later in pairwise(bounds)):
        return [
            ScenarioError(
                "shared_bounds_km",
                f"{_label('shared_bounds_km')} : les bornes doivent être strictement croissantes "
                f"(reçu {', '.join(french_number(bound) for bound in bounds)} km).",
            )
        ]
    if len(shares) != len(bounds) + 1:
        return [
            ScenarioError(
                "shared_shares",
                f"{_label('shared_shares')} : {len(bounds) + 1} valeurs attendues (une par "
                f"tranche, la dernière au-delà de {french_number(bounds[-1]) if bounds else 0} "
                f"km), {len(shares)} reçues.",
            )
        ]
    errors = [
        _share_error("shared_shares", share, _band_name(bounds, i))
        for i, share in enumerate(shares)
    ]
    if any(errors):
        return errors
    if any(later < earlier for earlier, later in pairwise(shares)):
        return [
            ScenarioError(
                "shared_shares",
                f"{_label('shared_shares')} : la part ne peut pas baisser quand le trajet "
                "s'allonge (un trajet plus long rend le tiers-lieu plus utile, pas moins).",
            )
        ]
    return []


def _band_name(bounds: tuple[float, ...], index: int) -> str:
    """French name of distance band `index`: « moins de 5 km », « 5 à 50 km », « 50 km et plus »."""
    if not bounds:
        return "toutes distances"
    if index == 0:
        return f"moins de {french_number(bounds[0])} km"
    if index == len(bounds):
        return f"{french_number(bounds[-1])} km et plus"
    return f"{french_number(bounds[index - 1])} à {french_number(bounds[index])} km"


def validate(scenario: Scenario, today: date) -> Scenario:
    """Return `scenario` unchanged, or raise the first `ScenarioError` (field and French message).

    `today` is a `date` the caller takes from its clock (`timezone.localdate()` in Django), so a
    horizon in the past is judged against the caller's day, never a naive clock.
    """
    errors = scenario_errors(scenario, today)
    if errors:
        raise errors[0]
    return scenario


# --- copies, comparison and storage ------------------------------------------------------------

PARAMETER_FIELDS: tuple[str, ...] = (
    "horizon",
    "teleworkable",
    "compatible_ratio",
    "adoption",
    "days_per_week",
    "shared_bounds_km",
    "shared_shares",
    "shared_days_per_week",
    "solo_share",
    "solo_days_per_week",
    "opening_days",
    "occupancy",
)
TUPLE_FIELDS = frozenset({"teleworkable", "shared_bounds_km", "shared_shares"})


def _same_value(first: Any, second: Any) -> bool:
    """Equal, up to the rounding of a value typed in % and divided by 100."""
    if isinstance(first, tuple) and isinstance(second, tuple):
        return len(first) == len(second) and all(map(_same_value, first, second))
    if _is_number(first) and _is_number(second):
        return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-12)
    return first == second


def scenario_copy(scenario: Scenario, name: str, *, today: date, **changes: Any) -> Scenario:
    """A new scenario `name` from `scenario` with `changes`, validated against `today`.

    The copy starts at version 1 and remembers where it comes from; each changed parameter gets
    the source « valeur modifiée par l'utilisateur » so the published source is never shown
    beside a value it did not publish.
    """
    unknown = sorted(set(changes) - set(PARAMETER_FIELDS) - {"label"})
    if unknown:
        raise ScenarioError(unknown[0], f"Paramètre inconnu : « {unknown[0]} ».")
    normalised = {
        key: tuple(value) if key in TUPLE_FIELDS else value for key, value in changes.items()
    }
    horizon = normalised.get("horizon", scenario.horizon)
    if (
        scenario.name == "tendanciel"
        and not scenario.based_on
        and type(horizon) is int
        and horizon != scenario.horizon
        and today.year <= horizon <= today.year + MAX_HORIZON_YEARS
    ):
        # The published trend's values are those of its horizon: at another horizon, the
        # same formulas give other values (their sources state the formulas). A value sent
        # as it was (a form sends every field) follows the new horizon too.
        trend = default_scenarios(today.year, horizon)["tendanciel"]
        normalised = {
            key: value
            for key, value in normalised.items()
            if key == "horizon" or not _same_value(value, getattr(scenario, key, None))
        }
        scenario = replace(trend, version=scenario.version)
    days = normalised.get("days_per_week", scenario.days_per_week)
    if (
        "shared_days_per_week" not in normalised
        and _is_number(days)
        and 0 <= days < scenario.shared_days_per_week
    ):
        # Fewer telework days than the origin's days in a shared place, the latter not given (a
        # form without the field): the users come every telework day, no more.
        normalised["shared_days_per_week"] = days
    origin = f"{scenario.name} v{scenario.version}"
    sources = dict(scenario.sources)
    for key, value in normalised.items():
        if key in PARAMETER_FIELDS and value != getattr(scenario, key):
            sources[key] = f"valeur modifiée par l'utilisateur (copie de « {origin} »)"
    copy = replace(scenario, name=name, version=1, based_on=origin, sources=sources, **normalised)
    return validate(copy, today)


def scenario_compare(first: Scenario, second: Scenario) -> dict[str, tuple[Any, Any]]:
    """Parameters that differ between two scenarios: field → (first value, second value)."""
    return {
        key: (getattr(first, key), getattr(second, key))
        for key in PARAMETER_FIELDS
        if getattr(first, key) != getattr(second, key)
    }


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """A JSON-friendly dict (lists, not tuples) that `from_dict` reads back unchanged."""
    data = asdict(scenario)
    for key in TUPLE_FIELDS:
        data[key] = list(data[key])
    return data


# Parameters added after scenarios were first stored (defaults version 2): a stored scenario
# without them takes the published default, with its source. The days in a shared place never
# exceed the stored telework days (they are a part of them).
ADDED_FIELDS: dict[str, tuple[float, str]] = {
    "compatible_ratio": (COMPATIBLE_RATIO, SOURCE_COMPATIBLE_RATIO),
    "shared_days_per_week": (SHARED_DAYS_PER_WEEK, SOURCE_SHARED_DAYS),
}


def from_dict(data: dict[str, Any]) -> Scenario:
    """Rebuild a scenario stored by `to_dict`; a missing field is a `ScenarioError`, except the
    parameters of `ADDED_FIELDS`, which take their default (older stored versions lack them).

    Not validated against a date: a stored scenario may have a horizon that has passed since, and
    reading it back must still work (validate before *running* it with a new horizon instead).
    """
    names = {item.name for item in fields(Scenario)}
    optional = {"label", "based_on", "sources", *ADDED_FIELDS}
    required = {item.name for item in fields(Scenario) if item.name not in optional}
    missing = sorted(required - set(data))
    if missing:
        raise ScenarioError(missing[0], f"{_label(missing[0])} : champ manquant.")
    data = dict(data)
    sources = dict(data.get("sources") or {})
    for key, (default, source) in ADDED_FIELDS.items():
        if key not in data:
            data[key] = default
            if key == "shared_days_per_week" and _is_number(data["days_per_week"]):
                data[key] = min(default, data["days_per_week"])
            sources[key] = source
    data["sources"] = sources
    values = {key: value for key, value in data.items() if key in names}
    for key in TUPLE_FIELDS:
        values[key] = tuple(values[key])
    values["sources"] = dict(values.get("sources") or {})
    return Scenario(**values)
