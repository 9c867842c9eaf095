"""The business plan as an XLSX workbook a consultant continues in a spreadsheet.

« Hypothèses » holds every input in cells; each « Compte de résultat – <scénario> » sheet is made
of formulas over those cells that follow engine.py's rules, so the figures equal `plan_compute`'s
to the cent (a test evaluates the formulas) and change when a hypothesis is edited.

Rounding: each line is `ROUND(ROUND(x;6);2)`. The inner ROUND drops the binary noise of the
spreadsheet's floating-point arithmetic (1,15 × 10 % is 0,11499999… in binary) before rounding
half up to the cent, as the engine does on exact decimals. It is exact whenever the unrounded
value has at most 6 decimals (prices in cents, shares and occupancies in whole percents or with
two decimals), which is what the forms accept.

Texts typed by people (title, labels, keys) are written as strings, never as formulas, whatever
they start with: the rule of maillage/core/tables.py.
"""

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from maillage.core.tables import xlsx_text_cell
from maillage.economics.engine import (
    AMORTISATION_KIND,
    POOL_LABELS,
    PRODUCT_KIND,
    SCENARIO_LABELS,
    ChargeKind,
    PlanInput,
    Pool,
    RevenueKind,
    Scenario,
    plan_check,
)

EUROS = '#,##0.00\\ "€"'
PERCENT = "0.00%"
UNITS = "#,##0.00"
HYPOTHESES = "Hypothèses"
COMPARISON = "Comparaison"
REALISED = "Réalisé"
# Hypothèses: label, nature / pool, VAT rate, then one column per year from D.
HYP_YEAR_COLUMN = 4
# Compte de résultat: label, nature, then one column per year from C.
PL_YEAR_COLUMN = 3
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def pl_sheet_title(scenario: Scenario) -> str:
    """« Compte de résultat – central » (31 characters at most, the XLSX limit)."""
    return f"Compte de résultat – {SCENARIO_LABELS[scenario]}"


def _ref(sheet: str, column: int, row: int, *, fixed_row: bool = True) -> str:
    """An absolute reference to a cell of another sheet: 'Hypothèses'!$D$12."""
    letter = get_column_letter(column)
    return f"'{sheet}'!${letter}{'$' if fixed_row else ''}{row}"


def _cell(column: int, row: int) -> str:
    return f"{get_column_letter(column)}{row}"


def _round(expression: str) -> str:
    """Half up to the cent, after dropping floating-point noise (see the module docstring)."""
    return f"ROUND(ROUND({expression},6),2)"


def _text(sheet: Worksheet, row: int, column: int, value: str, font: Font | None = None) -> None:
    """A text typed by someone: always a string cell, never a formula (core/tables.py's rule)."""
    cell = xlsx_text_cell(sheet, row, column, value)
    if font is not None:
        cell.font = font


def _put(sheet: Worksheet, row: int, column: int, value, number_format: str | None = None) -> None:
    """A number, a boolean or one of our formulas."""
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format


def _heading(sheet: Worksheet, row: int, text: str) -> None:
    sheet.cell(row=row, column=1, value=text).font = BOLD


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _euros(cents: int) -> float:
    return cents / 100


@dataclass
class _Hypotheses:
    """Where each input sits in « Hypothèses » (absolute references)."""

    years: str = ""
    first_year: str = ""
    liable: str = ""
    pool_capacity: dict[Pool, str] = field(default_factory=dict)
    product_rows: list[int] = field(default_factory=list)
    occupancy_rows: dict[tuple[Scenario, Pool], int] = field(default_factory=dict)
    revenue_rows: list[int] = field(default_factory=list)
    charge_rows: list[int] = field(default_factory=list)
    investment_rows: list[int] = field(default_factory=list)
    fee_row: int | None = None

    def at(self, column: int, row: int) -> str:
        return _ref(HYPOTHESES, column, row)

    def year(self, row: int, year: int) -> str:
        """The cell of plan year `year` (1-based) of a yearly row."""
        return self.at(HYP_YEAR_COLUMN + year - 1, row)


