from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.places.opening_hours import (
    OpeningHoursError,
    describe_fr,
    is_open,
    next_change,
    validate,
    week_table_fr,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("Mo-Fr 09:00-18:00", "Mo-Fr 09:00-18:00"),
        ("  mo-fr 09:00-18:00 ", "Mo-Fr 09:00-18:00"),
        ("24/7", "24/7"),
        ("", ""),
        (
            "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
            "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
        ),
    ],
)
def test_validate_accepts_osm_syntax(given_text, expected):
    assert validate(given_text) == expected


@pytest.mark.parametrize(
    "bad", ["Mo-Fr 9h-18h", "lundi 9-12", "Mo-Fr 25:00-26:00", "n'importe quoi"]
)
def test_validate_refuses_malformed_hours_with_french_message(bad):
    with pytest.raises(OpeningHoursError, match=r"Horaires illisibles.*Exemple attendu"):
        validate(bad)


@pytest.mark.parametrize(
    ("expression", "lines"),
    [
        (
            "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
            ["Du lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30", "Samedi : 8 h 30 – 12 h"],
        ),
        ("24/7", ["Ouvert 24 h/24, 7 j/7"]),
        ("Tu,Th 14:00-19:00", ["Mardi et jeudi : 14 h – 19 h"]),
        (
            "Mo-Fr 08:00-18:00; PH off",
            ["Du lundi au vendredi : 8 h – 18 h", "Fermé les jours fériés"],
        ),
        ("Mo,We-Fr 10:00-17:00", ["Lundi et du mercredi au vendredi : 10 h – 17 h"]),
        ("Jul-Aug Mo-Fr 10:00-12:00", ["Horaires : Jul-Aug Mo-Fr 10:00-12:00"]),
        ("", []),
    ],
)
def test_describe_fr(expression, lines):
    assert describe_fr(expression) == lines


def test_is_open_in_paris_time():
    hours = "Mo-Fr 09:00-18:00"
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 9:30 in Paris (UTC+1)
    assert is_open(hours, monday) is True
    assert is_open(hours, datetime(2026, 11, 23, 17, 30, tzinfo=UTC)) is False  # 18:30 Paris
    assert is_open(hours, datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)) is False  # Saturday
    assert is_open("", monday) is None


def test_is_open_closed_on_french_public_holiday():
    assert (
        is_open("Mo-Fr 09:00-18:00; PH off", datetime(2026, 11, 11, 10, 0, tzinfo=PARIS)) is False
    )
    assert is_open("Mo-Fr 09:00-18:00", datetime(2026, 11, 11, 10, 0, tzinfo=PARIS)) is True


def test_is_open_across_dst_changes():
    night = "Mo-Su 01:00-04:00"
    # 29 March 2026: clocks jump from 2:00 to 3:00; 01:30 UTC is 03:30 CEST.
    assert is_open(night, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) is True
    assert is_open(night, datetime(2026, 3, 29, 2, 30, tzinfo=UTC)) is False  # 04:30 CEST
    # 25 October 2026: 2:00–3:00 happens twice; both 02:30 are inside 01:00-04:00.
    assert is_open(night, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) is True  # 02:30 CEST
    assert is_open(night, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) is True  # 02:30 CET
    assert is_open(night, datetime(2026, 10, 25, 3, 30, tzinfo=UTC)) is False  # 04:30 CET


def test_next_change():
    change = next_change("Mo-Fr 09:00-18:00", datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert change == datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


def test_week_table_fr_follows_the_expression_and_holidays():
    table = week_table_fr("Mo-Fr 09:00-12:00,14:00-18:30; PH off", date(2026, 11, 11))
    assert table == [
        ("Lundi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Mardi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Mercredi", "Fermé"),  # 11 novembre
        ("Jeudi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Vendredi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Samedi", "Fermé"),
        ("Dimanche", "Fermé"),
    ]
    assert week_table_fr("24/7", date(2026, 11, 23))[0] == ("Lundi", "0 h – 24 h")
    assert week_table_fr("", date(2026, 11, 23))[0] == ("Lundi", "Non renseigné")


_day = st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])


@st.composite
def simple_rules(draw):
    first = draw(st.integers(0, 6))
    last = draw(st.integers(first, 6))
    days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    start = draw(st.integers(0, 22))
    end = draw(st.integers(start + 1, 23))
    span = days[first] if first == last else f"{days[first]}-{days[last]}"
    return f"{span} {start:02d}:00-{end:02d}:30"


@given(st.lists(simple_rules(), min_size=1, max_size=3))
def test_generated_expressions_validate_and_describe(rules):
    expression = "; ".join(rules)
    assert validate(expression)
    lines = describe_fr(expression)
    assert len(lines) == len(rules)
    assert all(line[0].isupper() and " h" in line for line in lines)
