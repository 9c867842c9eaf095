"""The business-plan engine against a four-year plan computed by hand, to the cent.

The plan is tests/economics/plans.py: a small-town coworking, 12 seats, 3 closed offices, one
meeting room, 2027–2030. Central scenario occupancy: seats 30/45/55/60 %, offices 50/75/90/100 %,
room 10/20/25/30 %. Every figure below is written with its arithmetic (€, HT unless said).
"""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.billing.models import VAT_RATES_BP as BILLING_VAT_RATES_BP
from maillage.economics.engine import (
    VAT_RATES_BP,
    AmountLine,
    Capacity,
    ChargeKind,
    Investment,
    OperatorFee,
    PlanError,
    PlanInput,
    Pool,
    RevenueKind,
    Scenario,
    amortisation_schedule,
    plan_check,
    plan_compute,
    rate_label,
)
from tests.economics.plans import four_year_plan

# Revenue lines of the central scenario: HT per year, in cents.
CENTRAL_PRODUCTS_HT = {
    # 12 postes × 220 j × 0,30 (part) = 792 journées à 100 %
    # 792 × 30 % = 237,6 j × 15,00 € = 3 564,00 € ; 792 × 45 % = 356,4 × 15 = 5 346,00 €
    # 792 × 55 % = 435,6 × 15 = 6 534,00 € ; 792 × 60 % = 475,2 × 15 = 7 128,00 €
    "Journée": (356400, 534600, 653400, 712800),
    # 12 postes × 440 demi-journées × 0,10 = 528 à 100 %
    # 528 × 30 % = 158,4 × 9,00 € = 1 425,60 € ; 528 × 45 % = 237,6 × 9 = 2 138,40 €
    # 528 × 55 % = 290,4 × 9 = 2 613,60 € ; 528 × 60 % = 316,8 × 9 = 2 851,20 €
    "Demi-journée": (142560, 213840, 261360, 285120),
    # 12 postes × 12 mois × 0,60 = 86,4 mois à 100 %
    # 86,4 × 30 % = 25,92 × 180,00 € = 4 665,60 € ; 86,4 × 45 % = 38,88 × 180 = 6 998,40 €
    # 86,4 × 55 % = 47,52 × 180 = 8 553,60 € ; 86,4 × 60 % = 51,84 × 180 = 9 331,20 €
    "Abonnement mensuel": (466560, 699840, 855360, 933120),
    # 3 bureaux × 12 mois × 1,00 = 36 mois à 100 %
    # 36 × 50 % = 18 × 350,00 € = 6 300,00 € ; 36 × 75 % = 27 × 350 = 9 450,00 €
    # 36 × 90 % = 32,4 × 350 = 11 340,00 € ; 36 × 100 % = 36 × 350 = 12 600,00 €
    "Loyer de bureau fermé (mois)": (630000, 945000, 1134000, 1260000),
    # 1 salle × 1 760 h (220 j × 8 h) × 1,00
    # 1 760 × 10 % = 176 h × 20,00 € = 3 520,00 € ; 1 760 × 20 % = 352 × 20 = 7 040,00 €
    # 1 760 × 25 % = 440 × 20 = 8 800,00 € ; 1 760 × 30 % = 528 × 20 = 10 560,00 €
    "Salle de réunion (heure)": (352000, 704000, 880000, 1056000),
}
# VAT 20 % of each product line: 3 564,00 × 0,20 = 712,80 € …
CENTRAL_PRODUCTS_VAT = {
    "Journée": (71280, 106920, 130680, 142560),
    "Demi-journée": (28512, 42768, 52272, 57024),
    "Abonnement mensuel": (93312, 139968, 171072, 186624),
    "Loyer de bureau fermé (mois)": (126000, 189000, 226800, 252000),
    "Salle de réunion (heure)": (70400, 140800, 176000, 211200),
}
OTHER_REVENUES = {  # label: (HT, VAT at the line's rate)
    "Domiciliation": ((0, 120000, 180000, 240000), (0, 24000, 36000, 48000)),  # 20 %
    "Ateliers et événements": ((50000, 80000, 100000, 100000), (10000, 16000, 20000, 20000)),
    "Subvention Région (amorçage)": ((1500000, 1000000, 0, 0), (0, 0, 0, 0)),  # hors TVA
}
CHARGES = {  # label: (HT, VAT); the TTC counted by a non-liable operator is HT + VAT
    "Loyer du local": ((840000,) * 4, (168000,) * 4),  # 8 400 € × 20 % = 1 680 €
    "Animateur (0,5 ETP)": ((1400000,) * 4, (0,) * 4),
    "Électricité, chauffage, internet": ((240000,) * 4, (48000,) * 4),
    "Assurance": ((90000,) * 4, (0,) * 4),
    "Communication": ((300000, 150000, 150000, 150000), (60000, 30000, 30000, 30000)),
    # 60 000 € ÷ 5 ans = 12 000 € HT par an ; TTC 72 000 € ÷ 5 = 14 400 €, dont TVA 2 400 €
    "Amortissement – Aménagement": ((1200000,) * 4, (240000,) * 4),
    # 10 000 € ÷ 3 = 3 333,333… → 3 333,33 € en années 2 et 3, l'année 4 prend le reste :
    # 10 000 − 2 × 3 333,33 = 3 333,34 € ; TTC 12 000 € ÷ 3 = 4 000,00 € chaque année,
    # donc TVA 666,67 ; 666,67 ; 666,66
    "Amortissement – Mobilier et équipement": (
        (0, 333333, 333333, 333334),
        (0, 66667, 66667, 66666),
    ),
    # Base = produits + domiciliation + événements (sans la subvention) :
    # an 1 : 3 564,00 + 1 425,60 + 4 665,60 + 6 300,00 + 3 520,00 = 19 475,20 ; + 0 + 500
    #        = 19 975,20 × 5 % = 998,76 € ; TVA 199,752 → 199,75 €
    # an 2 : 5 346,00 + 2 138,40 + 6 998,40 + 9 450,00 + 7 040,00 = 30 972,80 ; + 1 200 + 800
    #        = 32 972,80 × 5 % = 1 648,64 € ; TVA 329,728 → 329,73 €
    # an 3 : 6 534,00 + 2 613,60 + 8 553,60 + 11 340,00 + 8 800,00 = 37 841,20 ; + 1 800
    #        + 1 000 = 40 641,20 × 5 % = 2 032,06 € ; TVA 406,412 → 406,41 €
    # an 4 : 7 128,00 + 2 851,20 + 9 331,20 + 12 600,00 + 10 560,00 = 42 470,40 ; + 2 400
    #        + 1 000 = 45 870,40 × 5 % = 2 293,52 € ; TVA 458,704 → 458,70 €
    "Rémunération de l'exploitant": (
        (99876, 164864, 203206, 229352),
        (19975, 32973, 40641, 45870),
    ),
}
# Revenues counted (HT): an 1 : 19 475,20 + 0 + 500 + 15 000 = 34 975,20 €
# an 2 : 30 972,80 + 1 200 + 800 + 10 000 = 42 972,80 € ; an 3 : 37 841,20 + 1 800 + 1 000
# = 40 641,20 € ; an 4 : 42 470,40 + 2 400 + 1 000 = 45 870,40 €
REVENUES_COUNTED = (3497520, 4297280, 4064120, 4587040)
# Liable: charges HT. an 1 : 8 400 + 14 000 + 2 400 + 900 + 3 000 + 12 000 + 0 + 998,76
# = 41 698,76 € ; an 2 : … + 1 500 + 12 000 + 3 333,33 + 1 648,64 = 44 181,97 €
# an 3 : … + 1 500 + 12 000 + 3 333,33 + 2 032,06 = 44 565,39 €
# an 4 : … + 1 500 + 12 000 + 3 333,34 + 2 293,52 = 44 826,86 €
LIABLE_CHARGES = (4169876, 4418197, 4456539, 4482686)
# Balance: 34 975,20 − 41 698,76 = −6 723,56 ; 42 972,80 − 44 181,97 = −1 209,17 ;
# 40 641,20 − 44 565,39 = −3 924,19 ; 45 870,40 − 44 826,86 = 1 043,54
LIABLE_BALANCE = (-672356, -120917, -392419, 104354)
# Cumulative: −6 723,56 ; −7 932,73 ; −11 856,92 ; −10 813,38
LIABLE_CUMULATIVE = (-672356, -793273, -1185692, -1081338)
# Not liable: charges TTC. an 1 : 10 080 + 14 000 + 2 880 + 900 + 3 600 + 14 400 + 0
# + 1 198,51 (998,76 + 199,75) = 47 058,51 € ; an 2 : 10 080 + 14 000 + 2 880 + 900 + 1 800
# + 14 400 + 4 000 + 1 978,37 = 50 038,37 € ; an 3 : … + 2 438,47 = 50 498,47 € ;
# an 4 : … + 2 752,22 = 50 812,22 €
EXEMPT_CHARGES = (4705851, 5003837, 5049847, 5081222)
# Balance: 34 975,20 − 47 058,51 = −12 083,31 ; 42 972,80 − 50 038,37 = −7 065,57 ;
# 40 641,20 − 50 498,47 = −9 857,27 ; 45 870,40 − 50 812,22 = −4 941,82
EXEMPT_BALANCE = (-1208331, -706557, -985727, -494182)
EXEMPT_CUMULATIVE = (-1208331, -1914888, -2900615, -3394797)


