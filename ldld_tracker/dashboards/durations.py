"""How long dossiers usually wait at each stage: the median days from a milestone to the
next one recorded, per unit and for every unit together.

The medians cover the moves completed in the twelve months up to the "as of" day, so the
"usual" time reflects current practice. A move is a dossier's step from a milestone to
the next one recorded in path order, completed on the day of that next one
(``tally.events.waits``). The moves are counted by unit, stage and days waited (a
histogram) and the medians read off it per unit and for every unit together. For a user
who sees whole units the histogram is the kept summary rows (``unit_tally`` kind ``w``):
their number follows the distinct waits, not the dossiers, and no dossier is read; for an
enterprise officer it is counted from the dossiers of the enterprise.

- **PostgreSQL** (the country's histogram is hundreds of thousands of rows): one query,
  the medians taken by running sums in SQL.
- **SQLite** (a province's is a few thousand): the rows read as they are and the medians
  taken here. The kept rows are read as stored (unit id, code, moves), after the names of
  the units in scope: on the province's 5,571 rows SQLite spent more on joining each row
  to its unit and cutting its code apart than on reading it (24 ms against 14).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from sqlalchemy import Date, Integer, case, cast, func, literal, or_, select, union_all

from .. import access
from ..extensions import db
from ..models import Dossier, Unit
from ..tally import read as tally
from ..tally.events import WAIT_DIGITS, parse_wait_code
from ..workflow.rules import MILESTONES
from .figures import Progress
from .scope import by_unit, dossiers_base, unit_names
from .sqlfuncs import days_between

WINDOW_DAYS = 365
EPOCH = date(2000, 1, 1)  # day numbers count from here
DATE_COLUMNS = tuple(getattr(Dossier, m.date_field) for m in MILESTONES)
# Stages a dossier can wait at (the last one, official member, is the end of the path).
WAITING_STAGES = tuple(m.code for m in MILESTONES[:-1])


def median_days(user, progress: Progress) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """(unit name -> stage code -> median days, stage code -> number of moves); the unit
    "" is every unit together. Stages without a move in the window are left out."""
    whole_units = access.sees_whole_units(user)
    if db.session.get_bind().dialect.name == "postgresql":
        histogram = _kept_histogram(user, progress) if whole_units else \
            _counted_histogram(user, progress)
        rows = _medians_in_sql(histogram)
    elif whole_units:
        rows = _medians_in_python(_kept_moves(user, progress))
    else:
        h = _counted_histogram(user, progress).c
        # (executed as plain SQL rows, without the ORM's row handling)
        rows = _medians_in_python(
            db.session.connection().execute(select(h.unit, h.stage, h.days, h.n)).all())
    medians: dict[str, dict[str, float]] = {}
    samples: dict[str, int] = {}
    for unit, stage, median, count in rows:
        medians.setdefault(unit, {})[stage] = median
        if unit == "":
            samples[stage] = count
    return medians, samples


def _window(progress: Progress) -> tuple[date, date]:
    """The first and last day a move counts in."""
    return progress.as_of - timedelta(days=WINDOW_DAYS - 1), progress.as_of


def _kept_rows(progress: Progress):  # noqa: ANN202
    """The summary rows of the moves completed in the window (``tally.read.rows``)."""
    return tally.rows(tally.waits_between(*_window(progress)))


def _kept_histogram(user, progress: Progress):
    """(unit id, unit name, stage code, days, moves) from the summary rows of the window,
    added up over the window's pieces (PostgreSQL)."""
    rows = _kept_rows(progress)
    n = func.sum(rows.c.n)
    counted = (by_unit(select(Unit.id.label("unit_id"), Unit.name.label("unit"), rows.c.code,
                              n.label("n")),
                       rows.c.unit_id, user, progress.plan, progress.unit_id)
               .group_by(Unit.id, Unit.name, rows.c.code).having(n != 0))
    c = counted.subquery("counted").c
    digits_from = func.length(c.code) - (WAIT_DIGITS - 1)
    return _once(select(c.unit_id, c.unit, func.substr(c.code, 1, digits_from - 2).label("stage"),
                        cast(func.substr(c.code, digits_from), Integer).label("days"),
                        c.n.label("n")))


def _kept_moves(user, progress: Progress) -> Iterator[tuple[str, str, int, int]]:
    """(unit name, stage code, days, moves) from the summary rows of the window, as the
    window's pieces give them (a unit, stage and days can come in several rows, some
    negative): SQLite. Two queries: the names of the units in scope, then their rows."""
    names = dict(db.session.execute(unit_names(user, progress.plan, progress.unit_id)).all())
    rows = _kept_rows(progress)
    stmt = select(rows.c.unit_id, rows.c.code, rows.c.n).where(rows.c.unit_id.in_(list(names)))
    parsed: dict[str, tuple[str, int]] = {}  # code -> (stage, days): codes repeat across units
    for unit, code, n in db.session.connection().execute(stmt).all():
        found = parsed.get(code)
        if found is None:
            found = parsed[code] = parse_wait_code(code)
        yield names[unit], found[0], found[1], n