def _hypotheses_sheet(book: Workbook, plan: PlanInput, title: str) -> _Hypotheses:
    sheet = book.create_sheet(HYPOTHESES)
    where = _Hypotheses()
    _text(sheet, 1, 1, title, TITLE)
    sheet.cell(row=2, column=1, value="Montants en euros hors taxes ; taux en pourcentage.")
    _heading(sheet, 4, "Général")
    sheet.cell(row=5, column=1, value="Durée du plan (années)")
    _put(sheet, 5, 2, plan.years)
    sheet.cell(row=6, column=1, value="Première année")
    _put(sheet, 6, 2, plan.first_year)
    sheet.cell(row=7, column=1, value="Assujetti à la TVA (VRAI / FAUX)")
    _put(sheet, 7, 2, plan.vat_liable)
    where.years, where.first_year, where.liable = (where.at(2, 5), where.at(2, 6), where.at(2, 7))

    row = 9
    _heading(sheet, row, "Capacités")
    _header(sheet, row + 1, ["Espace", "Libellé", "Unités"])
    first = row + 2
    for offset, item in enumerate(plan.capacities):
        _text(sheet, first + offset, 1, str(item.pool.value))
        _text(sheet, first + offset, 2, item.label)
        _put(sheet, first + offset, 3, item.units)
    last = first + max(len(plan.capacities), 1) - 1
    row = last + 2
    _heading(sheet, row, "Capacité par espace")
    for offset, pool in enumerate(Pool, start=1):
        _text(sheet, row + offset, 1, pool.value)
        _put(
            sheet,
            row + offset,
            3,
            f"=SUMIF($A${first}:$A${last},A{row + offset},$C${first}:$C${last})",
        )
        where.pool_capacity[pool] = where.at(3, row + offset)
    row += len(Pool) + 2

    _heading(sheet, row, "Produits")
    _header(
        sheet,
        row + 1,
        [
            "Libellé",
            "Espace",
            "TVA",
            "Clé",
            "Prix unitaire HT",
            "Unités par an et par unité de capacité",
            "Part de l'espace",
        ],
    )
    row += 2
    for product in plan.products:
        _text(sheet, row, 1, product.label)
        _text(sheet, row, 2, product.pool.value)
        _put(sheet, row, 3, product.vat_rate_bp / 10_000, PERCENT)
        _text(sheet, row, 4, product.key)
        _put(sheet, row, 5, _euros(product.unit_price_ht_cents), EUROS)
        _put(sheet, row, 6, product.units_per_capacity)
        _put(sheet, row, 7, product.mix, PERCENT)
        where.product_rows.append(row)
        row += 1

    row += 1
    _heading(sheet, row, "Occupation par scénario")
    _header(
        sheet,
        row + 1,
        ["Scénario", "Espace", ""] + [f"Année {y}" for y in range(1, plan.years + 1)],
    )
    row += 2
    for scenario in Scenario:
        for pool, rates in plan.occupancy.get(scenario, {}).items():
            _text(sheet, row, 1, SCENARIO_LABELS[scenario])
            _text(sheet, row, 2, pool.value)
            for year, rate in enumerate(rates[: plan.years]):
                _put(sheet, row, HYP_YEAR_COLUMN + year, rate, PERCENT)
            where.occupancy_rows[(scenario, pool)] = row
            row += 1

    year_labels = [f"Année {y}" for y in range(1, plan.years + 1)]
    for heading, lines, rows in (
        ("Autres recettes (HT)", plan.revenues, where.revenue_rows),
        ("Charges (HT)", plan.charges, where.charge_rows),
    ):
        row += 1
        _heading(sheet, row, heading)
        _header(sheet, row + 1, ["Libellé", "Nature", "TVA", *year_labels])
        row += 2
        for line in lines:
            _text(sheet, row, 1, line.label)
            _text(sheet, row, 2, str(line.kind))
            _put(sheet, row, 3, line.vat_rate_bp / 10_000, PERCENT)
            for year, amount in enumerate(line.amounts_ht_cents[: plan.years]):
                _put(sheet, row, HYP_YEAR_COLUMN + year, _euros(amount), EUROS)
            rows.append(row)
            row += 1

    row += 1
    _heading(sheet, row, "Investissements (amortis linéairement)")
    _header(
        sheet,
        row + 1,
        ["Libellé", "Montant HT", "TVA", "Première année (1 = année 1)", "Durée (années)"],
    )
    row += 2
    for investment in plan.investments:
        _text(sheet, row, 1, investment.label)
        _put(sheet, row, 2, _euros(investment.amount_ht_cents), EUROS)
        _put(sheet, row, 3, investment.vat_rate_bp / 10_000, PERCENT)
        _put(sheet, row, 4, investment.first_year)
        _put(sheet, row, 5, investment.years)
        where.investment_rows.append(row)
        row += 1

    if plan.operator_fee is not None:
        row += 1
        _heading(sheet, row, "Rémunération de l'exploitant")
        _header(sheet, row + 1, ["Libellé", "Part des recettes HT hors subventions", "TVA"])
        row += 2
        _text(sheet, row, 1, plan.operator_fee.label)
        _put(sheet, row, 2, plan.operator_fee.share, PERCENT)
        _put(sheet, row, 3, plan.operator_fee.vat_rate_bp / 10_000, PERCENT)
        where.fee_row = row

    sheet.freeze_panes = "B4"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 18
    for column in range(3, HYP_YEAR_COLUMN + max(plan.years, 4)):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    return where


