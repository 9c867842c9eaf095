"""A whole analysis on real communes of the test database: study area, offer, conservation,
and the property that an extra place never widens a gap."""

import numpy as np
import pytest

from maillage.observatory import selectors
from maillage.observatory.catchment import Catchment
from maillage.observatory.scenarios import default_scenarios
from maillage.places.services import place_create
from tests.factories import IN_BAYEUX, place_data

CAEN_LA_MER = "200065597"
pytestmark = pytest.mark.django_db


def _run(level="epci", code=CAEN_LA_MER, radius=15.0, projects=False):
    scenarios = default_scenarios(2026)
    return selectors.analysis_run(
        level=level,
        code=code,
        scenarios=list(scenarios.values()),
        catchment=Catchment(mode="distance", radius_km=radius),
        include_projects=projects,
    )


def test_study_area_holds_the_territory_then_its_ring():
    from maillage.territory.models import Commune

    members = set(Commune.objects.filter(epci__code=CAEN_LA_MER).values_list("code", flat=True))
    analysis = _run()
    area = analysis.area
    assert set(area.codes[area.inside].tolist()) == members
    ring = area.codes[~area.inside].tolist()
    assert ring, "communes around Caen la Mer are within 15 km by the road"
    assert not set(ring) & members
    assert set(analysis.codes.tolist()) == members


def test_epci_and_territory_totals_add_up_from_communes():
    analysis = _run(level="departement", code="14")
    for name in analysis.outcomes:
        totals = analysis.totals(name)
        by_epci = analysis.by_epci(name)
        for key, total in totals.items():
            assert sum(row[key] for row in by_epci.values()) == pytest.approx(total, rel=1e-9)
        assert sum(row["communes"] for row in by_epci.values()) == len(analysis.codes)


def test_a_place_in_caen_is_counted_as_offer_and_shared_with_neighbours(place):
    analysis = _run()
    assert analysis.offer.ids.tolist() == [place.pk]
    assert analysis.offer.capacity.tolist() == [26.0]
    offer_inside = analysis.outcomes["actuel"].values["offre"].sum()
    # The place's 26 desks are shared between every commune within reach, inside and outside the
    # EPCI: the territory gets part of them, never more than all of them.
    assert 0 < offer_inside <= 26.0 + 1e-9


def test_projects_count_only_when_asked(manager):
    place_create(data=place_data(status="projet", name="Projet de tiers-lieu"))
    assert len(_run().offer) == 0
    assert len(_run(projects=True).offer) == 1


def test_adding_a_place_never_increases_a_gap(place):
    before = _run(level="departement", code="14")
    place_create(data=place_data(name="Le Lieu de Bayeux", open_space_desks=12, **IN_BAYEUX))
    after = _run(level="departement", code="14")
    for name in before.outcomes:
        gap_before = before.outcomes[name].values["ecart"]
        gap_after = after.outcomes[name].values["ecart"]
        assert np.all(gap_after <= gap_before + 1e-9)
        assert gap_after.sum() < gap_before.sum()


def test_underserved_ranking_is_by_unmet_desks():
    analysis = _run(level="departement", code="14")
    ranking = analysis.underserved("tendanciel", limit=10)
    unmet = analysis.outcomes["tendanciel"].values["non_couverts"][ranking]
    assert len(ranking) == 10
    assert list(unmet) == sorted(unmet, reverse=True)
    assert unmet[-1] > 0


def test_ring_reaches_twice_the_catchment_so_border_places_share_their_desks():
    from maillage.core.geo import nearest_km

    analysis = _run(radius=13.0)  # 10 km straight line
    area = analysis.area
    ring = ~area.inside
    distance, _ = nearest_km(
        area.lat[ring], area.lon[ring], area.lat[area.inside], area.lon[area.inside]
    )
    assert distance.max() > 10.0  # beyond one catchment: served by a place on the border
    assert distance.max() <= 20.0 + 1e-6


def test_demonstration_places_are_not_offer(place):
    from maillage.places.models import Place

    Place.objects.filter(pk=place.pk).update(is_demo=True)
    assert len(_run().offer) == 0


def test_a_code_that_is_both_a_region_and_a_departement_is_never_guessed():
    from django.http import Http404

    with pytest.raises(Http404) as refused:
        selectors.territory_find(code="76")
    message = str(refused.value)
    assert "Seine-Maritime" in message
    assert "Occitanie" in message
    assert "--echelon" in message
    level, name = selectors.territory_find(code="76", level="departement")
    assert (level.key, name) == ("departement", "Seine-Maritime")
    assert selectors.territory_find(code="14")[1] == "Calvados"
