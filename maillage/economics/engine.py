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
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from maillage.billing.amounts import rate_label  # pure: no Django, shared with invoices


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


# Rates accepted, in basis points: the same as billing.models.VAT_RATES_BP (a test keeps them
# equal; this module stays free of Django).
VAT_RATES_BP = (2000, 1000, 850, 550, 210, 0)
AMORTISATION_KIND = "amortissement"  # the kind of the amortisation lines of investments
PRODUCT_KIND = "produit"  # the kind of the revenue lines of products
MAX_PRICE_CENTS = 100_000_000  # 1 000 000 € per unit
MAX_AMOUNT_CENTS = 10_000_000_000  # 100 000 000 € per line and year
MAX_UNITS_PER_CAPACITY = 8_784  # hours in a leap year
MAX_AMORTISATION_YEARS = 50
SCENARIO_LABELS = {
    Scenario.PRUDENT: "prudent",
    Scenario.CENTRAL: "central",
    Scenario.OPTIMISTIC: "optimiste",
}
POOL_LABELS = {Pool.SEATS: "postes", Pool.OFFICES: "bureaux", Pool.ROOMS: "salles"}


def _rate_ok(rate: float) -> bool:
    """A share or an occupancy in 0..1 (False for NaN, which compares false with everything)."""
    return isinstance(rate, int | float) and not isinstance(rate, bool) and 0 <= rate <= 1


def _check_vat(rate_bp: int, field_path: str, errors: list[PlanError]) -> None:
    if rate_bp not in VAT_RATES_BP:
        shown = rate_label(rate_bp) if isinstance(rate_bp, int) else str(rate_bp)
        errors.append(PlanError(f"Taux de TVA inconnu : {shown}", field_path))


def _check_amount_lines(
    lines: tuple[AmountLine, ...],
    prefix: str,
    kinds: type[StrEnum],
    empty_message: str,
    years: int,
    errors: list[PlanError],
) -> None:
    for index, line in enumerate(lines):
        path = f"{prefix}.{index}"
        if line.kind not in {kind.value for kind in kinds}:
            errors.append(PlanError(f"Nature inconnue : {line.kind}", f"{path}.nature"))
        _check_vat(line.vat_rate_bp, f"{path}.tva", errors)
        if years and len(line.amounts_ht_cents) != years:
            errors.append(PlanError(f"Il faut un montant par année ({years}).", f"{path}.montants"))
        for year, amount in enumerate(line.amounts_ht_cents):
            if amount < 0:
                errors.append(
                    PlanError("Un montant ne peut pas être négatif.", f"{path}.montants.{year}")
                )
            elif amount > MAX_AMOUNT_CENTS:
                errors.append(
                    PlanError(
                        "Un montant ne peut pas dépasser 100 000 000 €.", f"{path}.montants.{year}"
                    )
                )
        counted = line.amounts_ht_cents[:years] if years else line.amounts_ht_cents
        if not any(amount > 0 for amount in counted):
            errors.append(PlanError(empty_message, f"{path}.montants"))