@dataclass
class PlRows:
    """Rows of the result lines of a « Compte de résultat » sheet (for tests and the comparison)."""

    revenue_ht: list[int] = field(default_factory=list)
    revenue_vat: list[int] = field(default_factory=list)
    charge_ht: list[int] = field(default_factory=list)
    charge_vat: list[int] = field(default_factory=list)
    charge_counted: list[int] = field(default_factory=list)
    revenues: int = 0
    charges: int = 0
    balance: int = 0
    cumulative: int = 0
    break_even_occupancy: int = 0
    break_even_year: str = ""  # the cell of the break-even year


class _PlWriter:
    """Writes one scenario's P&L sheet, section after section."""

    def __init__(self, sheet: Worksheet, plan: PlanInput, where: _Hypotheses) -> None:
        self.sheet = sheet
        self.plan = plan
        self.where = where
        self.row = 1
        self.years = range(1, plan.years + 1)

    def column(self, year: int) -> int:
        return PL_YEAR_COLUMN + year - 1

    def line(
        self, label: str, kind: str, formula, number_format: str = EUROS, bold: bool = False
    ) -> int:
        """One row: `formula(year, column_letter)` gives each year's formula."""
        row = self.row
        _text(self.sheet, row, 1, label, BOLD if bold else None)
        _text(self.sheet, row, 2, kind)
        for year in self.years:
            letter = get_column_letter(self.column(year))
            _put(self.sheet, row, self.column(year), "=" + formula(year, letter), number_format)
        self.row += 1
        return row

    def heading(self, text: str) -> None:
        self.row += 1
        _heading(self.sheet, self.row, text)
        self.row += 1

    def total(self, label: str, rows: list[int]) -> int:
        def formula(year: int, letter: str) -> str:
            if not rows:
                return "0"
            return f"ROUND(SUM({letter}{rows[0]}:{letter}{rows[-1]}),2)"

        return self.line(label, "", formula, bold=True)


