"""Admissions month by month against the target's trajectory ("over time")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, extract, func

from ..extensions import db
from ..models import Dossier, Person, ReportedTotal
from ..workflow import counting
from . import pace
from .figures import Progress
from .scope import flag, people_base, reported_base


@dataclass
class Month:
    month: int
    tracked: int = 0
    reported: int = 0
    introduced: int = 0
    cumulative: int | None = None  # None for months after the "as of" day
    even: int | None = None
    profile: int | None = None

    @property
    def admitted(self) -> int:
        return self.tracked + self.reported


def monthly(user, progress: Progress) -> list[Month]:
    """Twelve months of ``progress``'s plan and scope (its unit, if it has one): admissions
    tracked and reported, introductions, the cumulative admissions up to the "as of" day,
    and the target's trajectory (even, and the plan's profile if set). Two queries."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit.unit_id if progress.unit else None
    admitted, introduced = counting.admitted_in_year(plan.year, as_of), \
        counting.introduced_in_year(plan.year, as_of)
    tracked_stmt = people_base(user, plan, unit_id).join(
        Dossier, Dossier.person_id == Person.id).add_columns(
        *[func.sum(flag(and_(admitted, extract("month", Dossier.admitted_on) == m)))
          for m in range(1, 13)],
        *[func.sum(flag(and_(introduced, extract("month", Dossier.introduced_on) == m)))
          for m in range(1, 13)],
    )
    row = db.session.execute(tracked_stmt).one()
    reported_stmt = reported_base(user, plan, as_of, unit_id).add_columns(
        ReportedTotal.month, func.sum(ReportedTotal.admitted)).group_by(ReportedTotal.month)
    reported = {m: int(n or 0) for m, n in db.session.execute(reported_stmt)}

    target = progress.total.target
    even = pace.trajectory(target, plan.year)
    profile = pace.trajectory(target, plan.year, plan.monthly_profile) \
        if plan.monthly_profile else [None] * 12
    last_month = as_of.month if as_of.year == plan.year else (12 if as_of.year > plan.year else 0)
    months: list[Month] = []
    running = 0
    for m in range(1, 13):
        month = Month(m, tracked=int(row[m - 1] or 0), reported=reported.get(m, 0),
                      introduced=int(row[m + 11] or 0), even=even[m - 1], profile=profile[m - 1])
        running += month.admitted
        month.cumulative = running if m <= last_month else None
        months.append(month)
    return months
