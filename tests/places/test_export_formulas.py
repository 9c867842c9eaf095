"""Formula injection: every CSV the platform writes neutralises text a spreadsheet would run.

The rule lives in `core.tables.csv_cell`; the booking and observatory downloads (`csv_bytes`) and
the open-data export of places (`opendata.export`) all go through it.
"""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.tables import csv_bytes, csv_cell, neutralise_formula, restore_formula
from maillage.places.opendata.export import export_csv, exported_places
from maillage.places.services import place_create
from tests.factories import place_data


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("- accueil libre", "'- accueil libre"),
        ("-", "'-"),
        ("+33 2 31 00 00 00", "'+33 2 31 00 00 00"),
        # Plain numbers are data: a spreadsheet reads them as numbers, never runs them.
        ("-1.5", "-1.5"),
        ("-0,354", "-0,354"),
        ("+33231000000", "+33231000000"),
        ("-1e-5", "-1e-5"),
        # Text that does not start with a formula character is left alone.
        ("La Fabrique = tiers-lieu", "La Fabrique = tiers-lieu"),
        ("", ""),
    ],
)
def test_neutralise_formula(text, written):
    assert neutralise_formula(text) == written
    assert restore_formula(written) == text


def test_restore_formula_keeps_other_apostrophes():
    assert restore_formula("'Chez nous'") == "'Chez nous'"
    assert restore_formula("'-1.5") == "'-1.5"  # a number is never neutralised, so not ours


def test_csv_cell_keeps_numbers_as_numbers():
    assert [csv_cell(v) for v in (-1.5, -3, None, "=1")] == ["-1.5", "-3", "", "'=1"]


def test_csv_bytes_neutralises_text_cells_not_numbers():
    body = csv_bytes(["nom", "longitude"], [["=cmd", -0.354], ["-0.354", "@x"]]).decode("utf-8")
    assert body == "\ufeffnom;longitude\r\n'=cmd;-0.354\r\n-0.354;'@x\r\n"


@pytest.mark.django_db
def test_open_data_csv_neutralises_names_and_keeps_coordinates():
    place_create(
        data=place_data(
            name='=HYPERLINK("http://pirate.example")',
            description="-accueil sans rendez-vous",
            phone="+33231000000",
        )
    )
    rows = list(csv.DictReader(io.StringIO(export_csv(exported_places()))))
    assert [(r["nom"], r["presentation_detail"], r["longitude"], r["telephone"]) for r in rows] == [
        (
            '\'=HYPERLINK("http://pirate.example")',
            "'-accueil sans rendez-vous",
            "-0.354",
            "+33231000000",
        )
    ]


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula_and_comes_back(text):
    written = neutralise_formula(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r")) or written == text
    if not text.startswith("'"):
        assert restore_formula(written) == text
