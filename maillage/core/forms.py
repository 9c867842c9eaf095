"""Form fields shared by the apps: numbers typed the French way (« 0,35 », « 1 234,5 »)."""

import math
import re

from django import forms

# Digits with a comma or a point as decimal mark, thousands grouped by spaces (ordinary,
# no-break or narrow no-break, as a French spreadsheet or our own pages write them), an
# optional exponent; the minus sign may be the typographic one (U+2212) our pages print.
_FRENCH_NUMBER = re.compile(
    r"^[+-]?(?:(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$", re.ASCII
)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})
INVALID_NUMBER = "« %(value)s » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."


def parse_french_number(text: str) -> float:
    """`« 1 234,5 »` → 1234.5; `0,35`, `0.35`, `−2` and `1e3` too. Raises `ValueError` on
    anything else (« 1,234,5 », « 12 34 », « abc », an empty text), never a guess."""
    cleaned = text.translate(_SPACES).strip()
    if not _FRENCH_NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned.replace(" ", "").replace(",", "."))


def french_number_text(value: float | int) -> str:
    """The value as a person types it back: 0.35 → « 0,35 », 15.0 → « 15 »."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).replace(".", ",")


class FrenchDecimalField(forms.FloatField):
    """A number typed the French way: « 0,35 », « 12,5 », « 1 234,5 » (a point works too).

    A text input (a number input would refuse the comma in some browsers and show a point),
    with the decimal keyboard on phones; bad text gets a French message naming what was typed;
    infinity and NaN are refused like any other non-number.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {"invalid": INVALID_NUMBER}
    # Longer text is not a number anyone typed (and is not echoed back whole).
    max_length_typed = 40

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            text = str(value)
            if len(text) > self.max_length_typed:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": text[:20]}
                )
            try:
                number = parse_french_number(text)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": text}
                ) from None
        if not math.isfinite(number):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return number

    def widget_attrs(self, widget):
        # FloatField adds `step="any"` and min/max for a number input; a text input takes none.
        return forms.Field.widget_attrs(self, widget)

    def prepare_value(self, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return french_number_text(value)
        return value
