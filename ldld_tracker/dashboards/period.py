"""The year and "as of" day a dashboard page or API call is about, from its query string.

A year defaults to the plan of the current year (else the latest plan before it, else the
latest); the "as of" day to today, or 31 December for a year that has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from .. import clock
from ..forms.fields import parse_day
from .figures import PlanInfo
from .scope import PlanNotFound, default_as_of


class BadPeriod(ValueError):
    """The query string names no valid year or day (a 400, with this message)."""


@dataclass(frozen=True)
class Period:
    plan: PlanInfo
    as_of: date
    plans: list[PlanInfo]

    @property
    def year(self) -> int:
        return self.plan.year


def _default_plan(plans: list[PlanInfo]) -> PlanInfo:
    this_year = clock.today().year
    earlier = [p for p in plans if p.year <= this_year]
    return max(earlier, key=lambda p: p.year) if earlier else max(plans, key=lambda p: p.year)


def choose(plans: list[PlanInfo], year_text: str | None, as_of_text: str | None) -> Period:
    """The period the query string asks for. ``BadPeriod`` for text that is not a year or a
    day; ``PlanNotFound`` (404) for a year without a plan."""
    if year_text:
        if not (year_text.isdecimal() and len(year_text) == 4):
            raise BadPeriod(_("The year must be four digits, e.g. 2020."))
        plan = next((p for p in plans if p.year == int(year_text)), None)
        if plan is None:
            raise PlanNotFound()
    elif plans:
        plan = _default_plan(plans)
    else:
        raise PlanNotFound()
    if as_of_text:
        as_of = parse_day(as_of_text)
        if as_of is None or not 1900 <= as_of.year <= 2999:
            raise BadPeriod(_("The \"as of\" date is not a valid date: write it as YYYY-MM-DD "
                              "or dd/mm/yyyy."))
    else:
        as_of = default_as_of(plan.year)
    return Period(plan, as_of, plans)