def _pl_sheet(
    book: Workbook, plan: PlanInput, where: _Hypotheses, scenario: Scenario, title: str
) -> PlRows:
    sheet = book.create_sheet(pl_sheet_title(scenario))
    out = PlRows()
    w = _PlWriter(sheet, plan, where)
    liable = where.liable
    _text(sheet, 1, 1, f"{title} – scénario {SCENARIO_LABELS[scenario]}", TITLE)
    sheet.cell(
        row=2,
        column=1,
        value="Chaque montant est une formule sur la feuille « Hypothèses » : "
        "modifiez les hypothèses, le compte se recalcule.",
    )
    _header(sheet, 4, ["Poste", "Nature"] + [f"Année {y}" for y in w.years])
    _text(sheet, 5, 1, "Année du plan")
    _text(sheet, 6, 1, "Année civile")
    for year in w.years:
        _put(sheet, 5, w.column(year), year)
        _put(
            sheet, 6, w.column(year), f"={where.first_year}+{get_column_letter(w.column(year))}5-1"
        )
    w.row = 7

    # Units sold and product revenues.
    w.heading("Unités vendues")
    unit_rows = []
    for product, hyp_row in zip(plan.products, where.product_rows, strict=True):
        occupancy_row = where.occupancy_rows[(scenario, product.pool)]

        def units(
            year: int, letter: str, hyp_row=hyp_row, pool=product.pool, occupancy_row=occupancy_row
        ) -> str:
            return (
                f"{where.pool_capacity[pool]}*{where.at(6, hyp_row)}*{where.at(7, hyp_row)}"
                f"*{where.year(occupancy_row, year)}"
            )

        unit_rows.append(w.line(product.label, PRODUCT_KIND, units, UNITS))

    w.heading("Recettes HT")
    for hyp_row, unit_row, product in zip(
        where.product_rows, unit_rows, plan.products, strict=True
    ):
        out.revenue_ht.append(
            w.line(
                product.label,
                PRODUCT_KIND,
                lambda year, letter, hyp_row=hyp_row, unit_row=unit_row: _round(
                    f"{letter}{unit_row}*{where.at(5, hyp_row)}"
                ),
            )
        )
    for line, hyp_row in zip(plan.revenues, where.revenue_rows, strict=True):
        out.revenue_ht.append(
            w.line(
                line.label,
                str(line.kind),
                lambda year, letter, hyp_row=hyp_row: where.year(hyp_row, year),
            )
        )
    revenue_ht_total = w.total("Total des recettes HT", out.revenue_ht)

    w.heading("TVA collectée (nulle si l'exploitant n'est pas assujetti)")
    revenue_rate_rows = [where.at(3, r) for r in where.product_rows + where.revenue_rows]
    for ht_row, rate, label in zip(
        out.revenue_ht,
        revenue_rate_rows,
        [p.label for p in plan.products] + [r.label for r in plan.revenues],
        strict=True,
    ):
        out.revenue_vat.append(
            w.line(
                label,
                "TVA",
                lambda year, letter, ht_row=ht_row, rate=rate: (
                    f"IF({liable},{_round(f'{letter}{ht_row}*{rate}')},0)"
                ),
            )
        )
    w.heading("Recettes TTC")
    ttc_rows = [
        w.line(label, "TTC", lambda year, letter, a=a, b=b: f"{letter}{a}+{letter}{b}")
        for a, b, label in zip(
            out.revenue_ht,
            out.revenue_vat,
            [p.label for p in plan.products] + [r.label for r in plan.revenues],
            strict=True,
        )
    ]
    w.total("Total des recettes TTC", ttc_rows)

    # Charges: entered lines, amortisation, operator fee.
    w.heading("Charges HT")
    charge_labels: list[str] = []
    charge_rates: list[str] = []
    for line, hyp_row in zip(plan.charges, where.charge_rows, strict=True):
        out.charge_ht.append(
            w.line(
                line.label,
                str(line.kind),
                lambda year, letter, hyp_row=hyp_row: where.year(hyp_row, year),
            )
        )
        charge_labels.append(line.label)
        charge_rates.append(where.at(3, hyp_row))
    amortisation_rows: list[tuple[int, int]] = []  # (HT row, hypothesis row)
    for investment, hyp_row in zip(plan.investments, where.investment_rows, strict=True):
        label = f"Amortissement – {investment.label}"
        amount = where.at(2, hyp_row)
        row = w.line(
            label,
            AMORTISATION_KIND,
            lambda year, letter, amount=amount, hyp_row=hyp_row: _amortisation(
                amount, where, hyp_row, letter
            ),
        )
        out.charge_ht.append(row)
        amortisation_rows.append((row, hyp_row))
        charge_labels.append(label)
        charge_rates.append(where.at(3, hyp_row))
    has_fee = plan.operator_fee is not None
    product_rows_ht = out.revenue_ht[: len(plan.products)]
    other_rows_ht = out.revenue_ht[len(plan.products) :]
    if plan.operator_fee is not None:
        fee_share = where.at(2, where.fee_row)

        def fee_base_formula(letter: str) -> str:
            parts = [f"{letter}{r}" for r in product_rows_ht] + [
                f"{letter}{r}"
                for r, line in zip(other_rows_ht, plan.revenues, strict=True)
                if line.kind != RevenueKind.SUBSIDY
            ]
            return "+".join(parts) or "0"

        out.charge_ht.append(
            w.line(
                plan.operator_fee.label,
                ChargeKind.OPERATOR_FEE.value,
                lambda year, letter: _round(f"{fee_share}*({fee_base_formula(letter)})"),
            )
        )
        charge_labels.append(plan.operator_fee.label)
        charge_rates.append(where.at(3, where.fee_row))
    w.total("Total des charges HT", out.charge_ht)

    w.heading("TVA sur les charges")
    amortisation_by_row = dict(amortisation_rows)
    for ht_row, rate, label in zip(out.charge_ht, charge_rates, charge_labels, strict=True):
        if ht_row in amortisation_by_row:
            hyp_row = amortisation_by_row[ht_row]
            ttc_amount = f"({where.at(2, hyp_row)}+{_round(f'{where.at(2, hyp_row)}*{rate}')})"

            def formula(year, letter, ht_row=ht_row, ttc_amount=ttc_amount, hyp_row=hyp_row):
                # VAT of an amortisation: the TTC amount amortised, minus the HT one.
                return _amortisation(ttc_amount, where, hyp_row, letter) + f"-{letter}{ht_row}"
        else:

            def formula(year, letter, ht_row=ht_row, rate=rate):
                return _round(f"{letter}{ht_row}*{rate}")

        out.charge_vat.append(w.line(label, "TVA", formula))
    w.heading("Charges TTC")
    charge_ttc = [
        w.line(label, "TTC", lambda year, letter, a=a, b=b: f"{letter}{a}+{letter}{b}")
        for a, b, label in zip(out.charge_ht, out.charge_vat, charge_labels, strict=True)
    ]
    w.total("Total des charges TTC", charge_ttc)
    w.heading("Charges retenues (HT si assujetti, sinon TTC : la TVA n'est pas récupérée)")
    for ht_row, ttc_row, label in zip(out.charge_ht, charge_ttc, charge_labels, strict=True):
        out.charge_counted.append(
            w.line(
                label,
                "retenu",
                lambda year, letter, a=ht_row, b=ttc_row: f"IF({liable},{letter}{a},{letter}{b})",
            )
        )

    w.heading("Résultat")
    out.revenues = w.line(
        "Recettes retenues (HT)", "", lambda year, letter: f"{letter}{revenue_ht_total}", bold=True
    )
    out.charges = w.total("Charges retenues", out.charge_counted)
    out.balance = w.line(
        "Résultat de l'année",
        "",
        lambda year, letter: f"ROUND({letter}{out.revenues}-{letter}{out.charges},2)",
        bold=True,
    )

    def cumulative(year: int, letter: str) -> str:
        if year == 1:
            return f"{letter}{out.balance}"
        previous = get_column_letter(w.column(year) - 1)
        return f"ROUND({previous}{w.row}+{letter}{out.balance},2)"

    out.cumulative = w.line("Résultat cumulé", "", cumulative, bold=True)
    reached = w.line(
        "Équilibre atteint (année du plan)",
        "",
        lambda year, letter: f'IF({letter}{out.balance}>=0,{letter}5,"")',
        "0",
    )
    out.break_even_occupancy = w.line(
        "Taux d'occupation d'équilibre",
        "",
        lambda year, letter: _break_even(plan, where, out, letter, other_rows_ht, has_fee),
        PERCENT,
    )
    w.row += 1
    _text(sheet, w.row, 1, "Année d'équilibre (première année au résultat positif ou nul)", BOLD)
    first, last = get_column_letter(w.column(1)), get_column_letter(w.column(plan.years))
    _put(
        sheet,
        w.row,
        PL_YEAR_COLUMN,
        f'=IF(COUNT({first}{reached}:{last}{reached})=0,"Aucune",MIN({first}{reached}:{last}{reached}))',
        "0",
    )
    out.break_even_year = f"{get_column_letter(PL_YEAR_COLUMN)}{w.row}"

    sheet.freeze_panes = "C7"
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 14
    for year in w.years:
        sheet.column_dimensions[get_column_letter(w.column(year))].width = 15
    return out


