"""The XLSX business plan: its formulas, evaluated by pycel, give plan_compute's figures."""

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pycel import ExcelCompiler

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
    Product,
    RevenueKind,
    Scenario,
    plan_compute,
)
from maillage.economics.workbook import (
    COMPARISON,
    HYPOTHESES,
    PL_YEAR_COLUMN,
    REALISED,
    pl_sheet_title,
    plan_workbook,
    workbook_rows,
)
from tests.economics.plans import four_year_plan


def compiled(tmp_path: Path, data: bytes, name: str = "plan.xlsx") -> ExcelCompiler:
    path = tmp_path / name
    path.write_bytes(data)
    return ExcelCompiler(filename=str(path))


def cents(value: float) -> int:
    """A cell in euros as cents, checking it holds a whole number of cents."""
    assert abs(value * 100 - round(value * 100)) < 1e-6, value
    return round(value * 100)


def column(year: int) -> str:
    return get_column_letter(PL_YEAR_COLUMN + year - 1)


def assert_workbook_equals_engine(excel: ExcelCompiler, plan: PlanInput) -> None:
    result = plan_compute(plan)
    rows = workbook_rows(plan)
    for scenario in Scenario:
        expected = result.scenarios[scenario]
        where = rows[scenario]
        sheet = pl_sheet_title(scenario)

        def value(row, year, sheet=sheet):
            return excel.evaluate(f"'{sheet}'!{column(year)}{row}")

        for year in range(1, plan.years + 1):
            i = year - 1
            got = [cents(value(r, year)) for r in where.revenue_ht]
            assert got == [line.ht_cents[i] for line in expected.revenue_lines]
            got = [cents(value(r, year)) for r in where.revenue_vat]
            assert got == [line.vat_cents[i] for line in expected.revenue_lines]
            got = [cents(value(r, year)) for r in where.charge_ht]
            assert got == [line.ht_cents[i] for line in expected.charge_lines]
            got = [cents(value(r, year)) for r in where.charge_vat]
            assert got == [line.vat_cents[i] for line in expected.charge_lines]
            got = [cents(value(r, year)) for r in where.charge_counted]
            assert got == [line.counted_cents[i] for line in expected.charge_lines]
            result_year = expected.years[i]
            assert cents(value(where.revenues, year)) == result_year.revenues_cents
            assert cents(value(where.charges, year)) == result_year.charges_cents
            assert cents(value(where.balance, year)) == result_year.balance_cents
            assert cents(value(where.cumulative, year)) == result_year.cumulative_cents
            occupancy = value(where.break_even_occupancy, year)
            if result_year.break_even_occupancy is None:
                assert occupancy == ""
            else:
                assert occupancy == pytest.approx(result_year.break_even_occupancy, abs=1e-12)
            comparison = excel.evaluate(
                f"'{COMPARISON}'!{column(year)}{4 + list(Scenario).index(scenario)}"
            )
            assert cents(comparison) == result_year.balance_cents
        year_cell = excel.evaluate(f"'{sheet}'!{where.break_even_year}")
        assert year_cell == (expected.break_even_year or "Aucune")


@pytest.mark.parametrize("vat_liable", [True, False])
def test_every_figure_of_the_hand_computed_plan_equals_the_engine(tmp_path, vat_liable):
    plan = four_year_plan(vat_liable=vat_liable)
    excel = compiled(tmp_path, plan_workbook(plan, title="Tiers-lieu de Vire"))
    assert_workbook_equals_engine(excel, plan)
    # Spot checks against the hand computation of test_engine.py.
    where = workbook_rows(plan)[Scenario.CENTRAL]
    central = pl_sheet_title(Scenario.CENTRAL)
    assert excel.evaluate(f"'{central}'!E{where.revenue_ht[2]}") == 8553.6  # mois, année 3
    balance_4 = excel.evaluate(f"'{central}'!F{where.balance}")
    assert balance_4 == (1043.54 if vat_liable else -4941.82)


