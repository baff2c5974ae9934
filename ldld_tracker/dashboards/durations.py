"""How long dossiers usually wait at each stage: the median days from a milestone to the
next one recorded, per unit and for every unit together.

The medians cover the moves completed in the twelve months up to the "as of" day, so the
"usual" time reflects current practice and the work stays one year's worth of dossiers
however many years the database holds. One query: the dossiers' moves are unpivoted
(one row per stage and dossier), counted per number of days, and the medians read off the running
counts with window functions; nothing is aggregated in Python.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, case, func, literal, literal_column, or_, select, union_all

from ..extensions import db
from ..models import Dossier, Unit
from ..workflow.rules import MILESTONES
from .figures import Progress
from .scope import dossiers_base
from .sqlfuncs import days_between

WINDOW_DAYS = 365
EPOCH = date(2000, 1, 1)  # day numbers count from here
DATE_COLUMNS = tuple(getattr(Dossier, m.date_field) for m in MILESTONES)
# Stages a dossier can wait at (the last one, official member, is the end of the path).
WAITING_STAGES = tuple(m.code for m in MILESTONES[:-1])


def median_days(user, progress: Progress) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """(unit name -> stage code -> median days, stage code -> number of moves); the unit
    "" is every unit together. Stages without a move in the window are left out."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit.unit_id if progress.unit else None
    since = as_of - timedelta(days=WINDOW_DAYS)
    # The dossiers with a step in the window, once (a CTE used by every stage below), their
    # dates recorded by the "as of" day as day numbers, so each stage's wait is a subtraction.
    wide = (dossiers_base(user, plan, unit_id)
            .add_columns(Unit.name.label("unit"),
                         *[case((c <= as_of, days_between(c, literal(EPOCH, Date)))).label(f"n{i}")
                           for i, c in enumerate(DATE_COLUMNS)])
            .where(or_(*[(c > since) & (c <= as_of) for c in DATE_COLUMNS[1:]]))
            .cte("wide"))
    since_number = (since - EPOCH).days
    branches = []
    for index in range(len(WAITING_STAGES)):
        later = [wide.c[f"n{i}"] for i in range(index + 1, len(DATE_COLUMNS))]
        following = func.coalesce(*later) if len(later) > 1 else later[0]
        days = following - wide.c[f"n{index}"]
        branches.append(select(wide.c.unit, literal_column(str(index)).label("s"), days.label("days"))
                        .where(following > since_number, days >= 0))
    moves = union_all(*branches).subquery("moves")
    hist = (select(moves.c.unit, moves.c.s, moves.c.days, func.count().label("n"))
            .group_by(moves.c.unit, moves.c.s, moves.c.days)
            .cte("hist"))
    every_unit = (select(literal_column("''").label("unit"), hist.c.s, hist.c.days,
                         func.sum(hist.c.n).label("n"))
                  .group_by(hist.c.s, hist.c.days))
    both = union_all(select(hist.c.unit, hist.c.s, hist.c.days, hist.c.n), every_unit).subquery("both")
    group = (both.c.unit, both.c.s)
    ranked = select(
        both.c.unit, both.c.s, both.c.days,
        func.sum(both.c.n).over(partition_by=group, order_by=both.c.days).label("running"),
        func.sum(both.c.n).over(partition_by=group).label("total"),
    ).subquery("ranked")
    stmt = select(
        ranked.c.unit, ranked.c.s,
        func.min(case((ranked.c.running * 2 >= ranked.c.total, ranked.c.days))).label("low"),
        func.min(case((ranked.c.running * 2 >= ranked.c.total + 1, ranked.c.days))).label("high"),
        func.max(ranked.c.total).label("total"),
    ).group_by(ranked.c.unit, ranked.c.s)
    medians: dict[str, dict[str, float]] = {}
    samples: dict[str, int] = {}
    for unit, stage, low, high, total in db.session.execute(stmt):
        code = WAITING_STAGES[int(stage)]
        medians.setdefault(unit, {})[code] = low if low == high else (low + high) / 2
        if unit == "":
            samples[code] = int(total)
    return medians, samples
