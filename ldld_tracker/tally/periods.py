"""Splitting a range of days into whole years, whole months and single days: the grains
the summary rows are kept at, so a sum over any range reads few rows."""

from __future__ import annotations

from datetime import date, timedelta

YEAR, MONTH, DAY = "y", "m", "d"


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def pieces(first: date | None, last: date, coarsest: str = YEAR) -> list[tuple[str, date | None, date]]:
    """``[first, last]`` as ``(grain, from, to)`` ranges of period starts: the days up to
    the next month, the months up to the next year, whole years, then months and days again.
    ``first`` None means from the beginning (everything before ``last``'s year is read as
    years). With ``coarsest`` ``MONTH``, no year is read whole (for counts per month).
    An empty range (``first`` after ``last``) gives no piece."""
    result: list[tuple[str, date | None, date]] = []

    def add(grain: str, start: date | None, end: date) -> None:
        if result and result[-1][0] == grain:
            result[-1] = (grain, result[-1][1], end)
        else:
            result.append((grain, start, end))

    whole_years = coarsest == YEAR
    if first is None:
        if not whole_years:
            raise ValueError("an open range is read by whole years")
        if last.year > 1:
            add(YEAR, None, date(last.year - 1, 1, 1))
        day = date(last.year, 1, 1)
    else:
        day = first
    while day <= last:
        year_end = date(day.year, 12, 31)
        month_end = _next_month(day) - timedelta(days=1)
        if whole_years and day.month == 1 and day.day == 1 and year_end <= last:
            add(YEAR, day, day)
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and month_end <= last:
            add(MONTH, day, day)
            day = _next_month(day)
        else:
            add(DAY, day, day)
            day += timedelta(days=1)
    return result
