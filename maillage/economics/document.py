"""A business plan's hypotheses as a JSON document, and its conversion to `engine.PlanInput`.

The document uses the field paths of `engine.plan_check` as keys ("produits", 0, "prix"…), so an
error of the engine lands on the field that caused it, on the page, in the API and in the
document stored (decision 0032). Money is in cents, shares and occupancies in 0..1.
"""

from maillage.economics.engine import (
    MAX_AMOUNT_CENTS,
    AmountLine,
    Capacity,
    Investment,
    OperatorFee,
    PlanInput,
    Pool,
    Product,
    Scenario,
    plan_check,
)

MAX_LINES = 40  # per list (products, charges…): far above a real plan, bounds the work
MAX_TEXT = 200
MAX_INT = 10 * MAX_AMOUNT_CENTS  # anything larger is refused before the engine sees it
RATE_PRECISION = "Deux décimales au plus en pourcentage (0,01 %)."


def empty_document(first_year: int) -> dict:
    """A new plan: three years, no line yet, occupancy at zero in every scenario."""
    return {
        "annees": 3,
        "annee_debut": first_year,
        "assujetti_tva": True,
        "capacites": [],
        "produits": [],
        "occupation": {s.value: {p.value: [0.0] * 3 for p in Pool} for s in Scenario},
        "recettes": [],
        "charges": [],
        "investissements": [],
        "redevance": None,
    }