def lines_by_label(result) -> dict:
    return {line.label: line for line in result.revenue_lines + result.charge_lines}


def test_vat_rates_are_billings():
    assert VAT_RATES_BP == BILLING_VAT_RATES_BP


def test_central_scenario_of_a_vat_liable_operator_line_by_line():
    central = plan_compute(four_year_plan()).scenarios[Scenario.CENTRAL]
    lines = lines_by_label(central)
    assert [line.label for line in central.revenue_lines] == [
        *CENTRAL_PRODUCTS_HT,
        *OTHER_REVENUES,
    ]
    assert [line.label for line in central.charge_lines] == list(CHARGES)
    for label, ht in CENTRAL_PRODUCTS_HT.items():
        assert lines[label].ht_cents == ht
        assert lines[label].vat_cents == CENTRAL_PRODUCTS_VAT[label]
        assert lines[label].counted_cents == ht
    for label, (ht, vat) in {**OTHER_REVENUES, **CHARGES}.items():
        assert lines[label].ht_cents == ht
        assert lines[label].vat_cents == vat
        assert lines[label].counted_cents == ht  # liable: HT everywhere
    assert lines["Rémunération de l'exploitant"].kind == ChargeKind.OPERATOR_FEE
    assert lines["Amortissement – Aménagement"].kind == "amortissement"
    assert [y.revenues_cents for y in central.years] == list(REVENUES_COUNTED)
    assert [y.charges_cents for y in central.years] == list(LIABLE_CHARGES)
    assert [y.balance_cents for y in central.years] == list(LIABLE_BALANCE)
    assert [y.cumulative_cents for y in central.years] == list(LIABLE_CUMULATIVE)
    assert [y.calendar_year for y in central.years] == [2027, 2028, 2029, 2030]
    assert central.break_even_year == 4  # the first year with a balance ≥ 0
    assert central.units_sold["journee"] == (237.6, 356.4, 435.6, 475.2)
    assert central.units_sold["bureau"] == (18.0, 27.0, 32.4, 36.0)


