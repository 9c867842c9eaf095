"""The provisional profit-and-loss account of a place, computed from the lines entered.

Pure functions over frozen dataclasses: no database, no Django. The same rules are written as
spreadsheet formulas by `workbook.py`, and a test evaluates those formulas and compares them with
`plan_compute` to the cent.

The rules (also in docs/utilisateur/plan-affaires.md):
- Money is in integer cents. Each line of each year is rounded half up to the cent once; totals
  are sums of rounded lines (so the page, the XLSX and a hand computation agree to the cent).
- Capacity is held in pools (coworking seats, closed offices, meeting rooms). A product sells
  units of one pool: units per year for one unit of capacity (`units_per_capacity`: e.g. 220
  open days for a day pass, 12 months for a monthly subscription or an office rent, 220 × 8
  hours for a room hour), and its share of that pool (`mix`, shares of a pool ≤ 1).
  Units sold in year y = capacity of the pool × units_per_capacity × mix × occupancy(pool, y).
  Revenue HT = units sold × unit price HT, rounded to the cent.
- Occupancy per pool and year is the ramp-up of a scenario (prudent, central, optimistic); every
  other line is shared by the scenarios.
- VAT is explicit. Prices and amounts are entered HT with their rate; TTC = HT + VAT of the line,
  rounded half up. An operator subject to VAT (`vat_liable`) counts revenues and charges HT in the
  P&L. An operator not subject to VAT (many associations) invoices no VAT (revenues TTC = HT) and
  cannot recover the VAT it pays: its charges count TTC.
- An investment (fit-out, equipment) is amortised linearly: amount ÷ years in each of its first
  `years` years from its first year (the last year takes the rounding remainder so the sum is the
  amount).
- An operator's fee is either a fixed amount per year (a charge line) or a share of the year's
  revenues from products and other revenues except subsidies (`OperatorFee`).
- Balance of a year = revenues − charges; cumulative balance = sum of balances so far.
  Break-even year: the first year whose balance ≥ 0 (None if never). Break-even occupancy of a
  year: the one occupancy rate applied to every pool at which that year's balance would be 0,
  given the other lines of that year (None when capacity earns nothing; may exceed 1, which
  says the plan cannot break even with this capacity and these prices).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Pool(StrEnum):
    SEATS = "postes"  # coworking seats
    OFFICES = "bureaux"  # closed offices (capacity counted in offices)
    ROOMS = "salles"  # meeting rooms


class Scenario(StrEnum):
    PRUDENT = "prudent"
    CENTRAL = "central"
    OPTIMISTIC = "optimiste"


class ChargeKind(StrEnum):
    RENT = "loyer"
    BUILDING = "batiment"
    STAFF = "personnel"
    OPERATOR_FEE = "exploitant"
    UTILITIES = "fluides"
    INSURANCE = "assurance"
    MARKETING = "communication"
    OTHER = "autre"


class RevenueKind(StrEnum):
    SERVICES = "services"
    EVENTS = "evenements"
    DOMICILIATION = "domiciliation"
    SUBSIDY = "subvention"
    OTHER = "autre"


@dataclass(frozen=True)
class Capacity:
    pool: Pool
    label: str  # « Postes en open space », « Bureaux fermés de 2 postes »…
    units: int  # seats, offices or rooms (≥ 0)


@dataclass(frozen=True)
class Product:
    key: str  # stable identifier inside the plan, e.g. "journee", "mois", "salle-heure"
    label: str
    pool: Pool
    unit_price_ht_cents: int  # ≥ 0
    vat_rate_bp: int  # basis points, one of billing.models.VAT_RATES_BP
    units_per_capacity: int  # units sold per year by one unit of capacity at 100 % (≥ 1)
    mix: float  # share of the pool, 0..1; a pool's shares sum to ≤ 1


@dataclass(frozen=True)
class AmountLine:
    """Another revenue or a charge: an amount HT per year (index 0 = year 1)."""

    label: str
    kind: str  # a RevenueKind or ChargeKind value
    amounts_ht_cents: tuple[int, ...]  # one per year, ≥ 0
    vat_rate_bp: int


@dataclass(frozen=True)
class Investment:
    label: str
    amount_ht_cents: int  # > 0
    vat_rate_bp: int
    first_year: int  # 1..years
    years: int  # amortisation period, ≥ 1


@dataclass(frozen=True)
class OperatorFee:
    label: str
    share: float  # 0..1 of the year's revenues HT excluding subsidies
    vat_rate_bp: int


@dataclass(frozen=True)
class PlanInput:
    years: int  # N, 1..15
    first_year: int  # calendar year of year 1, e.g. 2027
    vat_liable: bool
    capacities: tuple[Capacity, ...]
    products: tuple[Product, ...]
    # occupancy[scenario][pool] = one rate 0..1 per year (len == years)
    occupancy: dict[Scenario, dict[Pool, tuple[float, ...]]]
    revenues: tuple[AmountLine, ...] = ()
    charges: tuple[AmountLine, ...] = ()
    investments: tuple[Investment, ...] = ()
    operator_fee: OperatorFee | None = None


@dataclass(frozen=True)
class Line:
    """One line of the P&L: its label, kind and one amount per year, HT, VAT and as counted."""

    label: str
    kind: str
    ht_cents: tuple[int, ...]
    vat_cents: tuple[int, ...]
    counted_cents: tuple[int, ...]  # HT if vat_liable, else TTC for charges and HT for revenues


@dataclass(frozen=True)
class YearResult:
    year: int  # 1..N
    calendar_year: int
    revenues_cents: int  # counted
    charges_cents: int  # counted
    balance_cents: int
    cumulative_cents: int
    break_even_occupancy: float | None


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    revenue_lines: tuple[Line, ...]  # products first (in input order), then other revenues
    charge_lines: tuple[Line, ...]  # charges, then amortisation of investments, then the fee
    years: tuple[YearResult, ...]
    break_even_year: int | None  # 1..N
    units_sold: dict[str, tuple[float, ...]] = field(default_factory=dict)  # per product key


@dataclass(frozen=True)
class PlanResult:
    scenarios: dict[Scenario, ScenarioResult]


class PlanError(ValueError):
    """Bad input, with the French message and the path of the field (e.g. "produits.2.prix")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def plan_check(plan: PlanInput) -> list[PlanError]:
    """Every error of the input (not the first only), in French, each on its field."""
    raise NotImplementedError


def plan_compute(plan: PlanInput) -> PlanResult:
    """The P&L of every scenario of `plan`; raises the first PlanError of plan_check."""
    raise NotImplementedError
