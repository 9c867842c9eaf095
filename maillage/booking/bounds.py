"""The span of days the booking pages and API accept: far enough for any real booking, close
enough that a day ± a week or a timezone shift stays a valid date (9999-12-31 or 0001-01-01
otherwise overflow Python's dates, a server error instead of a message)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from pydantic import Field

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2100."

# For ninja schemas and parameters: a date outside the span is a 422 on its field.
BookingDay = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def day_from_text(text: str | None) -> date | None:
    """A YYYY-MM-DD day typed in a query string, None when unreadable or outside the span."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if day_in_range(day) else None


class BookingDateField(forms.DateField):
    """A form date within the span, with the French message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_DAY, message=OUT_OF_RANGE),
            MaxValueValidator(LATEST_DAY, message=OUT_OF_RANGE),
        ]


def id_from_text(text: str | None) -> int | None:
    """A row id posted or typed in a query string; None unless a positive 64-bit integer."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value < 2**63 else None


def uuid_from_text(text: str | None) -> UUID | None:
    """A public id (UUID) posted by a form; None when absent or unreadable."""
    try:
        return UUID((text or "").strip())
    except ValueError:
        return None
