"""How long dossiers usually wait at each stage: the median days from a milestone to the
next one recorded, per unit and for every unit together.

The medians cover the moves completed in the twelve months up to the "as of" day, so the
"usual" time reflects current practice and the work stays one year's worth of dossiers
however many years the database holds. One query: the dossiers' moves are unpivoted
(one row per stage and dossier); PostgreSQL takes their medians itself (per unit and for
every unit), SQLite counts them per unit, stage and number of days and the medians are
read off those counts here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, case, func, literal, literal_column, or_, select, tuple_, union_all

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
    moves = _moves(user, progress)
    if db.session.get_bind().dialect.name == "postgresql":
        rows = _medians_in_sql(moves)
    else:
        rows = _medians_from_histogram(moves)
    medians: dict[str, dict[str, float]] = {}
    samples: dict[str, int] = {}
    for unit, stage, median, count in rows:
        code = WAITING_STAGES[int(stage)]
        medians.setdefault(unit, {})[code] = median
        if unit == "":
            samples[code] = int(count)
    return medians, samples


def _medians_in_sql(moves) -> list[tuple[str, int, float, int]]:
    """(unit name or "", stage index, median, moves) by PostgreSQL's own median (an
    ordered-set aggregate), per unit and for every unit in one grouping."""
    stmt = (select(func.coalesce(Unit.name, ""), moves.c.s,
                   func.percentile_cont(0.5).within_group(moves.c.days), func.count())
            .join(Unit, Unit.id == moves.c.unit_id)
            .group_by(func.grouping_sets(tuple_(Unit.name, moves.c.s), tuple_(moves.c.s))))
    return [(unit, stage, _whole_if_integral(median), count)
            for unit, stage, median, count in db.session.execute(stmt)]


def _whole_if_integral(value: float) -> float:
    """``percentile_cont`` answers in floating point: 12.0 days is the 12 the histogram
    gives on SQLite."""
    return int(value) if value == int(value) else value


def _medians_from_histogram(moves) -> list[tuple[str, int, float, int]]:
    """The same, read off the moves counted per unit, stage and number of days (SQLite
    has no median; a province's histogram is a few thousand rows, and ranking them in
    SQL cost twice as much as counting them)."""
    hist = (select(moves.c.unit_id, moves.c.s, moves.c.days, func.count().label("n"))
            .group_by(moves.c.unit_id, moves.c.s, moves.c.days)
            .subquery("hist"))
    stmt = select(Unit.name, hist.c.s, hist.c.days, hist.c.n).join(Unit, Unit.id == hist.c.unit_id)
    histograms: dict[tuple[str, int], dict[int, int]] = {}
    # (executed as plain SQL rows, without the ORM's row handling)
    for unit, stage, days, count in db.session.connection().execute(stmt).all():
        for key in ((unit, stage), ("", stage)):
            histogram = histograms.setdefault(key, {})
            histogram[days] = histogram.get(days, 0) + count
    return [(unit, stage, _median(histogram), sum(histogram.values()))
            for (unit, stage), histogram in histograms.items()]


def _median(histogram: dict[int, int]) -> float:
    """The median of the values a histogram counts (value -> how many times)."""
    total = sum(histogram.values())
    low = None
    running = 0
    for days in sorted(histogram):
        running += histogram[days]
        if low is None and running * 2 >= total:
            low = days
        if running * 2 >= total + 1:
            return low if low == days else (low + days) / 2
    raise ValueError("an empty histogram has no median")


def _moves(user, progress: Progress):
    """(unit id, stage index, days) of each move completed in the window: a dossier's
    step from a stage to the next one recorded."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit.unit_id if progress.unit else None
    since = as_of - timedelta(days=WINDOW_DAYS)
    # The dossiers with a step in the window, once (a CTE used by every stage below), their
    # dates recorded by the "as of" day as day numbers, so each stage's wait is a subtraction.
    wide = (dossiers_base(user, plan, unit_id)
            .add_columns(Unit.id.label("unit_id"),
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
        branches.append(select(wide.c.unit_id, literal_column(str(index)).label("s"),
                               days.label("days"))
                        .where(following > since_number, days >= 0))
    return union_all(*branches).subquery("moves")
