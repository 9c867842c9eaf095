"""The weekly hours editor: a week written in OSM syntax reads back as the same week, and the
project's parser opens the place exactly at those ranges; what the editor cannot show is left
alone."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillage.places import opening_hours
from maillage.places.forms import HoursEditorForm
from maillage.places.hours_editor import Week, WeekError, week_check, week_from_osm, week_to_osm

MONDAY = date(2025, 3, 10)  # an ordinary week: no French public holiday


@st.composite
def day_ranges(draw):
    """Zero to two ranges of whole minutes, the second after the first, within one day."""
    count = draw(st.integers(0, 2))
    cuts = sorted(
        draw(st.sets(st.integers(0, 23 * 60 + 59), min_size=2 * count, max_size=2 * count))
    )
    if count == 2 and cuts[2] == cuts[1]:
        return ()
    return tuple(
        (f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}")
        for a, b in zip(cuts[::2], cuts[1::2], strict=True)
    )


weeks = st.builds(Week, days=st.tuples(*[day_ranges()] * 7), holidays_closed=st.booleans()).filter(
    lambda week: any(week.days) or not week.holidays_closed
)


@given(weeks)
def test_week_round_trip_through_osm_syntax(week):
    expression = week_to_osm(week)
    assert week_from_osm(expression) == week
    # The project's parser agrees with the editor on every day of an ordinary week.
    for offset, ranges in enumerate(week.days):
        spans = opening_hours.open_spans(expression, MONDAY + timedelta(days=offset))
        assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in spans] == list(ranges)


def test_week_is_written_with_grouped_days():
    split = (("09:00", "12:00"), ("14:00", "18:00"))
    week = Week(
        days=(split, split, (), split, split, (("10:00", "12:00"),), ()), holidays_closed=True
    )
    assert week_to_osm(week) == "Mo-Tu,Th-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off"


@pytest.mark.parametrize(
    ("expression", "days", "holidays_closed"),
    [
        ("Mo-Fr 09:00-18:00; PH off", [(("09:00", "18:00"),)] * 5 + [()] * 2, True),
        (
            "mo-fr 09:00-18:00; We off",
            [(("09:00", "18:00"),)] * 2 + [()] + [(("09:00", "18:00"),)] * 2 + [()] * 2,
            False,
        ),
        (
            "Sa-Mo 10:00-12:00",
            [(("10:00", "12:00"),)] + [()] * 4 + [(("10:00", "12:00"),)] * 2,
            False,
        ),
        ("08:00-20:00", [(("08:00", "20:00"),)] * 7, False),
        ("", [()] * 7, False),
    ],
)
def test_readable_expressions(expression, days, holidays_closed):
    assert week_from_osm(expression) == Week(days=tuple(days), holidays_closed=holidays_closed)


@pytest.mark.parametrize(
    "expression",
    [
        "9h-18h",  # not OSM at all
        "Jan-Mar Mo-Fr 09:00-18:00",  # months
        'Mo-Fr 09:00-18:00 "sur rendez-vous"',  # comment
        "Mo 22:00-02:00",  # overnight
        "Mo 08:00-10:00,11:00-12:00,14:00-16:00",  # three ranges
        "Mo 09:00-12:00,12:00-14:00",  # touching ranges (the parser merges them)
        "Mo-Fr 09:00-18:00; PH 10:00-12:00",  # holiday hours
        "24/7",
    ],
)
def test_expressions_beyond_the_editor_are_not_read(expression):
    assert week_from_osm(expression) is None


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ((("12:00", "09:00"),), "Lundi : l'heure de fermeture doit suivre l'heure d'ouverture."),
        (
            (("09:00", "12:00"), ("11:00", "14:00")),
            "Lundi : la seconde plage doit commencer après la fin de la première.",
        ),
        (
            (("08:00", "09:00"), ("10:00", "11:00"), ("12:00", "13:00")),
            "Lundi : deux plages horaires au plus.",
        ),
    ],
)
def test_week_check_explains_in_french(day, message):
    with pytest.raises(WeekError) as error:
        week_check(Week(days=(day,) + ((),) * 6))
    assert str(error.value) == message


def editor_post(source: str, **days) -> dict:
    data = {"semaine-source": source}
    data.update({f"semaine-{name}": value for name, value in days.items()})
    return data


FULL_WEEK = {
    f"{day}_{part}": value
    for day in ("mo", "tu", "we", "th", "fr")
    for part, value in (("opens_1", "09:00"), ("closes_1", "18:00"))
}


class TestEditorForm:
    def test_day_fields_are_written_in_osm_syntax(self):
        form = HoursEditorForm(
            editor_post(
                "", **FULL_WEEK, sa_opens_1="09:00", sa_closes_1="12:00", holidays_closed="on"
            )
        )
        assert form.opening_hours("") == "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH off"

    def test_unchanged_editor_keeps_the_raw_spelling(self):
        raw = "Mo,Tu,We,Th,Fr 09:00-18:00"
        form = HoursEditorForm(editor_post(raw, **FULL_WEEK))
        assert form.opening_hours(raw) == raw

    def test_edited_raw_field_wins_over_the_editor(self):
        form = HoursEditorForm(
            editor_post("Mo-Fr 09:00-18:00", **FULL_WEEK, sa_opens_1="10:00", sa_closes_1="11:00")
        )
        assert form.opening_hours("Mo-Sa 08:00-20:00") == "Mo-Sa 08:00-20:00"

    def test_malformed_raw_hours_are_left_alone(self):
        raw = 'Mo-Fr 09:00-18:00 "sauf vacances scolaires"'
        assert HoursEditorForm(raw=raw).readable is False
        form = HoursEditorForm(editor_post(raw, mo_opens_1="10:00", mo_closes_1="11:00"))
        assert form.readable is False
        assert form.opening_hours(raw) == raw

    def test_closed_box_wins_over_its_times(self):
        form = HoursEditorForm(editor_post("", **FULL_WEEK, we_closed="on"))
        assert form.opening_hours("") == "Mo-Tu,Th-Fr 09:00-18:00"

    def test_half_filled_range_is_an_error(self):
        form = HoursEditorForm(editor_post("", mo_opens_1="09:00"))
        with pytest.raises(ValidationError) as error:
            form.opening_hours("")
        assert error.value.messages == ["Lundi : indiquez l'ouverture et la fermeture."]

    def test_initial_days_come_from_the_raw_hours(self):
        form = HoursEditorForm(raw="Mo 09:00-12:00,14:00-18:00; PH off")
        assert form["mo_opens_2"].value() == "14:00"
        assert form["mo_closed"].value() is False
        assert form["tu_closed"].value() is True
        assert form["holidays_closed"].value() is True

    def test_form_without_the_editor_keeps_the_raw_field(self):
        assert HoursEditorForm({"name": "x"}).opening_hours("Mo 09:00-10:00") == "Mo 09:00-10:00"
