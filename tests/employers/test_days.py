"""Days of budget: a day counts 1, a half-day or hours 0.5, and one local day at most 1."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from maillage.employers.forms import month_from_text
from maillage.employers.selectors import days_label, days_used

UNITS = st.sampled_from(["day", "half_day", "hour"])
# 07:00 UTC is 08:00 or 09:00 in Paris: the same local day as the UTC date.
STARTS = st.integers(0, 60).map(lambda n: datetime(2026, 12, 1, 7, tzinfo=UTC) + timedelta(days=n))


@given(st.lists(st.tuples(STARTS, UNITS), max_size=30))
def test_days_used_is_between_half_and_one_per_local_day(rows):
    days = {start.date() for start, _ in rows}
    used = days_used(rows)
    assert Decimal("0.5") * len(days) <= used <= len(days)
    assert used * 2 == int(used * 2)


def test_days_used_examples():
    tuesday = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert days_used([(tuesday, "half_day"), (tuesday, "half_day")]) == 1
    assert days_used([(tuesday, "day"), (tuesday, "hour")]) == 1
    assert days_used([(tuesday, "hour"), (tuesday + timedelta(days=1), "half_day")]) == 1
    # 23:30 UTC on 1 December is 00:30 on the 2nd in Paris: another day.
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert days_used([(tuesday, "half_day"), (late, "half_day")]) == 1
    assert days_used([(tuesday, "day"), (late, "day")]) == 2
    assert [days_label(Decimal(v)) for v in ("0", "0.5", "1", "1.5", "2", "12")] == [
        "0 jour",
        "0,5 jour",
        "1 jour",
        "1,5 jour",
        "2 jours",
        "12 jours",
    ]


def test_month_from_text_is_bounded():
    default = date(2026, 12, 1)
    assert month_from_text("2026-11", default) == date(2026, 11, 1)
    for text in (None, "", "2026-13", "1999-12", "2101-01", "abcd-ef", "2026-1", "x" * 10_000):
        assert month_from_text(text, default) == default