def test_central_scenario_of_an_operator_not_liable_counts_charges_ttc():
    central = plan_compute(four_year_plan(vat_liable=False)).scenarios[Scenario.CENTRAL]
    lines = lines_by_label(central)
    for label, ht in CENTRAL_PRODUCTS_HT.items():
        assert lines[label].ht_cents == ht
        assert lines[label].vat_cents == (0, 0, 0, 0)  # no VAT invoiced: TTC = HT
        assert lines[label].counted_cents == ht
    for label, (ht, _vat) in OTHER_REVENUES.items():
        assert lines[label].vat_cents == (0, 0, 0, 0)
        assert lines[label].counted_cents == ht
    for label, (ht, vat) in CHARGES.items():
        assert lines[label].ht_cents == ht
        assert lines[label].vat_cents == vat
        assert lines[label].counted_cents == tuple(h + v for h, v in zip(ht, vat, strict=True))
    assert lines["Loyer du local"].counted_cents == (1008000,) * 4  # 8 400 + 1 680
    assert lines["Amortissement – Mobilier et équipement"].counted_cents == (
        0,
        400000,
        400000,
        400000,
    )
    # The fee's base stays HT: 998,76 + 199,75 = 1 198,51 € TTC counted in year 1.
    assert lines["Rémunération de l'exploitant"].counted_cents == (119851, 197837, 243847, 275222)
    assert [y.revenues_cents for y in central.years] == list(REVENUES_COUNTED)
    assert [y.charges_cents for y in central.years] == list(EXEMPT_CHARGES)
    assert [y.balance_cents for y in central.years] == list(EXEMPT_BALANCE)
    assert [y.cumulative_cents for y in central.years] == list(EXEMPT_CUMULATIVE)
    assert central.break_even_year is None