def plan_check(plan: PlanInput) -> list[PlanError]:
    """Every error of the input (not the first only), in French, each on its field.

    Field paths: "annees", "annee_debut", "capacites.<i>.unites", "produits.<i>.cle" (empty or
    duplicate), "produits.<i>.pool" (a pool with no capacity), "produits.<i>.prix",
    "produits.<i>.tva", "produits.<i>.unites", "produits.<i>.mix" (also on the last product of
    a pool whose shares exceed 100 %), "occupation.<scénario>" (missing),
    "occupation.<scénario>.<pool>" (missing or wrong length), "occupation.<scénario>.<pool>.<y>",
    "recettes.<i>.…" and "charges.<i>.…" ("nature", "tva", "montants", "montants.<y>"),
    "investissements.<i>.montant|tva|premiere_annee|duree", "redevance.part|tva". <y> and <i>
    are 0-based.
    """
    errors: list[PlanError] = []
    years = plan.years
    if not isinstance(years, int) or not 1 <= years <= 15:
        errors.append(PlanError("La durée du plan doit être de 1 à 15 ans.", "annees"))
        years = 0  # lengths cannot be checked against a wrong duration
    if not 2000 <= plan.first_year <= 2100:
        errors.append(PlanError("La première année doit être entre 2000 et 2100.", "annee_debut"))

    capacity = _pool_capacity(plan)
    for index, item in enumerate(plan.capacities):
        if item.units < 0:
            errors.append(
                PlanError("Une capacité ne peut pas être négative.", f"capacites.{index}.unites")
            )

    keys: set[str] = set()
    shares: dict[Pool, Decimal] = {}
    last_of_pool: dict[Pool, int] = {}
    for index, product in enumerate(plan.products):
        path = f"produits.{index}"
        if not product.key:
            errors.append(PlanError("Un produit doit avoir une clé.", f"{path}.cle"))
        elif product.key in keys:
            errors.append(
                PlanError(f"Deux produits ont la même clé : {product.key}", f"{path}.cle")
            )
        keys.add(product.key)
        if capacity.get(product.pool, 0) <= 0:
            errors.append(
                PlanError(
                    f"Ce produit vend des {POOL_LABELS.get(product.pool, product.pool)} "
                    "mais le lieu n'en a aucun.",
                    f"{path}.pool",
                )
            )
        if not 0 <= product.unit_price_ht_cents <= MAX_PRICE_CENTS:
            errors.append(
                PlanError("Le prix doit être compris entre 0 et 1 000 000 €.", f"{path}.prix")
            )
        _check_vat(product.vat_rate_bp, f"{path}.tva", errors)
        if not 1 <= product.units_per_capacity <= MAX_UNITS_PER_CAPACITY:
            errors.append(
                PlanError(
                    "Le nombre d'unités par an doit être compris entre 1 et 8 784.",
                    f"{path}.unites",
                )
            )
        if not _rate_ok(product.mix):
            errors.append(PlanError("La part doit être comprise entre 0 et 100 %.", f"{path}.mix"))
        else:
            shares[product.pool] = shares.get(product.pool, Decimal(0)) + _exact(product.mix)
            last_of_pool[product.pool] = index
    for pool, total in shares.items():
        if total > 1:
            errors.append(
                PlanError(
                    f"Les parts des produits des {POOL_LABELS.get(pool, pool)} dépassent 100 %.",
                    f"produits.{last_of_pool[pool]}.mix",
                )
            )

    sold_pools = [pool for pool in Pool if any(p.pool == pool for p in plan.products)]
    for scenario in Scenario:
        path = f"occupation.{scenario.value}"
        rates = plan.occupancy.get(scenario)
        if rates is None:
            errors.append(PlanError(f"Le scénario {SCENARIO_LABELS[scenario]} manque.", path))
            continue
        for pool in Pool:
            series = rates.get(pool)
            if series is None:
                if pool in sold_pools:
                    errors.append(
                        PlanError(
                            f"L'occupation des {POOL_LABELS[pool]} manque.", f"{path}.{pool.value}"
                        )
                    )
                continue
            if years and len(series) != years:
                errors.append(
                    PlanError(
                        f"Il faut une occupation par année ({years}).", f"{path}.{pool.value}"
                    )
                )
            for year, rate in enumerate(series):
                if isinstance(rate, int | float) and rate > 1:
                    message = "L'occupation ne peut pas dépasser 100 %"
                elif not _rate_ok(rate):
                    message = "L'occupation doit être comprise entre 0 et 100 %"
                else:
                    continue
                errors.append(PlanError(message, f"{path}.{pool.value}.{year}"))

    _check_amount_lines(
        plan.revenues, "recettes", RevenueKind, "Une recette sans montant", years, errors
    )
    _check_amount_lines(
        plan.charges, "charges", ChargeKind, "Une charge sans montant", years, errors
    )

    for index, investment in enumerate(plan.investments):
        path = f"investissements.{index}"
        if not 0 < investment.amount_ht_cents <= MAX_AMOUNT_CENTS:
            errors.append(
                PlanError(
                    "Le montant doit être compris entre 0,01 € et 100 000 000 €.", f"{path}.montant"
                )
            )
        _check_vat(investment.vat_rate_bp, f"{path}.tva", errors)
        if years and not 1 <= investment.first_year <= years:
            errors.append(
                PlanError(
                    f"La première année d'amortissement doit être entre 1 et {years}.",
                    f"{path}.premiere_annee",
                )
            )
        if not 1 <= investment.years <= MAX_AMORTISATION_YEARS:
            errors.append(
                PlanError("La durée d'amortissement doit être de 1 à 50 ans.", f"{path}.duree")
            )
        elif 0 < investment.amount_ht_cents <= MAX_AMOUNT_CENTS:
            # Each year takes amount ÷ years rounded half up and the last the remainder: when
            # the rounded shares exceed the amount, the last year would be negative.
            share = _half_up(Decimal(investment.amount_ht_cents) / investment.years)
            if share * (investment.years - 1) > investment.amount_ht_cents:
                errors.append(
                    PlanError(
                        f"Montant trop petit pour être amorti sur {investment.years} ans : "
                        "chaque année doit recevoir une part positive (augmentez le montant "
                        "ou réduisez la durée).",
                        f"{path}.montant",
                    )
                )

    if plan.operator_fee is not None:
        if not _rate_ok(plan.operator_fee.share):
            errors.append(
                PlanError(
                    "La part de l'exploitant doit être comprise entre 0 et 100 %.", "redevance.part"
                )
            )
        _check_vat(plan.operator_fee.vat_rate_bp, "redevance.tva", errors)
    return errors


