"""Splitting a range of days into whole years, whole months and single days: the grains
the summary rows are kept at, so a sum over any range reads few rows. The stage moves are
also kept over all time (``ALL``), so "everything up to a day" can be read as everything
less what came after it (the open dossiers too)."""

from __future__ import annotations

from datetime import date, timedelta

YEAR, MONTH, DAY, ALL = "y", "m", "d", "a"
ALL_TIME = date(1, 1, 1)  # the period start of the all-time rows


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


# sign (1 or -1), grain, from (None: from the first), to (None: to the last)
Piece = tuple[int, str, date | None, date | None]

# Rough rows read per unit and code for one period of each grain: a year and a month are one
# row each, a day has a row only on days something happened; a branch costs a little too.
_ROWS = {YEAR: 1.0, MONTH: 1.0, DAY: 0.3, ALL: 1.0}
_BRANCH = 0.1
_OPEN_YEARS = 5.0  # "every year before": the same in every way of reading a range
_LATER_YEARS = 1.0  # "every year after": usually none


def _periods(grain: str, start: date | None, end: date | None) -> float:
    if grain == ALL:
        return 1
    if start is None:
        return _OPEN_YEARS
    if end is None:
        return _LATER_YEARS
    if grain == YEAR:
        return end.year - start.year + 1
    if grain == MONTH:
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return (end - start).days + 1


def _cost(parts: list[Piece]) -> float:
    return sum(_BRANCH + _ROWS[grain] * _periods(grain, start, end)
               for _sign, grain, start, end in parts)


def signed_pieces(first: date | None, last: date, coarsest: str = YEAR,
                  everything: bool = False) -> list[Piece]:
    """``[first, last]`` read from the fewest rows: either its own ``pieces``, or those of a
    wider range (its ends moved out to the start or end of their month or year) less the
    pieces of the days added. Up to 15 December is the year's one row less the rows of the
    16th to the 31st (none, when nothing is dated after the day) instead of eleven months
    and fifteen days. With ``coarsest`` ``MONTH`` no year is read and a range is widened
    within its months only, so every row still falls in the month of the days it counts.
    A range from the beginning may also be read as the all-time row less the pieces after
    ``last`` (``everything``: only the stage moves and the open dossiers have all-time
    rows)."""
    if first is not None and first > last:
        return []
    starts: list[date | None] = [first]
    ends = [last, _next_month(last) - timedelta(days=1)]
    if first is not None:
        starts.append(first.replace(day=1))
    if coarsest == YEAR:
        ends.append(date(last.year, 12, 31))
        if first is not None:
            starts.append(date(first.year, 1, 1))
    best: list[Piece] | None = None
    for start in dict.fromkeys(starts):
        for end in dict.fromkeys(ends):
            parts = [(1, *piece) for piece in pieces(start, end, coarsest)]
            if start is not None and start < first:
                parts += [(-1, *piece) for piece in pieces(start, first - timedelta(days=1), coarsest)]
            if end > last:
                parts += [(-1, *piece) for piece in pieces(last + timedelta(days=1), end, coarsest)]
            if best is None or _cost(parts) < _cost(best):
                best = parts
    if first is None and everything:
        parts = [(1, ALL, ALL_TIME, ALL_TIME)]
        parts += [(-1, *piece) for piece in pieces(last + timedelta(days=1), date(last.year, 12, 31))]
        parts.append((-1, YEAR, date(last.year + 1, 1, 1), None))
        if _cost(parts) < _cost(best):
            best = parts
    return best
