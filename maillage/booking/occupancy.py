"""Counting seats over time: one sweep both refuses bookings and shows availability."""

from collections.abc import Iterable
from datetime import datetime


def peak_seats(bookings: Iterable[tuple[datetime, datetime, int]]) -> int:
    """Most seats held at the same instant by these half-open intervals [start, end)."""
    events = []
    for start, end, seats in bookings:
        events.append((start, 1, seats))
        events.append((end, 0, -seats))  # an end sorts before a start at the same instant
    peak = current = 0
    for _moment, _order, change in sorted(events):
        current += change
        peak = max(peak, current)
    return peak
