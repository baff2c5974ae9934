"""Where the year's target should stand on a given day, and where the year will end.

Pure date arithmetic, no queries: an even pace over the days of the year, or the plan's
monthly profile (cumulative per cent at the end of each month) when the board set one.
"""

from __future__ import annotations

import calendar
from datetime import date


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def elapsed_share(year: int, as_of: date) -> float:
    """Share of ``year`` that has passed at the end of ``as_of`` (0 before, 1 after)."""
    if as_of < date(year, 1, 1):
        return 0.0
    if as_of >= date(year, 12, 31):
        return 1.0
    return ((as_of - date(year, 1, 1)).days + 1) / _days_in_year(year)


def expected_share(year: int, as_of: date, profile: list[int] | None = None) -> float:
    """Share of the target expected by ``as_of``: even, or following the monthly profile
    (linear within a month)."""
    if not profile:
        return elapsed_share(year, as_of)
    if as_of < date(year, 1, 1):
        return 0.0
    if as_of >= date(year, 12, 31):
        return profile[11] / 100
    month = as_of.month
    before = profile[month - 2] if month > 1 else 0
    within = as_of.day / calendar.monthrange(year, month)[1]
    return (before + (profile[month - 1] - before) * within) / 100


def expected(target: int | None, year: int, as_of: date,
             profile: list[int] | None = None) -> int | None:
    """Admissions that should have been reached by ``as_of`` (rounded), or None without a
    target."""
    if target is None:
        return None
    return round(target * expected_share(year, as_of, profile))


def forecast(admitted: int, year: int, as_of: date) -> int | None:
    """Admissions on 31 December if the pace so far goes on (None before the year starts)."""
    share = elapsed_share(year, as_of)
    if share == 0:
        return None
    return round(admitted / share)


def behind(admitted: int, target: int | None, year: int, as_of: date,
           profile: list[int] | None = None) -> bool:
    """Fewer admissions than the pace (even, or the profile) asks for by ``as_of``."""
    should = expected(target, year, as_of, profile)
    return should is not None and admitted < should


def trajectory(target: int | None, year: int,
               profile: list[int] | None = None) -> list[int | None]:
    """The cumulative target at the end of each month: even, or the profile's."""
    if target is None:
        return [None] * 12
    if profile:
        return [round(target * p / 100) for p in profile]
    return [round(target * expected_share(year, date(year, m, calendar.monthrange(year, m)[1])))
            for m in range(1, 13)]
