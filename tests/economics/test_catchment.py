"""The desks needed around a plan's commune, from the observatory."""

from datetime import date

import numpy as np
import pytest

from maillage.economics.catchment import catchment_need
from maillage.observatory import inputs as inputs_mod
from maillage.observatory.analysis import analyse
from maillage.observatory.catchment import Catchment
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.scenarios import default_scenarios
from maillage.observatory.selectors import places_offer, study_area_of_communes

pytestmark = pytest.mark.django_db


def test_desks_needed_around_caen_equal_the_observatorys_figure(caen, place):
    need = catchment_need(caen, today=date(2026, 12, 8))
    # The same analysis, run by hand on the communes within 15 km / 1.3 of Caen's centroid.
    catchment = Catchment(mode="distance", radius_km=15.0)
    from maillage.core.geo import pairs_within_km
    from maillage.territory.models import Commune

    rows = list(
        Commune.objects.filter(centroid_lat__isnull=False).values_list(
            "code", "centroid_lat", "centroid_lon"
        )
    )
    near = pairs_within_km(
        np.array([caen.centroid_lat]),
        np.array([caen.centroid_lon]),
        np.array([r[1] for r in rows]),
        np.array([r[2] for r in rows]),
        catchment.straight_line_km(),
    )
    codes = sorted(rows[j][0] for j in near.indices)
    assert "14118" in codes
    area = study_area_of_communes(codes=codes, name="Caen", reach_km=catchment.straight_line_km())
    scenario = default_scenarios(2026)["tendanciel"]
    analysis = analyse(
        area=area,
        inputs=inputs_mod.commune_inputs(
            codes=area.codes, population=area.population, lat=area.lat, lon=area.lon
        ),
        offer=places_offer(
            area=area, reach_km=catchment.straight_line_km(), include_projects=False
        ),
        scenarios=[scenario],
        catchment=catchment,
        impact_parameters=ImpactParameters(),
    )
    values = analysis.outcomes["tendanciel"].values
    assert need.communes == len(codes)
    assert need.desks_needed == round(float(np.nansum(values["postes"])))
    assert need.desks_offered == round(float(np.nansum(values["offre"])))
    assert need.desks_needed > 0
    # The coworking of Caen (20 + 6 seats) is inside: the offer reached counts it.
    assert need.desks_offered > 0


def test_results_page_shows_the_need_beside_the_seats(client, plan, manager, caen):
    from django.urls import reverse

    client.force_login(manager)
    html = client.get(reverse("economics:results", kwargs={"public_id": plan.public_id})).content
    need = catchment_need(caen)
    text = html.decode()
    assert "Le plan prévoit <strong>12 postes</strong>" in text
    assert f"estime le besoin à <strong>{need.desks_needed} postes</strong>" in text
