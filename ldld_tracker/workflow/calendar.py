"""Date arithmetic the Party's rules are written in: full months and working days."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from .rules import FIXED_HOLIDAYS


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31/01 + 1 -> 28/02)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def full_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``: 18 years is reached on the 18th birthday."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


@lru_cache(maxsize=8192)
def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (weekends and fixed holidays skipped).
    (Remembered: the due lists work out the deadlines of hundreds of rows per page.)"""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(extra):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for month, dom in FIXED_HOLIDAYS
        if start < date(year, month, dom) <= end and date(year, month, dom).weekday() < 5
    )
    return count - holidays
