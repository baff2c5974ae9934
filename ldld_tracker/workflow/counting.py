"""What counts, written once: the current stage, "admitted in year Y", "introduced in Y".

Each definition exists as a SQL expression (for dashboards, reports and lists, so the
database aggregates) and, for the stage, as the same rule on one loaded dossier.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, case, literal

from ..models import Dossier
from .rules import ENDS, MILESTONE_BY_CODE, MILESTONES

NO_STAGE = "none"


def year_bounds(year: int, as_of: date | None = None) -> tuple[date, date]:
    """First and last day of ``year`` that count, cut at ``as_of``."""
    end = date(year, 12, 31)
    if as_of is not None and as_of < end:
        end = as_of
    return date(year, 1, 1), end


def stage_of(dossier: Dossier, as_of: date | None = None) -> str:
    """The stage a dossier is at (on ``as_of``): its end if ended, else its furthest step."""
    if dossier.end_kind is not None and (as_of is None or dossier.ended_on <= as_of):
        return dossier.end_kind.value
    for milestone in reversed(MILESTONES):
        on = getattr(dossier, milestone.date_field)
        if on is not None and (as_of is None or on <= as_of):
            return milestone.code
    return NO_STAGE


# The SQL expressions below are immutable and the same for every request on the same day:
# each is built once (building them was a good part of a dashboard request's own time).
@lru_cache(maxsize=128)
def stage_expression(as_of: date) -> ColumnElement[str]:
    """``stage_of`` as SQL, for grouping dossiers by stage in the database."""
    whens: list[tuple[ColumnElement[bool], ColumnElement[str]]] = [
        (and_(Dossier.end_kind == end.kind, Dossier.ended_on <= as_of), literal(end.kind.value))
        for end in ENDS
    ]
    whens += [
        (getattr(Dossier, m.date_field) <= as_of, literal(m.code)) for m in reversed(MILESTONES)
    ]
    return case(*whens, else_=literal(NO_STAGE))


@lru_cache(maxsize=512)
def reached_in_year(code: str, year: int, as_of: date | None = None) -> ColumnElement[bool]:
    """The dossier reached milestone ``code`` with a date in ``year`` (up to ``as_of``)."""
    start, end = year_bounds(year, as_of)
    return getattr(Dossier, MILESTONE_BY_CODE[code].date_field).between(start, end)


def admitted_in_year(year: int, as_of: date | None = None) -> ColumnElement[bool]:
    """Counted toward the target: the admission decision (milestone 8) is dated in ``year``."""
    return reached_in_year("admitted", year, as_of)


def introduced_in_year(year: int, as_of: date | None = None) -> ColumnElement[bool]:
    """The union's own figure: the BCH CĐCS introduced the member (milestone 5) in ``year``."""
    return reached_in_year("introduced", year, as_of)


def reported_months(year: int, as_of: date | None = None) -> int:
    """How many monthly reported totals of ``year`` count on ``as_of``: a month counts once
    it has ended (a total is dated on the last day of its month)."""
    if as_of is None or as_of.year > year:
        return 12
    if as_of.year < year:
        return 0
    month_ended = (as_of + timedelta(days=1)).month != as_of.month
    return as_of.month if month_ended else as_of.month - 1


def stage_moves(dossier: object) -> list[tuple[date, str, str]]:
    """The days a dossier changes stage, as ``(day, left, entered)``: ``stage_of`` on any
    day is the ``entered`` of the last move on or before it (``NO_STAGE`` before the first).
    ``dossier`` is anything with the dossier's date fields, ``end_kind`` and ``ended_on``.

    The furthest milestone reached only grows with the day, so one pass over the dates in
    order finds every move (``stage_of`` on each day gives the same, tested)."""
    marks = sorted((on, index) for index, m in enumerate(MILESTONES)
                   if (on := getattr(dossier, m.date_field)) is not None)
    ended = dossier.ended_on if dossier.end_kind is not None else None
    days = sorted({on for on, _ in marks} | ({ended} if ended is not None else set()))
    moves: list[tuple[date, str, str]] = []
    current, furthest, next_mark = NO_STAGE, -1, 0
    for day in days:
        while next_mark < len(marks) and marks[next_mark][0] <= day:
            furthest = max(furthest, marks[next_mark][1])
            next_mark += 1
        if ended is not None and ended <= day:
            stage = dossier.end_kind.value
        else:
            stage = MILESTONES[furthest].code if furthest >= 0 else NO_STAGE
        if stage != current:
            moves.append((day, current, stage))
            current = stage
    return moves