def test_break_even_occupancy_of_year_one():
    # Products at 100 %: 11 880 + 4 752 + 15 552 + 12 600 + 35 200 = 79 984 €. Charges without
    # the fee: 41 698,76 − 998,76 = 40 700 €; other revenues 15 500 € of which 500 € in the
    # fee's base. t = (40 700 + 5 % × 500 − 15 500) ÷ (79 984 × 95 %) = 25 225 ÷ 75 984,80
    central = plan_compute(four_year_plan()).scenarios[Scenario.CENTRAL]
    expected = Decimal(25225) / Decimal("75984.80")
    assert central.years[0].break_even_occupancy == float(expected)
    assert round(central.years[0].break_even_occupancy, 4) == 0.3320


@pytest.mark.parametrize("vat_liable", [True, False])
def test_break_even_occupancy_gives_a_zero_balance(vat_liable):
    plan = four_year_plan(vat_liable=vat_liable)
    central = plan_compute(plan).scenarios[Scenario.CENTRAL]
    for year in central.years:
        rate = year.break_even_occupancy
        assert rate is not None and 0 < rate < 1
        occupancy = {s: dict.fromkeys(Pool, (rate,) * plan.years) for s in Scenario}
        again = plan_compute(dataclasses.replace(plan, occupancy=occupancy))
        balance = again.scenarios[Scenario.CENTRAL].years[year.year - 1].balance_cents
        # Only the per-line rounding to the cent remains (5 product lines and the fee).
        assert abs(balance) <= 3  # 6 lines × ½ cent


def test_break_even_occupancy_is_none_when_capacity_earns_nothing():
    plan = four_year_plan()
    free = tuple(dataclasses.replace(p, unit_price_ht_cents=0) for p in plan.products)
    result = plan_compute(dataclasses.replace(plan, products=free))
    assert [y.break_even_occupancy for y in result.scenarios[Scenario.CENTRAL].years] == [None] * 4


def test_break_even_occupancy_is_zero_when_other_revenues_cover_the_charges():
    plan = four_year_plan()
    grant = AmountLine("Subvention", RevenueKind.SUBSIDY, (10_000_000,) * 4, 0)
    result = plan_compute(dataclasses.replace(plan, revenues=(*plan.revenues, grant)))
    assert [y.break_even_occupancy for y in result.scenarios[Scenario.PRUDENT].years] == [0.0] * 4