def _amortisation(amount: str, where: _Hypotheses, hyp_row: int, letter: str) -> str:
    """amount ÷ years from the first year, the last year taking the remainder (engine's rule)."""
    first, years = where.at(4, hyp_row), where.at(5, hyp_row)
    year = f"{letter}$5"
    share = _round(f"{amount}/{years}")
    return (
        f"IF(OR({year}<{first},{year}>{first}+{years}-1),0,"
        f"IF({year}={first}+{years}-1,{amount}-({years}-1)*{share},{share}))"
    )


def _break_even(
    plan: PlanInput,
    where: _Hypotheses,
    out: PlRows,
    letter: str,
    other_rows: list[int],
    has_fee: bool,
) -> str:
    """t = (C + k·B − O) ÷ (P·(1 − k)): engine._break_even_occupancy, as a formula."""
    full = (
        "+".join(
            f"{where.pool_capacity[p.pool]}*{where.at(6, r)}*{where.at(7, r)}*{where.at(5, r)}"
            for p, r in zip(plan.products, where.product_rows, strict=True)
        )
        or "0"
    )
    others = "+".join(f"{letter}{r}" for r in other_rows) or "0"
    if has_fee:
        base = (
            "+".join(
                f"{letter}{r}"
                for r, line in zip(other_rows, plan.revenues, strict=True)
                if line.kind != RevenueKind.SUBSIDY
            )
            or "0"
        )
        fee_rate = where.at(3, where.fee_row)
        k = f"({where.at(2, where.fee_row)}*IF({where.liable},1,1+{fee_rate}))"
        charges = f"({letter}{out.charges}-{letter}{out.charge_counted[-1]})"
    else:
        base, k, charges = "0", "0", f"{letter}{out.charges}"
    slope = f"(({full})*(1-{k}))"
    return f'IF({slope}<=0,"",MAX(0,({charges}+{k}*({base})-({others}))/{slope}))'


