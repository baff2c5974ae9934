"""Date arithmetic of the rules: full months (ages, probation, certificates) and working
days (deadlines), checked at the edges where an off-by-one would move a refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ldld_tracker.workflow.calendar import (
    add_months,
    add_working_days,
    full_months,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2020, 1, 31), 1, date(2020, 2, 29)),  # leap year: clamped to 29/02
        (date(2021, 1, 31), 1, date(2021, 2, 28)),  # clamped to 28/02
        (date(2020, 1, 31), 2, date(2020, 3, 31)),  # not clamped twice
        (date(2020, 3, 31), 1, date(2020, 4, 30)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),  # 29/02 + 1 year
        (date(2020, 2, 29), 48, date(2024, 2, 29)),  # 29/02 + 4 years
        (date(2020, 11, 15), 2, date(2021, 1, 15)),  # across the year end
        (date(2020, 1, 15), -1, date(2019, 12, 15)),  # backwards
        (date(2020, 3, 31), -1, date(2020, 2, 29)),
        (date(2002, 6, 10), 18 * 12, date(2020, 6, 10)),
        (date(2020, 6, 10), 0, date(2020, 6, 10)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2002, 6, 10), date(2020, 6, 9), 18 * 12 - 1),  # the day before the 18th birthday
        (date(2002, 6, 10), date(2020, 6, 10), 18 * 12),  # on the birthday
        (date(2002, 6, 10), date(2020, 7, 9), 18 * 12),
        (date(2002, 6, 10), date(2020, 7, 10), 18 * 12 + 1),
        (date(2020, 1, 31), date(2020, 2, 28), 0),
        (date(2020, 1, 31), date(2020, 2, 29), 1),  # clamped month end counts as a month
        (date(2020, 1, 31), date(2020, 3, 30), 1),
        (date(2020, 1, 31), date(2020, 3, 31), 2),
        # Born on 29/02: full years are reached on 28/02 of a common year (add_months clamps).
        (date(2000, 2, 29), date(2018, 2, 27), 18 * 12 - 1),
        (date(2000, 2, 29), date(2018, 2, 28), 18 * 12),
        (date(2020, 6, 10), date(2020, 6, 10), 0),
        (date(2019, 12, 31), date(2020, 1, 1), 0),
    ],
)
def test_full_months_are_reached_on_the_monthly_anniversary(start, end, expected):
    assert full_months(start, end) == expected


def test_full_months_is_negative_when_end_is_before_start():
    assert full_months(date(2020, 5, 10), date(2020, 3, 15)) < 0


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2020, 6, 12), True),  # Friday
        (date(2020, 6, 13), False),  # Saturday
        (date(2020, 6, 14), False),  # Sunday
        (date(2020, 4, 30), False),  # Reunification Day (Thursday)
        (date(2020, 5, 1), False),  # Labour Day (Friday)
        (date(2020, 9, 2), False),  # National Day (Wednesday)
        (date(2020, 1, 1), False),  # New Year (Wednesday)
        (date(2020, 4, 29), True),
        (date(2020, 9, 3), True),
    ],
)
def test_weekends_and_fixed_holidays_are_not_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2020, 6, 12), 1, date(2020, 6, 15)),  # Friday + 1 -> Monday
        (date(2020, 6, 13), 1, date(2020, 6, 15)),  # from a Saturday
        (date(2020, 6, 8), 5, date(2020, 6, 15)),  # a full week
        (date(2020, 4, 29), 1, date(2020, 5, 4)),  # skips 30/04, 01/05 and the weekend
        (date(2020, 9, 1), 1, date(2020, 9, 3)),  # skips 02/09
        (date(2019, 12, 31), 1, date(2020, 1, 2)),  # skips 01/01
        (date(2020, 6, 10), 0, date(2020, 6, 10)),
    ],
)
def test_add_working_days_skips_weekends_and_fixed_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_sixty_working_days_from_a_cell_resolution_before_the_april_holidays():
    # 60 working days from 01/04/2020: 12 weeks of weekdays minus 30/04 and 01/05.
    assert add_working_days(date(2020, 4, 1), 60) == date(2020, 6, 26)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def test_working_days_between_counts_days_one_by_one():
    """Against a plain day-by-day count, over two years (every weekday and holiday shape)."""
    origin = date(2019, 12, 20)
    for end in _days(origin - timedelta(days=3), date(2021, 1, 10)):
        expected = sum(1 for day in _days(origin + timedelta(days=1), end) if is_working_day(day))
        assert working_days_between(origin, end) == expected, end


def test_working_days_between_undoes_add_working_days():
    """Property over many start dates and lengths: counting back what was added."""
    for start in _days(date(2019, 12, 1), date(2021, 1, 31)):
        for days in (0, 1, 2, 5, 7, 30, 60, 90):
            end = add_working_days(start, days)
            assert working_days_between(start, end) == days, (start, days)
            assert end == start or is_working_day(end)
            if days:
                assert working_days_between(start, end - timedelta(days=1)) == days - 1


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(date(2020, 6, 10), date(2020, 6, 10)) == 0
    assert working_days_between(date(2020, 6, 10), date(2020, 6, 1)) == 0
