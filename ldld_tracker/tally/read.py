"""Conditions that pick the summary rows adding up to a range of days (``periods``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_

from ..models import UnitTally
from .events import REACHED, STAGE, TRAIT
from .periods import YEAR, pieces


def in_range(first: date | None, last: date, coarsest: str = YEAR) -> ColumnElement[bool]:
    """The rows of the days ``first`` (None: from the beginning) to ``last``, each day
    counted once: whole years (unless ``coarsest`` is ``MONTH``), whole months, single days."""
    conditions = []
    for grain, start, end in pieces(first, last, coarsest):
        on = UnitTally.starts_on
        span = on <= end if start is None else (on == start if start == end else on.between(start, end))
        conditions.append(and_(UnitTally.grain == grain, span))
    return or_(false(), *conditions)


def stages_on(day: date) -> ColumnElement[bool]:
    """The rows whose sum per code is the number of dossiers at each stage on ``day``."""
    return and_(UnitTally.kind == STAGE, in_range(None, day))


def reached_between(first: date, last: date, coarsest: str = YEAR) -> ColumnElement[bool]:
    """The rows whose sum per code is the number of milestones reached in ``[first, last]``
    (per month of ``starts_on`` too, with ``coarsest`` ``MONTH``)."""
    return and_(UnitTally.kind == REACHED, in_range(first, last, coarsest))


def traits_between(first: date, last: date) -> ColumnElement[bool]:
    """The breakdown rows (``admitted:women`` …) of the admissions and introductions dated
    in ``[first, last]``."""
    return and_(UnitTally.kind == TRAIT, in_range(first, last))