def _comparison_sheet(book: Workbook, plan: PlanInput, rows: dict[Scenario, PlRows]) -> None:
    sheet = book.create_sheet(COMPARISON)
    _heading(sheet, 1, "Comparaison des scénarios")
    _header(sheet, 3, ["Scénario", "Ligne"] + [f"Année {y}" for y in range(1, plan.years + 1)])
    row = 4
    for what, attribute in (("Résultat de l'année", "balance"), ("Résultat cumulé", "cumulative")):
        for scenario in Scenario:
            _text(sheet, row, 1, SCENARIO_LABELS[scenario])
            _text(sheet, row, 2, what)
            source = getattr(rows[scenario], attribute)
            for year in range(1, plan.years + 1):
                column = PL_YEAR_COLUMN + year - 1
                _put(
                    sheet, row, column, f"={_ref(pl_sheet_title(scenario), column, source)}", EUROS
                )
            row += 1
    for scenario in Scenario:
        _text(sheet, row, 1, SCENARIO_LABELS[scenario])
        _text(sheet, row, 2, "Année d'équilibre")
        column, line = rows[scenario].break_even_year[0], rows[scenario].break_even_year[1:]
        _put(sheet, row, PL_YEAR_COLUMN, f"='{pl_sheet_title(scenario)}'!${column}${line}", "0")
        row += 1
    sheet.freeze_panes = "C4"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 22
    for year in range(1, plan.years + 1):
        sheet.column_dimensions[get_column_letter(PL_YEAR_COLUMN + year - 1)].width = 15