def test_scenarios_side_by_side_differ_only_by_occupancy():
    plan = four_year_plan()
    result = plan_compute(plan)
    assert {s: r.break_even_year for s, r in result.scenarios.items()} == {
        Scenario.PRUDENT: None,
        Scenario.CENTRAL: 4,
        Scenario.OPTIMISTIC: 1,
    }
    central = result.scenarios[Scenario.CENTRAL]
    prudent = result.scenarios[Scenario.PRUDENT]
    # Prudent year 1: seats 20 %, offices 35 %, room 5 %: 792 × 20 % × 15 = 2 376,00 €
    assert prudent.revenue_lines[0].ht_cents[0] == 237600
    # Lines that do not depend on occupancy are the same in every scenario.
    for scenario in result.scenarios.values():
        assert scenario.revenue_lines[5:] == central.revenue_lines[5:]
        assert scenario.charge_lines[:-1] == central.charge_lines[:-1]
        assert [y.break_even_occupancy for y in scenario.years] == [
            y.break_even_occupancy for y in central.years
        ]
    # With the central occupancy in every scenario, every scenario is the central one.
    same = {s: dict(plan.occupancy[Scenario.CENTRAL]) for s in Scenario}
    again = plan_compute(dataclasses.replace(plan, occupancy=same))
    for scenario in Scenario:
        assert again.scenarios[scenario].years == central.years
        assert again.scenarios[scenario].revenue_lines == central.revenue_lines


def test_amortisation_puts_the_remainder_in_the_last_year():
    assert amortisation_schedule(1000000, 3, 2, 4) == (0, 333333, 333333, 333334)
    assert amortisation_schedule(100, 6, 1, 6) == (17, 17, 17, 17, 17, 15)
    # Cut by the horizon: 60 000 € over 5 years shown on 4 years.
    assert amortisation_schedule(6000000, 5, 1, 4) == (1200000,) * 4


def test_rate_label():
    assert [rate_label(r) for r in (1960, 2000, 550, 210, 0)] == [
        "19,6 %",
        "20 %",
        "5,5 %",
        "2,1 %",
        "0 %",
    ]


def replace_product(plan: PlanInput, index: int, **changes) -> PlanInput:
    products = list(plan.products)
    products[index] = dataclasses.replace(products[index], **changes)
    return dataclasses.replace(plan, products=tuple(products))


def replace_charge(plan: PlanInput, index: int, **changes) -> PlanInput:
    charges = list(plan.charges)
    charges[index] = dataclasses.replace(charges[index], **changes)
    return dataclasses.replace(plan, charges=tuple(charges))


def with_occupancy(plan: PlanInput, scenario: Scenario, pool: Pool, rates) -> PlanInput:
    occupancy = {s: dict(pools) for s, pools in plan.occupancy.items()}
    occupancy[scenario][pool] = rates
    return dataclasses.replace(plan, occupancy=occupancy)


def without_scenario(plan: PlanInput, scenario: Scenario) -> PlanInput:
    return dataclasses.replace(
        plan, occupancy={s: p for s, p in plan.occupancy.items() if s != scenario}
    )


