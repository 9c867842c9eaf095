"""Numbers typed the French way in forms: « 0,35 », « 12,5 », « 1 234,5 »; garbage refused with
a French message, never an exception."""

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.forms import FrenchDecimalField, french_number_text, parse_french_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,35", 0.35),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),  # no-break space (spreadsheets)
        ("1\u202f234,5", 1234.5),  # narrow no-break space (our own pages)
        ("1 234 567", 1234567.0),
        ("\u22122,5", -2.5),  # the minus sign our pages print
        ("-0,5", -0.5),
        (",5", 0.5),
        (" 7 ", 7.0),
        ("1e3", 1000.0),
    ],
)
def test_french_numbers_are_read(text, value):
    assert parse_french_number(text) == value


@pytest.mark.parametrize(
    "text", ["", " ", "abc", "1,234,5", "1.234,5", "12 34", "1234 567", "e5", "nan", "inf", "--1"]
)
def test_anything_else_is_not_guessed(text):
    with pytest.raises(ValueError):
        parse_french_number(text)


class _Form(forms.Form):
    part = FrenchDecimalField(min_value=0, max_value=100)
    facultatif = FrenchDecimalField(required=False)


@pytest.mark.parametrize(
    ("typed", "value"), [("0,35", 0.35), ("12,5", 12.5), ("1 234,5", None), ("100", 100.0)]
)
def test_the_field_takes_commas_and_keeps_its_bounds(typed, value):
    form = _Form({"part": typed})
    if value is None:
        assert form.errors == {
            "part": ["Assurez-vous que cette valeur est inférieure ou égale à 100."]
        }
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"part": value, "facultatif": None}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("douze", "« douze » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."),
        ("1,2,3", "« 1,2,3 » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."),
        ("1e999", "« 1e999 » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."),
        (
            "9" * 400,
            f"« {'9' * 20} » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5.",
        ),
    ],
)
def test_garbage_gets_a_french_message_on_the_field(typed, message):
    form = _Form({"part": typed})
    assert form.errors == {"part": [message]}


def test_the_input_is_text_with_a_decimal_keyboard_and_shows_commas():
    html = str(_Form(initial={"part": 0.35, "facultatif": 15.0})["part"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'value="0,35"' in html
    assert 'value="15"' in str(_Form(initial={"facultatif": 15.0})["facultatif"])


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_shown_value_reads_back_as_itself(value):
    assert parse_french_number(french_number_text(value)) == value


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_field_error(text):
    form = _Form({"part": text})
    form.is_valid()  # never raises
    assert set(form.errors) <= {"part"}
