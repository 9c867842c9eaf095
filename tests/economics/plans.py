"""A shared sample plan for the tests: a small-town coworking over four years.

12 seats in open space, 3 closed offices, 1 meeting room; the hand computation of its P&L is in
tests/economics/test_engine.py. Import `four_year_plan()` (VAT-liable operator) or
`four_year_plan(vat_liable=False)` (an association: charges count TTC).
"""

from maillage.economics.engine import (
    AmountLine,
    Capacity,
    ChargeKind,
    Investment,
    OperatorFee,
    PlanInput,
    Pool,
    Product,
    RevenueKind,
    Scenario,
)

OCCUPANCY = {
    Scenario.PRUDENT: {
        Pool.SEATS: (0.20, 0.30, 0.40, 0.45),
        Pool.OFFICES: (0.35, 0.50, 0.70, 0.80),
        Pool.ROOMS: (0.05, 0.10, 0.12, 0.15),
    },
    Scenario.CENTRAL: {
        Pool.SEATS: (0.30, 0.45, 0.55, 0.60),
        Pool.OFFICES: (0.50, 0.75, 0.90, 1.00),
        Pool.ROOMS: (0.10, 0.20, 0.25, 0.30),
    },
    Scenario.OPTIMISTIC: {
        Pool.SEATS: (0.40, 0.55, 0.65, 0.70),
        Pool.OFFICES: (0.70, 0.90, 1.00, 1.00),
        Pool.ROOMS: (0.15, 0.20, 0.25, 0.30),
    },
}


def four_year_plan(*, vat_liable: bool = True) -> PlanInput:
    """The coworking of a small town, 2027–2030, prices HT with their VAT rate."""
    return PlanInput(
        years=4,
        first_year=2027,
        vat_liable=vat_liable,
        capacities=(
            Capacity(Pool.SEATS, "Postes en open space", 12),
            Capacity(Pool.OFFICES, "Bureaux fermés", 3),
            Capacity(Pool.ROOMS, "Salle de réunion", 1),
        ),
        products=(
            Product("journee", "Journée", Pool.SEATS, 1500, 2000, 220, 0.30),
            Product("demi-journee", "Demi-journée", Pool.SEATS, 900, 2000, 440, 0.10),
            Product("mois", "Abonnement mensuel", Pool.SEATS, 18000, 2000, 12, 0.60),
            Product("bureau", "Loyer de bureau fermé (mois)", Pool.OFFICES, 35000, 2000, 12, 1.0),
            Product("salle-heure", "Salle de réunion (heure)", Pool.ROOMS, 2000, 2000, 1760, 1.0),
        ),
        occupancy={scenario: dict(rates) for scenario, rates in OCCUPANCY.items()},
        revenues=(
            AmountLine(
                "Domiciliation", RevenueKind.DOMICILIATION, (0, 120000, 180000, 240000), 2000
            ),
            AmountLine(
                "Ateliers et événements", RevenueKind.EVENTS, (50000, 80000, 100000, 100000), 2000
            ),
            AmountLine(
                "Subvention Région (amorçage)", RevenueKind.SUBSIDY, (1500000, 1000000, 0, 0), 0
            ),
        ),
        charges=(
            AmountLine("Loyer du local", ChargeKind.RENT, (840000,) * 4, 2000),
            AmountLine("Animateur (0,5 ETP)", ChargeKind.STAFF, (1400000,) * 4, 0),
            AmountLine(
                "Électricité, chauffage, internet", ChargeKind.UTILITIES, (240000,) * 4, 2000
            ),
            AmountLine("Assurance", ChargeKind.INSURANCE, (90000,) * 4, 0),
            AmountLine(
                "Communication", ChargeKind.MARKETING, (300000, 150000, 150000, 150000), 2000
            ),
        ),
        investments=(
            Investment("Aménagement", 6000000, 2000, 1, 5),
            Investment("Mobilier et équipement", 1000000, 2000, 2, 3),
        ),
        operator_fee=OperatorFee("Rémunération de l'exploitant", 0.05, 2000),
    )