def test_sheets_layout_and_formats():
    plan = four_year_plan()
    book = load_workbook(filename=io.BytesIO(plan_workbook(plan, title="Plan")))
    assert book.sheetnames == [
        "Hypothèses",
        "Compte de résultat – prudent",
        "Compte de résultat – central",
        "Compte de résultat – optimiste",
        "Comparaison",
    ]
    sheet = book["Compte de résultat – central"]
    assert sheet.freeze_panes == "C7"
    where = workbook_rows(plan)[Scenario.CENTRAL]
    cell = sheet[f"C{where.revenue_ht[0]}"]
    assert cell.value.startswith("=ROUND(ROUND(")
    assert cell.number_format == '#,##0.00\\ "€"'
    assert sheet[f"C{where.charges}"].value.startswith("=ROUND(SUM(")
    assert sheet[f"D{where.cumulative}"].value == f"=ROUND(C{where.cumulative}+D{where.balance},2)"
    assert sheet.column_dimensions["A"].width == 44
    assert book["Hypothèses"]["B5"].value == 4
    assert book["Hypothèses"]["B7"].value is True


def test_changing_an_hypothesis_changes_the_result(tmp_path):
    plan = four_year_plan()
    excel = compiled(tmp_path, plan_workbook(plan, title="Plan"))
    book = load_workbook(filename=io.BytesIO(plan_workbook(plan, title="Plan")))
    hypotheses = book[HYPOTHESES]
    # Find the price of the monthly subscription (column E of the product whose key is "mois").
    row = next(r for r in range(1, hypotheses.max_row + 1) if hypotheses.cell(r, 4).value == "mois")
    assert_workbook_equals_engine(excel, plan)  # pycel sets only cells it has evaluated
    excel.set_value(f"'{HYPOTHESES}'!E{row}", 200)  # 180 € → 200 €
    cheaper = dataclasses.replace(
        plan,
        products=tuple(
            dataclasses.replace(p, unit_price_ht_cents=20000) if p.key == "mois" else p
            for p in plan.products
        ),
    )
    assert_workbook_equals_engine(excel, cheaper)
    where = workbook_rows(plan)[Scenario.CENTRAL]
    central = pl_sheet_title(Scenario.CENTRAL)
    # 51,84 mois × 200 € = 10 368,00 € in year 4 (9 331,20 € at 180 €).
    assert excel.evaluate(f"'{central}'!F{where.revenue_ht[2]}") == 10368.0
    # The operator is no longer liable: charges count TTC.
    excel.set_value(f"'{HYPOTHESES}'!B7", False)
    assert_workbook_equals_engine(excel, dataclasses.replace(cheaper, vat_liable=False))