def _realised_sheet(
    book: Workbook, plan: PlanInput, where: _Hypotheses, central: PlRows, realised: dict
) -> None:
    """What happened (values typed or imported), beside the central plan (formulas)."""
    sheet = book.create_sheet(REALISED)
    _heading(sheet, 1, "Réalisé comparé au scénario central")
    _header(sheet, 3, ["Ligne", "Nature"] + [f"Année {y}" for y in range(1, plan.years + 1)])
    central_sheet = pl_sheet_title(Scenario.CENTRAL)
    row = 5
    _heading(sheet, row - 1, "Recettes HT réalisées")
    keys = [p.key for p in plan.products]
    labels = {p.key: p.label for p in plan.products}
    for year_data in realised.values():
        for key in year_data.get("recettes", {}):
            if key not in labels:
                keys.append(key)
                labels[key] = key
    first = row
    for key in keys:
        _text(sheet, row, 1, labels[key])
        _text(sheet, row, 2, "réalisé")
        for year in range(1, plan.years + 1):
            cents = realised.get(year, {}).get("recettes", {}).get(key)
            if cents is not None:
                _put(sheet, row, PL_YEAR_COLUMN + year - 1, _euros(cents), EUROS)
        row += 1
    total = row
    _text(sheet, row, 1, "Total réalisé des produits", BOLD)
    planned = row + 1
    _text(sheet, planned, 1, "Prévu (scénario central)", BOLD)
    gap = row + 2
    _text(sheet, gap, 1, "Écart (réalisé − prévu)", BOLD)
    product_rows = central.revenue_ht[: len(plan.products)]
    for year in range(1, plan.years + 1):
        column = PL_YEAR_COLUMN + year - 1
        letter = get_column_letter(column)
        _put(sheet, total, column, f"=SUM({letter}{first}:{letter}{max(row - 1, first)})", EUROS)
        plan_sum = "+".join(_ref(central_sheet, column, r) for r in product_rows) or "0"
        _put(sheet, planned, column, f"={plan_sum}", EUROS)
        _put(sheet, gap, column, f"={letter}{total}-{letter}{planned}", EUROS)
    row = gap + 2
    _heading(sheet, row, "Occupation réalisée")
    row += 1
    for pool in Pool:
        _text(sheet, row, 1, f"Occupation des {POOL_LABELS[pool]}")
        _text(sheet, row, 2, "réalisée")
        occupancy_row = where.occupancy_rows.get((Scenario.CENTRAL, pool))
        _text(sheet, row + 1, 1, f"Prévue (central) – {POOL_LABELS[pool]}")
        _text(sheet, row + 1, 2, "prévue")
        for year in range(1, plan.years + 1):
            column = PL_YEAR_COLUMN + year - 1
            rate = realised.get(year, {}).get("occupation", {}).get(pool)
            if rate is not None:
                _put(sheet, row, column, rate, PERCENT)
            if occupancy_row is not None:
                _put(sheet, row + 1, column, f"={where.year(occupancy_row, year)}", PERCENT)
        row += 2
    sheet.freeze_panes = "C4"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 12


def plan_workbook(plan: PlanInput, *, title: str, realised: dict | None = None) -> bytes:
    """The XLSX of `plan`: hypotheses, one P&L of formulas per scenario, the comparison.

    `realised` (optional), per plan year (1-based): {"recettes": {product key: cents HT},
    "occupation": {Pool: rate 0..1}}, values written on a « Réalisé » sheet beside the central
    plan. Raises the first PlanError of an invalid plan, as plan_compute does.
    """
    errors = plan_check(plan)
    if errors:
        raise errors[0]
    book = Workbook()
    book.remove(book.active)
    where = _hypotheses_sheet(book, plan, title)
    rows = {scenario: _pl_sheet(book, plan, where, scenario, title) for scenario in Scenario}
    _comparison_sheet(book, plan, rows)
    if realised:
        _realised_sheet(book, plan, where, rows[Scenario.CENTRAL], realised)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_rows(plan: PlanInput) -> dict[Scenario, PlRows]:
    """Where each result line sits on the P&L sheets of `plan_workbook(plan)` (same layout)."""
    book = Workbook()
    book.remove(book.active)
    where = _hypotheses_sheet(book, plan, "")
    return {scenario: _pl_sheet(book, plan, where, scenario, "") for scenario in Scenario}