PLAN = four_year_plan()
BAD_INPUTS = [
    (dataclasses.replace(PLAN, years=16), "annees", "La durée du plan doit être de 1 à 15 ans."),
    (dataclasses.replace(PLAN, years=0), "annees", "La durée du plan doit être de 1 à 15 ans."),
    (
        dataclasses.replace(
            PLAN, capacities=(Capacity(Pool.SEATS, "Postes", -1), *PLAN.capacities)
        ),
        "capacites.0.unites",
        "Une capacité ne peut pas être négative.",
    ),
    (
        replace_product(PLAN, 2, unit_price_ht_cents=-1),
        "produits.2.prix",
        "Le prix doit être compris entre 0 et 1 000 000 €.",
    ),
    (
        replace_product(PLAN, 2, unit_price_ht_cents=100_000_001),
        "produits.2.prix",
        "Le prix doit être compris entre 0 et 1 000 000 €.",
    ),
    (replace_product(PLAN, 1, vat_rate_bp=1960), "produits.1.tva", "Taux de TVA inconnu : 19,6 %"),
    (
        replace_product(PLAN, 0, mix=1.5),
        "produits.0.mix",
        "La part doit être comprise entre 0 et 100 %.",
    ),
    (
        replace_product(PLAN, 0, mix=-0.1),
        "produits.0.mix",
        "La part doit être comprise entre 0 et 100 %.",
    ),
    (  # 0,50 + 0,10 + 0,60 = 1,20 of the seats: reported on the pool's last product
        replace_product(PLAN, 0, mix=0.5),
        "produits.2.mix",
        "Les parts des produits des postes dépassent 100 %.",
    ),
    (
        replace_product(PLAN, 0, units_per_capacity=0),
        "produits.0.unites",
        "Le nombre d'unités par an doit être compris entre 1 et 8 784.",
    ),
    (
        with_occupancy(PLAN, Scenario.CENTRAL, Pool.SEATS, (0.3, 0.45, 0.55, 1.2)),
        "occupation.central.postes.3",
        "L'occupation ne peut pas dépasser 100 %",
    ),
    (
        with_occupancy(PLAN, Scenario.PRUDENT, Pool.ROOMS, (-0.1, 0.1, 0.1, 0.1)),
        "occupation.prudent.salles.0",
        "L'occupation doit être comprise entre 0 et 100 %",
    ),
    (
        with_occupancy(PLAN, Scenario.OPTIMISTIC, Pool.OFFICES, (0.5, 0.6, 0.7)),
        "occupation.optimiste.bureaux",
        "Il faut une occupation par année (4).",
    ),
    (
        replace_charge(PLAN, 1, amounts_ht_cents=(1, 2, 3)),
        "charges.1.montants",
        "Il faut un montant par année (4).",
    ),
    (
        replace_charge(PLAN, 1, amounts_ht_cents=(0, 0, 0, 0)),
        "charges.1.montants",
        "Une charge sans montant",
    ),
    (
        replace_charge(PLAN, 1, amounts_ht_cents=(100, 100, -5, 100)),
        "charges.1.montants.2",
        "Un montant ne peut pas être négatif.",
    ),
    (replace_charge(PLAN, 0, vat_rate_bp=700), "charges.0.tva", "Taux de TVA inconnu : 7 %"),
    (
        dataclasses.replace(
            PLAN,
            revenues=(AmountLine("Vide", RevenueKind.OTHER, (0, 0, 0, 0), 0),),
        ),
        "recettes.0.montants",
        "Une recette sans montant",
    ),
    (
        dataclasses.replace(PLAN, investments=(Investment("Travaux", 100000, 2000, 1, 0),)),
        "investissements.0.duree",
        "La durée d'amortissement doit être de 1 à 50 ans.",
    ),
    (
        dataclasses.replace(PLAN, investments=(Investment("Travaux", 100000, 2000, 5, 3),)),
        "investissements.0.premiere_annee",
        "La première année d'amortissement doit être entre 1 et 4.",
    ),
    (
        dataclasses.replace(PLAN, investments=(Investment("Travaux", 100000, 2000, 0, 3),)),
        "investissements.0.premiere_annee",
        "La première année d'amortissement doit être entre 1 et 4.",
    ),
    (
        dataclasses.replace(PLAN, operator_fee=OperatorFee("Exploitant", 1.1, 2000)),
        "redevance.part",
        "La part de l'exploitant doit être comprise entre 0 et 100 %.",
    ),
    (
        replace_product(PLAN, 3, key="journee"),
        "produits.3.cle",
        "Deux produits ont la même clé : journee",
    ),
    (
        without_scenario(PLAN, Scenario.PRUDENT),
        "occupation.prudent",
        "Le scénario prudent manque.",
    ),
    (
        dataclasses.replace(PLAN, capacities=PLAN.capacities[:2]),
        "produits.4.pool",
        "Ce produit vend des salles mais le lieu n'en a aucun.",
    ),
]