def _counted_histogram(user, progress: Progress):
    """(unit id, unit name, stage code, days, moves) counted from the dossiers in scope."""
    moves = _moves(user, progress)
    return _once(select(moves.c.unit_id, moves.c.unit, moves.c.stage, moves.c.days,
                        func.count().label("n"))
                 .group_by(moves.c.unit_id, moves.c.unit, moves.c.stage, moves.c.days))


def _once(histogram):  # noqa: ANN001, ANN202
    """The histogram as a CTE computed once (PostgreSQL would otherwise compute it for
    each unit and again for every unit together)."""
    return histogram.cte("histogram").prefix_with("MATERIALIZED", dialect="postgresql")


def _medians_in_python(moves: Iterable[tuple[str, str, int, int]]) -> list[tuple[str, str, float, int]]:
    """(unit name or "", stage code, median days, moves) from histogram rows (unit name,
    stage code, days, moves), added up here."""
    histograms: dict[tuple[str, str], dict[int, int]] = {}
    for unit, stage, days, count in moves:
        for key in ((unit, stage), ("", stage)):
            found = histograms.get(key)
            if found is None:
                found = histograms[key] = {}
            found[days] = found.get(days, 0) + count
    result = []
    for (unit, stage), found in histograms.items():
        total = sum(found.values())
        if total:
            result.append((unit, stage, _median({d: n for d, n in found.items() if n}), total))
    return result


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


def _medians_in_sql(histogram) -> list[tuple[str, str, float, int]]:
    """(unit name or "", stage code, median days, moves) per unit and stage and for every
    unit together, read off ``histogram`` in SQL (PostgreSQL: the country's histogram is
    hundreds of thousands of rows): the median of n values is the mean of the days at
    which the running count first reaches n/2 and first passes it. (Sorted by unit id and
    by stage in byte order: sorting 300,000 rows by names in the database's collation
    took a second.)"""
    h = histogram.c
    every_unit = (select(literal(0).label("unit_id"), literal("").label("unit"), h.stage, h.days,
                         func.sum(h.n).label("n"))
                  .group_by(h.stage, h.days))
    both = union_all(select(h.unit_id, h.unit, h.stage, h.days, h.n), every_unit).subquery("both")
    b = both.c
    part = (b.unit_id, b.stage.collate("C"))
    running = (select(b.unit_id, b.unit, b.stage, b.days,
                      func.sum(b.n).over(partition_by=part, order_by=b.days,
                                         rows=(None, 0)).label("running"),
                      func.sum(b.n).over(partition_by=part).label("total"))
               .subquery("running"))
    r = running.c
    first_half = func.min(case((r.running * 2 >= r.total, r.days)))
    past_half = func.min(case((r.running * 2 > r.total, r.days)))
    stmt = (select(func.min(r.unit), r.stage, (first_half + past_half) / literal(2.0),
                   func.max(r.total))
            .group_by(r.unit_id, r.stage))
    return [(unit, stage, _whole_if_integral(median), int(count))
            for unit, stage, median, count in db.session.execute(stmt)]


def _whole_if_integral(value) -> float:  # noqa: ANN001
    """SQL answers in floating point or decimals: 12.0 days is the 12 the histogram gives
    in Python."""
    value = float(value)
    return int(value) if value == int(value) else value


def _moves(user, progress: Progress):
    """(unit id, unit name, stage code, days) of each move completed in the window, from
    the dossiers in scope: as ``tally.events.waits``, in SQL."""
    plan = progress.plan
    unit_id = progress.unit_id
    first, last = _window(progress)
    # The dossiers with a move in the window, once (a CTE used by every stage below).
    wide = (dossiers_base(user, plan, unit_id)
            .add_columns(Unit.id.label("unit_id"), Unit.name.label("unit"),
                         *[days_between(c, literal(EPOCH, Date)).label(f"n{i}")
                           for i, c in enumerate(DATE_COLUMNS)])
            .where(or_(*[c.between(first, last) for c in DATE_COLUMNS[1:]]))
            .cte("wide"))
    branches = []
    for index, code in enumerate(WAITING_STAGES):
        later = [wide.c[f"n{i}"] for i in range(index + 1, len(DATE_COLUMNS))]
        following = func.coalesce(*later) if len(later) > 1 else later[0]
        days = following - wide.c[f"n{index}"]
        branches.append(select(wide.c.unit_id, wide.c.unit, literal(code).label("stage"),
                               days.label("days"))
                        .where(following.between((first - EPOCH).days, (last - EPOCH).days),
                               days >= 0))
    return union_all(*branches).subquery("moves")