class _Reader:
    """Reads typed values out of a document, collecting French errors by field path."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def integer(self, value, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "Saisissez un nombre entier.")
            return 0
        if abs(value) > MAX_INT:
            self.fail(path, "Ce nombre est trop grand.")
            return 0
        return value

    def rate(self, value, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.fail(path, "Saisissez un nombre.")
            return 0.0
        if abs(value) > 1000:
            self.fail(path, "Ce nombre est trop grand.")
            return 0.0
        if round(value, 4) != value:
            # Finer rates make the engine and the workbook round a cent apart.
            self.fail(path, RATE_PRECISION)
            return 0.0
        return float(value)

    def text(self, value, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, "Saisissez un texte.")
            return ""
        if len(value) > MAX_TEXT:
            self.fail(path, f"{MAX_TEXT} caractères au plus.")
        return value.strip()[:MAX_TEXT]

    def rows(self, document: dict, key: str) -> list[dict]:
        value = document.get(key, [])
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            self.fail(key, "Liste de lignes attendue.")
            return []
        if len(value) > MAX_LINES:
            self.fail(key, f"{MAX_LINES} lignes au plus.")
            return []
        return value

    def series(self, value, path: str, convert) -> tuple:
        if not isinstance(value, list):
            self.fail(path, "Une valeur par année est attendue.")
            return ()
        if len(value) > 15:
            self.fail(path, "15 années au plus.")
            return ()
        return tuple(convert(item, f"{path}.{index}") for index, item in enumerate(value))

    def pool(self, value, path: str) -> Pool:
        try:
            return Pool(value)
        except ValueError:
            self.fail(path, "Choisissez postes, bureaux ou salles.")
            return Pool.SEATS


def _amount_lines(reader: _Reader, document: dict, key: str) -> tuple[AmountLine, ...]:
    lines = []
    for index, row in enumerate(reader.rows(document, key)):
        path = f"{key}.{index}"
        lines.append(
            AmountLine(
                label=reader.text(row.get("libelle", ""), f"{path}.libelle"),
                kind=reader.text(row.get("nature", ""), f"{path}.nature"),
                amounts_ht_cents=reader.series(
                    row.get("montants"), f"{path}.montants", reader.integer
                ),
                vat_rate_bp=reader.integer(row.get("tva"), f"{path}.tva"),
            )
        )
    return tuple(lines)


def document_input(document: dict) -> tuple[PlanInput | None, dict[str, str]]:
    """The engine's input of `document` and no error, or None and every error by field path.

    Errors of shape (text in a number field, a missing list) come first; when the shape is
    right, the engine's own checks (`plan_check`) give the rest.
    """
    reader = _Reader()
    if not isinstance(document, dict):
        return None, {"document": "Document de plan attendu."}
    capacities = tuple(
        Capacity(
            pool=reader.pool(row.get("pool"), f"capacites.{i}.pool"),
            label=reader.text(row.get("libelle", ""), f"capacites.{i}.libelle"),
            units=reader.integer(row.get("unites"), f"capacites.{i}.unites"),
        )
        for i, row in enumerate(reader.rows(document, "capacites"))
    )
    products = tuple(
        Product(
            key=reader.text(row.get("cle", ""), f"produits.{i}.cle"),
            label=reader.text(row.get("libelle", ""), f"produits.{i}.libelle"),
            pool=reader.pool(row.get("pool"), f"produits.{i}.pool"),
            unit_price_ht_cents=reader.integer(row.get("prix"), f"produits.{i}.prix"),
            vat_rate_bp=reader.integer(row.get("tva"), f"produits.{i}.tva"),
            units_per_capacity=reader.integer(row.get("unites"), f"produits.{i}.unites"),
            mix=reader.rate(row.get("mix"), f"produits.{i}.mix"),
        )
        for i, row in enumerate(reader.rows(document, "produits"))
    )
    occupancy: dict[Scenario, dict[Pool, tuple[float, ...]]] = {}
    raw = document.get("occupation")
    if not isinstance(raw, dict):
        reader.fail("occupation", "L'occupation par scénario est attendue.")
        raw = {}
    scenario_keys = {s.value for s in Scenario}
    pool_keys = {p.value for p in Pool}
    for key in raw:
        if key not in scenario_keys:
            reader.fail(
                f"occupation.{key}"[:100], "Scénario inconnu : prudent, central ou optimiste."
            )
    for scenario in Scenario:
        per_pool = raw.get(scenario.value)
        if isinstance(per_pool, dict):
            for key in per_pool:
                if key not in pool_keys:
                    reader.fail(
                        f"occupation.{scenario.value}.{key}"[:100],
                        "Capacité inconnue : postes, bureaux ou salles.",
                    )
        if not isinstance(per_pool, dict):
            continue  # the engine says which scenario is missing
        occupancy[scenario] = {
            pool: reader.series(
                per_pool[pool.value], f"occupation.{scenario.value}.{pool.value}", reader.rate
            )
            for pool in Pool
            if pool.value in per_pool
        }
    investments = tuple(
        Investment(
            label=reader.text(row.get("libelle", ""), f"investissements.{i}.libelle"),
            amount_ht_cents=reader.integer(row.get("montant"), f"investissements.{i}.montant"),
            vat_rate_bp=reader.integer(row.get("tva"), f"investissements.{i}.tva"),
            first_year=reader.integer(
                row.get("premiere_annee"), f"investissements.{i}.premiere_annee"
            ),
            years=reader.integer(row.get("duree"), f"investissements.{i}.duree"),
        )
        for i, row in enumerate(reader.rows(document, "investissements"))
    )
    fee = None
    raw_fee = document.get("redevance")
    if isinstance(raw_fee, dict):
        fee = OperatorFee(
            label=reader.text(raw_fee.get("libelle", ""), "redevance.libelle"),
            share=reader.rate(raw_fee.get("part"), "redevance.part"),
            vat_rate_bp=reader.integer(raw_fee.get("tva"), "redevance.tva"),
        )
    elif raw_fee is not None:
        reader.fail("redevance", "Redevance attendue.")
    vat_liable = document.get("assujetti_tva")
    if not isinstance(vat_liable, bool):
        reader.fail("assujetti_tva", "Choisissez oui ou non.")
    plan = PlanInput(
        years=reader.integer(document.get("annees"), "annees"),
        first_year=reader.integer(document.get("annee_debut"), "annee_debut"),
        vat_liable=bool(vat_liable),
        capacities=capacities,
        products=products,
        occupancy=occupancy,
        revenues=_amount_lines(reader, document, "recettes"),
        charges=_amount_lines(reader, document, "charges"),
        investments=investments,
        operator_fee=fee,
    )
    if reader.errors:
        return None, reader.errors
    errors: dict[str, str] = {}
    for error in plan_check(plan):
        errors.setdefault(error.field, error.message)
    return (None, errors) if errors else (plan, {})


def input_document(plan: PlanInput) -> dict:
    """The document of an engine input (the inverse of `document_input` on a valid plan)."""
    return {
        "annees": plan.years,
        "annee_debut": plan.first_year,
        "assujetti_tva": plan.vat_liable,
        "capacites": [
            {"pool": c.pool.value, "libelle": c.label, "unites": c.units} for c in plan.capacities
        ],
        "produits": [
            {
                "cle": p.key,
                "libelle": p.label,
                "pool": p.pool.value,
                "prix": p.unit_price_ht_cents,
                "tva": p.vat_rate_bp,
                "unites": p.units_per_capacity,
                "mix": p.mix,
            }
            for p in plan.products
        ],
        "occupation": {
            s.value: {p.value: list(rates) for p, rates in pools.items()}
            for s, pools in plan.occupancy.items()
        },
        "recettes": [_line_document(line) for line in plan.revenues],
        "charges": [_line_document(line) for line in plan.charges],
        "investissements": [
            {
                "libelle": i.label,
                "montant": i.amount_ht_cents,
                "tva": i.vat_rate_bp,
                "premiere_annee": i.first_year,
                "duree": i.years,
            }
            for i in plan.investments
        ],
        "redevance": (
            {
                "libelle": plan.operator_fee.label,
                "part": plan.operator_fee.share,
                "tva": plan.operator_fee.vat_rate_bp,
            }
            if plan.operator_fee
            else None
        ),
    }


def _line_document(line: AmountLine) -> dict:
    return {
        "libelle": line.label,
        "nature": str(line.kind),
        "montants": list(line.amounts_ht_cents),
        "tva": line.vat_rate_bp,
    }