@pytest.mark.parametrize(("plan", "field", "message"), BAD_INPUTS)
def test_bad_input_is_reported_on_its_field(plan, field, message):
    errors = plan_check(plan)
    assert [(e.field, e.message) for e in errors] == [(field, message)]
    with pytest.raises(PlanError) as raised:
        plan_compute(plan)
    assert (raised.value.field, raised.value.message) == (field, message)


def test_every_error_is_reported_not_only_the_first():
    plan = replace_product(PLAN, 1, vat_rate_bp=1960, unit_price_ht_cents=-5)
    plan = replace_charge(plan, 1, amounts_ht_cents=(0, 0, 0, 0))
    plan = with_occupancy(plan, Scenario.CENTRAL, Pool.SEATS, (0.3, 0.45, 0.55, 1.2))
    assert [(e.field, e.message) for e in plan_check(plan)] == [
        ("produits.1.prix", "Le prix doit être compris entre 0 et 1 000 000 €."),
        ("produits.1.tva", "Taux de TVA inconnu : 19,6 %"),
        ("occupation.central.postes.3", "L'occupation ne peut pas dépasser 100 %"),
        ("charges.1.montants", "Une charge sans montant"),
    ]


def test_the_sample_plan_is_valid():
    assert plan_check(four_year_plan()) == []
    assert plan_check(four_year_plan(vat_liable=False)) == []


# Properties on a one-pool plan whose occupancy is drawn.
rates = st.integers(min_value=0, max_value=100).map(lambda p: p / 100)


def one_pool_plan(occupancy: tuple[float, ...], vat_liable: bool = True) -> PlanInput:
    base = four_year_plan(vat_liable=vat_liable)
    years = len(occupancy)
    return PlanInput(
        years=years,
        first_year=2027,
        vat_liable=vat_liable,
        capacities=base.capacities,
        products=base.products,
        occupancy={s: dict.fromkeys(Pool, occupancy) for s in Scenario},
        revenues=(AmountLine("Événements", RevenueKind.EVENTS, (12345,) * years, 2000),),
        charges=(AmountLine("Loyer", ChargeKind.RENT, (840000,) * years, 2000),),
        investments=(Investment("Aménagement", 6000001, 2000, 1, 7),),
        operator_fee=OperatorFee("Exploitant", 0.07, 2000),
    )


@settings(max_examples=50, deadline=None)
@given(
    occupancy=st.lists(rates, min_size=1, max_size=15),
    extra=st.integers(min_value=1, max_value=100),
    vat_liable=st.booleans(),
)
def test_revenues_grow_with_occupancy_and_cumulative_is_a_running_sum(occupancy, extra, vat_liable):
    low = plan_compute(one_pool_plan(tuple(occupancy), vat_liable)).scenarios[Scenario.CENTRAL]
    higher = tuple(min(1.0, rate + extra / 100) for rate in occupancy)
    high = plan_compute(one_pool_plan(higher, vat_liable)).scenarios[Scenario.CENTRAL]
    for before, after in zip(low.years, high.years, strict=True):
        assert after.revenues_cents >= before.revenues_cents
    running = 0
    for year in low.years:
        running += year.balance_cents
        assert year.cumulative_cents == running
        assert year.balance_cents == year.revenues_cents - year.charges_cents


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=10_000_000_000),
    years=st.integers(min_value=1, max_value=50),
    first_year=st.integers(min_value=1, max_value=15),
)
def test_amortisation_sums_to_the_amount(amount, years, first_year):
    horizon = first_year - 1 + years  # long enough to see the whole schedule
    schedule = amortisation_schedule(amount, years, first_year, horizon)
    assert sum(schedule) == amount
    assert schedule[: first_year - 1] == (0,) * (first_year - 1)
    share = schedule[first_year - 1]
    assert schedule[first_year - 1 : -1] == (share,) * (years - 1)