def _exact(rate: float) -> Decimal:
    """The decimal a person typed: 0.3 is 3/10, not the binary float nearest to it."""
    return Decimal(repr(rate)) if isinstance(rate, float) else Decimal(rate)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _vat(ht_cents: int, rate_bp: int) -> int:
    """VAT of one line of one year, rounded half up to the cent."""
    return _half_up(Decimal(ht_cents) * rate_bp / 10_000)


def _pool_capacity(plan: PlanInput) -> dict[Pool, int]:
    capacity: dict[Pool, int] = {}
    for item in plan.capacities:
        capacity[item.pool] = capacity.get(item.pool, 0) + item.units
    return capacity


def amortisation_schedule(
    amount_cents: int, years: int, first_year: int, horizon: int
) -> tuple[int, ...]:
    """One amount per plan year: amount ÷ years (half up) from first_year, the remainder last.

    Years past the plan's horizon are cut off (the whole schedule still sums to the amount).
    """
    share = _half_up(Decimal(amount_cents) / years)
    schedule = [0] * horizon
    for offset in range(years):
        year = first_year - 1 + offset
        if year < horizon:
            schedule[year] = amount_cents - share * (years - 1) if offset == years - 1 else share
    return tuple(schedule)


def _line(
    label: str, kind: str, ht: list[int], rate_bp: int, *, revenue: bool, liable: bool
) -> Line:
    """A line with its VAT per year; counted HT, or TTC for a non-liable operator's charges."""
    # A non-liable operator invoices no VAT.
    vat = [0] * len(ht) if revenue and not liable else [_vat(amount, rate_bp) for amount in ht]
    counted = ht if liable or revenue else [a + v for a, v in zip(ht, vat, strict=True)]
    return Line(label, kind, tuple(ht), tuple(vat), tuple(counted))


def _investment_line(investment: Investment, horizon: int, liable: bool) -> Line:
    """Amortisation HT, and of the TTC amount: a non-liable operator amortises what it paid."""
    ht = amortisation_schedule(
        investment.amount_ht_cents, investment.years, investment.first_year, horizon
    )
    ttc_amount = investment.amount_ht_cents + _vat(
        investment.amount_ht_cents, investment.vat_rate_bp
    )
    ttc = amortisation_schedule(ttc_amount, investment.years, investment.first_year, horizon)
    vat = tuple(t - h for t, h in zip(ttc, ht, strict=True))
    return Line(
        f"Amortissement – {investment.label}",
        AMORTISATION_KIND,
        ht,
        vat,
        ht if liable else ttc,
    )


