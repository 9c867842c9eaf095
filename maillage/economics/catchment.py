"""Desks needed around a plan's place or project: the observatory's figure for its commune.

The catchment is the observatory's default (15 km by the road, straight line × 1.3): the
communes whose centroid lies within it of the plan's commune, the published « tendanciel »
scenario, the needs and the accessible offer of the directory's places (2SFCA), as on the
observatory's pages. One figure beside the plan's seats, with its source.
"""

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from maillage.core.geo import bounding_box, pairs_within_km
from maillage.observatory import inputs as inputs_mod
from maillage.observatory.analysis import analyse
from maillage.observatory.catchment import Catchment
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.scenarios import default_scenarios
from maillage.observatory.selectors import places_offer, study_area_of_communes
from maillage.territory.models import Commune

RADIUS_KM = 15.0  # as the observatory's form (observatory/forms.py DEFAULT_RADIUS_KM)
SCENARIO = "tendanciel"


@dataclass(frozen=True)
class CatchmentNeed:
    commune: str
    communes: int  # communes counted (the plan's and those within the catchment)
    desks_needed: int  # desks needed by their teleworkers, central scenario
    desks_offered: int  # desks of the directory's places they reach (2SFCA share)
    radius_km: float
    scenario: str
    year: int


def catchment_need(commune: Commune, *, today=None) -> CatchmentNeed | None:
    """The observatory's desks needed and offered around `commune` (None without centroid)."""
    if commune.centroid_lat is None or commune.centroid_lon is None:
        return None
    today = today or timezone.localdate()
    catchment = Catchment(mode="distance", radius_km=RADIUS_KM)
    reach_km = catchment.straight_line_km()
    located = Commune.objects.filter(centroid_lat__isnull=False, centroid_lon__isnull=False)
    low_lat, high_lat, low_lon, high_lon = bounding_box(
        commune.centroid_lat, commune.centroid_lon, reach_km
    )
    rows = list(
        located.filter(
            centroid_lat__range=(low_lat, high_lat), centroid_lon__range=(low_lon, high_lon)
        ).values_list("code", "centroid_lat", "centroid_lon")
    )
    near = pairs_within_km(
        np.array([commune.centroid_lat]),
        np.array([commune.centroid_lon]),
        np.array([r[1] for r in rows]),
        np.array([r[2] for r in rows]),
        reach_km,
    )
    codes = [rows[j][0] for j in near.indices]
    area = study_area_of_communes(codes=codes, name=commune.name, reach_km=reach_km)
    inputs = inputs_mod.commune_inputs(
        codes=area.codes, population=area.population, lat=area.lat, lon=area.lon
    )
    offer = places_offer(area=area, reach_km=reach_km, include_projects=False)
    scenario = default_scenarios(today.year)[SCENARIO]
    analysis = analyse(
        area=area,
        inputs=inputs,
        offer=offer,
        scenarios=[scenario],
        catchment=catchment,
        impact_parameters=ImpactParameters(),
    )
    values = analysis.outcomes[scenario.name].values
    return CatchmentNeed(
        commune=commune.name,
        communes=len(analysis.codes),
        desks_needed=round(float(np.nansum(values["postes"]))),
        desks_offered=round(float(np.nansum(values["offre"]))),
        radius_km=RADIUS_KM,
        scenario=SCENARIO,
        year=today.year,
    )
