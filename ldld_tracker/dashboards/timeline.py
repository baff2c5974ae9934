"""Admissions month by month against the target's trajectory ("over time")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, extract, func, or_, select

from ..extensions import db
from ..models import Dossier, ReportedTotal
from ..workflow import counting
from . import pace
from .figures import Progress
from .scope import dossiers_base, reported_base


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
    # Each dossier's month of admission and of introduction in the year (or NULL), counted
    # per pair: at most 13 x 13 rows, whatever the number of dossiers.
    inner = dossiers_base(user, plan, unit_id).where(or_(admitted, introduced)).add_columns(
        case((admitted, extract("month", Dossier.admitted_on))).label("am"),
        case((introduced, extract("month", Dossier.introduced_on))).label("im"),
    ).subquery()
    tracked = [0] * 13
    introductions = [0] * 13
    for am, im, count in db.session.execute(
            select(inner.c.am, inner.c.im, func.count()).group_by(inner.c.am, inner.c.im)):
        if am is not None:
            tracked[int(am)] += count
        if im is not None:
            introductions[int(im)] += count
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
        month = Month(m, tracked=tracked[m], reported=reported.get(m, 0),
                      introduced=introductions[m], even=even[m - 1], profile=profile[m - 1])
        running += month.admitted
        month.cumulative = running if m <= last_month else None
        months.append(month)
    return months