def test_texts_typed_by_people_stay_text(tmp_path):
    plan = four_year_plan()
    trap = '=HYPERLINK("https://example.org","clic")'
    charges = (AmountLine(trap, ChargeKind.OTHER, (100,) * 4, 2000), *plan.charges)
    plan = dataclasses.replace(plan, charges=charges)
    data = plan_workbook(plan, title="+33 Plan")
    book = load_workbook(filename=io.BytesIO(data))
    hypotheses = book[HYPOTHESES]
    assert (hypotheses["A1"].value, hypotheses["A1"].data_type) == ("+33 Plan", "s")
    found = [
        cell
        for row in hypotheses.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert [(c.value, c.data_type) for c in found] == [(trap, "s")]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    assert "<f>HYPERLINK" not in xml
    excel = compiled(tmp_path, data)
    assert_workbook_equals_engine(excel, plan)


def test_realised_sheet_beside_the_plan(tmp_path):
    plan = four_year_plan()
    realised = {
        1: {"recettes": {"journee": 300000, "mois": 500000}, "occupation": {Pool.SEATS: 0.28}},
        2: {"recettes": {"journee": 520000}, "occupation": {}},
    }
    data = plan_workbook(plan, title="Plan", realised=realised)
    book = load_workbook(filename=io.BytesIO(data))
    assert book.sheetnames[-1] == REALISED
    sheet = book[REALISED]
    assert sheet["A5"].value == "Journée"
    assert sheet["C5"].value == 3000.0
    assert sheet["D5"].value == 5200.0
    assert sheet["E5"].value is None  # year 3 not realised yet
    excel = compiled(tmp_path, data)
    total_row = 5 + len(plan.products)
    # Year 1: realised 3 000 + 5 000 = 8 000 €; planned (central) 19 475,20 €
    assert excel.evaluate(f"'{REALISED}'!C{total_row}") == 8000.0
    assert cents(excel.evaluate(f"'{REALISED}'!C{total_row + 1}")) == 1947520
    assert cents(excel.evaluate(f"'{REALISED}'!C{total_row + 2}")) == 800000 - 1947520
    occupancy_row = total_row + 5  # after the gap, a blank row and the heading
    assert sheet[f"A{occupancy_row}"].value == "Occupation des postes"
    assert excel.evaluate(f"'{REALISED}'!C{occupancy_row}") == 0.28
    assert excel.evaluate(f"'{REALISED}'!C{occupancy_row + 1}") == 0.30


def test_an_invalid_plan_gives_no_workbook():
    plan = dataclasses.replace(four_year_plan(), years=20)
    with pytest.raises(PlanError) as raised:
        plan_workbook(plan, title="Plan")
    assert raised.value.field == "annees"


# A generated plan: rates in whole percents and prices in cents, as the forms accept them.
percents = st.integers(min_value=0, max_value=100).map(lambda p: p / 100)
vat_rates = st.sampled_from(VAT_RATES_BP)


@st.composite
def plans(draw) -> PlanInput:
    years = draw(st.integers(min_value=1, max_value=5))
    pools = list(Pool)
    capacities = tuple(
        Capacity(pool, f"Capacité {pool.value}", draw(st.integers(min_value=1, max_value=40)))
        for pool in pools
    )
    products = []
    remaining = dict.fromkeys(pools, 100)
    for index in range(draw(st.integers(min_value=1, max_value=5))):
        pool = draw(st.sampled_from(pools))
        mix = draw(st.integers(min_value=0, max_value=remaining[pool]))
        remaining[pool] -= mix
        products.append(
            Product(
                key=f"p{index}",
                label=f"Produit {index}",
                pool=pool,
                unit_price_ht_cents=draw(st.integers(min_value=0, max_value=100_000)),
                vat_rate_bp=draw(vat_rates),
                units_per_capacity=draw(st.integers(min_value=1, max_value=1760)),
                mix=mix / 100,
            )
        )
    occupancy = {
        s: {pool: tuple(draw(percents) for _ in range(years)) for pool in pools} for s in Scenario
    }
    amounts = st.tuples(*[st.integers(min_value=0, max_value=5_000_000)] * years).filter(any)
    revenues = tuple(
        AmountLine(
            f"Recette {i}", draw(st.sampled_from(list(RevenueKind))), draw(amounts), draw(vat_rates)
        )
        for i in range(draw(st.integers(min_value=0, max_value=3)))
    )
    charges = tuple(
        AmountLine(
            f"Charge {i}", draw(st.sampled_from(list(ChargeKind))), draw(amounts), draw(vat_rates)
        )
        for i in range(draw(st.integers(min_value=0, max_value=4)))
    )
    investments = tuple(
        Investment(
            f"Investissement {i}",
            draw(st.integers(min_value=1, max_value=20_000_000)),
            draw(vat_rates),
            draw(st.integers(min_value=1, max_value=years)),
            draw(st.integers(min_value=1, max_value=10)),
        )
        for i in range(draw(st.integers(min_value=0, max_value=2)))
    )
    fee = draw(st.none() | st.builds(OperatorFee, st.just("Exploitant"), percents, vat_rates))
    return PlanInput(
        years=years,
        first_year=2027,
        vat_liable=draw(st.booleans()),
        capacities=capacities,
        products=tuple(products),
        occupancy=occupancy,
        revenues=revenues,
        charges=charges,
        investments=investments,
        operator_fee=fee,
    )


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=plans())
def test_a_generated_plan_workbook_equals_the_engine(tmp_path, plan):
    excel = compiled(tmp_path, plan_workbook(plan, title="Plan"), name="generated.xlsx")
    assert_workbook_equals_engine(excel, plan)
