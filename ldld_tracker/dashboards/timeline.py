"""Admissions month by month against the target's trajectory ("over time")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, extract, func, or_, select

from .. import access
from ..extensions import db
from ..models import Dossier, ReportedTotal
from ..tally import read as tally
from ..workflow import counting
from . import pace
from .figures import Progress
from .scope import dossiers_base, reported_base, tally_rows


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


def _from_tally(user, progress: Progress, unit_id: int | None) -> list[tuple[str, int, int]]:
    """(milestone, month, count) of admissions and introductions in the year up to the
    "as of" day, from the per-unit summaries (a user who sees whole units)."""
    start, end = counting.year_bounds(progress.plan.year, progress.as_of)
    rows, stmt = tally_rows(user, progress.plan, unit_id, tally.reached_between(start, end, per_month=True),
                            codes=("admitted", "introduced"))
    month = extract("month", rows.c.starts_on)
    stmt = stmt.add_columns(rows.c.code, month, func.sum(rows.c.n)).group_by(rows.c.code, month)
    return [tuple(row) for row in db.session.execute(stmt)]


def _from_dossiers(user, progress: Progress, unit_id: int | None) -> list[tuple[str, int, int]]:
    """The same counts from the dossiers in the user's scope: each dossier's month of
    admission and of introduction in the year (or NULL), counted per pair, at most 13 x 13
    rows whatever the number of dossiers."""
    plan, as_of = progress.plan, progress.as_of
    admitted, introduced = counting.admitted_in_year(plan.year, as_of), \
        counting.introduced_in_year(plan.year, as_of)
    inner = dossiers_base(user, plan, unit_id).where(or_(admitted, introduced)).add_columns(
        case((admitted, extract("month", Dossier.admitted_on))).label("am"),
        case((introduced, extract("month", Dossier.introduced_on))).label("im"),
    ).subquery()
    counts: list[tuple[str, int, int]] = []
    for am, im, count in db.session.execute(
            select(inner.c.am, inner.c.im, func.count()).group_by(inner.c.am, inner.c.im)):
        counts += [("admitted", am, count), ("introduced", im, count)]
    return counts


def monthly(user, progress: Progress) -> list[Month]:
    """Twelve months of ``progress``'s plan and scope (its unit, if it has one): admissions
    tracked and reported, introductions, the cumulative admissions up to the "as of" day,
    and the target's trajectory (even, and the plan's profile if set). Two queries."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit_id
    tracked = [0] * 13
    introductions = [0] * 13
    if access.sees_whole_units(user):
        counts = _from_tally(user, progress, unit_id)
    else:
        counts = _from_dossiers(user, progress, unit_id)
    for code, month, count in counts:
        if month is not None:
            (tracked if code == "admitted" else introductions)[int(month)] += int(count or 0)
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