def _scenario(plan: PlanInput, scenario: Scenario) -> ScenarioResult:
    years = plan.years
    liable = plan.vat_liable
    capacity = _pool_capacity(plan)
    occupancy = plan.occupancy[scenario]
    revenue_lines: list[Line] = []
    units_sold: dict[str, tuple[float, ...]] = {}
    full_revenue = Decimal(0)  # product revenues HT at 100 % occupancy of every pool, unrounded
    for product in plan.products:
        per_full = capacity.get(product.pool, 0) * product.units_per_capacity * _exact(product.mix)
        full_revenue += per_full * product.unit_price_ht_cents
        units = [per_full * _exact(occupancy[product.pool][y]) for y in range(years)]
        units_sold[product.key] = tuple(float(u) for u in units)
        ht = [_half_up(u * product.unit_price_ht_cents) for u in units]
        revenue_lines.append(
            _line(product.label, PRODUCT_KIND, ht, product.vat_rate_bp, revenue=True, liable=liable)
        )
    for other in plan.revenues:
        revenue_lines.append(
            _line(
                other.label,
                other.kind,
                list(other.amounts_ht_cents),
                other.vat_rate_bp,
                revenue=True,
                liable=liable,
            )
        )
    charge_lines = [
        _line(
            c.label, c.kind, list(c.amounts_ht_cents), c.vat_rate_bp, revenue=False, liable=liable
        )
        for c in plan.charges
    ]
    charge_lines += [_investment_line(i, years, liable) for i in plan.investments]
    fee = plan.operator_fee
    others = revenue_lines[len(plan.products) :]
    other_base = [  # the fee's base except products: other revenues HT, subsidies excluded
        sum(
            line.ht_cents[y]
            for line, source in zip(others, plan.revenues, strict=True)
            if source.kind != RevenueKind.SUBSIDY
        )
        for y in range(years)
    ]
    product_ht = [
        sum(line.ht_cents[y] for line in revenue_lines[: len(plan.products)]) for y in range(years)
    ]
    fixed_charges = [sum(line.counted_cents[y] for line in charge_lines) for y in range(years)]
    if fee is not None:
        fee_ht = [
            _half_up(_exact(fee.share) * (product_ht[y] + other_base[y])) for y in range(years)
        ]
        charge_lines.append(
            _line(
                fee.label,
                ChargeKind.OPERATOR_FEE,
                fee_ht,
                fee.vat_rate_bp,
                revenue=False,
                liable=liable,
            )
        )

    results: list[YearResult] = []
    cumulative = 0
    for y in range(years):
        revenues = sum(line.counted_cents[y] for line in revenue_lines)
        charges = sum(line.counted_cents[y] for line in charge_lines)
        balance = revenues - charges
        cumulative += balance
        results.append(
            YearResult(
                year=y + 1,
                calendar_year=plan.first_year + y,
                revenues_cents=revenues,
                charges_cents=charges,
                balance_cents=balance,
                cumulative_cents=cumulative,
                break_even_occupancy=_break_even_occupancy(
                    plan,
                    full_revenue,
                    sum(line.counted_cents[y] for line in others),
                    other_base[y],
                    fixed_charges[y],
                ),
            )
        )
    break_even_year = next((r.year for r in results if r.balance_cents >= 0), None)
    return ScenarioResult(
        scenario=scenario,
        revenue_lines=tuple(revenue_lines),
        charge_lines=tuple(charge_lines),
        years=tuple(results),
        break_even_year=break_even_year,
        units_sold=units_sold,
    )


def _break_even_occupancy(
    plan: PlanInput,
    full_revenue: Decimal,
    other_revenues: int,
    other_fee_base: int,
    fixed_charges: int,
) -> float | None:
    """The occupancy t of every pool at which the year's balance is 0 (before rounding).

    balance(t) = t·P + O − C − k·(t·P + B), with P the product revenues at 100 %, O the other
    revenues counted, C the charges counted except the fee, B the fee base except products, and
    k the fee share (× (1 + its VAT rate) when the operator is not liable). Returns None when
    P·(1 − k) ≤ 0 (capacity earns nothing) and 0.0 when the other lines already cover the charges.
    """
    fee = plan.operator_fee
    k = Decimal(0)
    if fee is not None:
        k = _exact(fee.share)
        if not plan.vat_liable:
            k *= 1 + Decimal(fee.vat_rate_bp) / 10_000
    slope = full_revenue * (1 - k)
    if slope <= 0:
        return None
    rate = (fixed_charges + k * other_fee_base - other_revenues) / slope
    return max(float(rate), 0.0)


def plan_compute(plan: PlanInput) -> PlanResult:
    """The P&L of every scenario of `plan`; raises the first PlanError of plan_check."""
    errors = plan_check(plan)
    if errors:
        raise errors[0]
    return PlanResult(scenarios={scenario: _scenario(plan, scenario) for scenario in Scenario})
