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


# --- car share: a value the user changed wins over the measured shares -------------------------
#
# Two communes, 100 salaried cadres each, 10 km one way; scenario τ cadres 0.5, r = 1, a = 0.5,
# f = 2, θ = 0: T = 100 × 0.5 × 1 × 0.5 = 25 teleworkers, TD = 25 × 2 = 50 days a week, all at
# home. km = 46 weeks × 50 × 2 × 10 = 46,000 km a year per commune. Measured car shares (INSEE
# import): 0.5 and 0.9.


def _two_communes_analysis(impact_parameters):
    from datetime import date

    from maillage.observatory import model
    from maillage.observatory.analysis import Offer, StudyArea, analyse
    from maillage.observatory.scenarios import scenario_copy

    scenario = scenario_copy(
        default_scenarios(2026)["actuel"],
        "voiture",
        today=date(2026, 3, 2),
        teleworkable=(0, 0, 0.5, 0, 0, 0),
        compatible_ratio=1.0,
        adoption=0.5,
        days_per_week=2.0,
        shared_shares=(0.0, 0.0, 0.0),
        solo_share=0.0,
    )
    inputs = model.CommuneInputs(
        codes=["14118", "14047"],
        working=[[0, 0, 100, 0, 0, 0]] * 2,
        salaried_share=[[0, 0, 1, 1, 1, 1]] * 2,
        solos=[0, 0],
        commute_km=[10, 10],
        estimated=[False, False],
        car_share=[0.5, 0.9],
    )
    area = StudyArea(
        level="epci",
        code="X",
        name="X",
        codes=inputs.codes,
        names=np.array(["Caen", "Bayeux"]),
        epci_codes=np.array(["X", "X"]),
        epci_names=np.array(["X", "X"]),
        population=np.array([1000.0, 1000.0]),
        lat=np.array([49.18, 49.28]),
        lon=np.array([-0.37, -0.70]),
        inside=np.array([True, True]),
    )
    empty = np.array([])
    offer = Offer(
        ids=empty, names=empty, commune_codes=empty, lat=empty, lon=empty,
        capacity=empty, is_project=np.array([], dtype=bool),
    )  # fmt: skip
    analysis = analyse(
        area=area,
        inputs=inputs,
        offer=offer,
        scenarios=[scenario],
        catchment=Catchment(mode="distance", radius_km=15.0),
        impact_parameters=impact_parameters,
    )
    return analysis


def test_measured_car_shares_apply_when_the_user_changed_nothing():
    from maillage.observatory.impacts import ImpactParameters

    values = _two_communes_analysis(ImpactParameters()).outcomes["voiture"].values

    assert values["km_evites"].tolist() == [46_000.0, 46_000.0]
    # 46,000 × 0.5 × 0.2176 = 5,004.8 kg; 46,000 × 0.9 × 0.2176 = 9,008.64 kg.
    np.testing.assert_allclose(values["co2_evite"], [5.0048, 9.00864], rtol=1e-12)


def test_a_car_share_the_user_changed_wins_over_the_measured_shares():
    from maillage.observatory.impacts import ImpactParameters, parameters_copy

    values = _two_communes_analysis(parameters_copy(ImpactParameters(), car_share=0.2))
    values = values.outcomes["voiture"].values

    # 46,000 × 0.2 = 9,200 car-km in each commune, × 0.2176 = 2,001.92 kg; × 0.357 € = 3,284.4 €.
    np.testing.assert_allclose(values["co2_evite"], [2.00192, 2.00192], rtol=1e-12)
    np.testing.assert_allclose(values["euros_economises"], [3284.4, 3284.4], rtol=1e-12)


def test_a_car_share_changed_on_a_territory_without_import_is_not_replaced_by_the_national_one():
    from maillage.observatory.impacts import ImpactParameters, parameters_copy

    default = _run()
    changed = selectors.analysis_run(
        level="epci",
        code=CAEN_LA_MER,
        scenarios=[default_scenarios(2026)["actuel"]],
        catchment=Catchment(mode="distance", radius_km=15.0),
        impact_parameters=parameters_copy(ImpactParameters(), car_share=0.35),
    )

    # No import: 70 % national by default, the user's 35 % once changed, so half the car CO2e.
    before = default.totals("actuel")
    after = changed.totals("actuel")
    assert after["km_evites"] == pytest.approx(before["km_evites"], rel=1e-12)
    assert after["co2_evite"] == pytest.approx(before["co2_evite"] * 0.5, rel=1e-12)


def test_parameters_sheet_shows_the_compatible_ratio_and_the_days_in_a_shared_place():
    from maillage.observatory.exports import parameters_table
    from maillage.observatory.impacts import ImpactParameters

    header, rows = parameters_table(_two_communes_analysis(ImpactParameters()))

    assert header == ["Scénario", "Version", "Paramètre", "Valeur", "Source"]
    by_label = {row[2]: row for row in rows if row[0] == "voiture"}
    ratio = by_label["part des emplois télétravaillables jugés compatibles par les salariés"]
    assert ratio[3:] == [
        "100 %",
        "valeur modifiée par l'utilisateur (copie de « actuel v2 »)",
    ]
    days = by_label["jours par semaine en tiers-lieu d'un télétravailleur usager"]
    assert days[3] == "1,57"
    assert days[4].startswith("Caisse des Dépôts, ENS Cachan, PMP (2014)")
