"""How long dossiers usually wait at each stage: the median days from a milestone to the
next one recorded, for every unit together and for a page of units.

The medians cover the moves completed in the twelve months up to the "as of" day, so the
"usual" time reflects current practice. A move is a dossier's step from a milestone to
the next one recorded in path order, completed on the day of that next one
(``tally.events.waits``). The moves are counted by stage and days waited (a histogram)
and the medians read off it here. For a user who sees whole units the histogram is the
kept summary rows (``unit_tally`` kind ``w``): their number follows the distinct waits, not
the dossiers, and no dossier is read; for an enterprise officer it is counted from the
dossiers of the enterprise.

The units' own medians come a page at a time, in code order (the country's board sees
900 units): the page's rows are read unit by unit along the summaries' key, as stored
(unit id, code, moves), each distinct code read back once here. Every unit together is
the same rows when the page holds every unit (a province's 15); otherwise, for the board,
the rows the plan's unit keeps of its children's moves (``unit_tally`` kind ``v``,
``scope.tally_rows``), summed per code in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, func, literal, or_, select, union_all

from .. import access
from ..database import driver_rows
from ..extensions import db
from ..models import Dossier, Unit
from ..tally import read as tally
from ..tally.events import parse_wait_code, wait_code
from ..workflow.rules import MILESTONES
from .figures import Progress
from .scope import dossiers_base, tally_rows, unit_names, whole_territory
from .sqlfuncs import days_between

WINDOW_DAYS = 365
EPOCH = date(2000, 1, 1)  # day numbers count from here
DATE_COLUMNS = tuple(getattr(Dossier, m.date_field) for m in MILESTONES)
# Stages a dossier can wait at (the last one, official member, is the end of the path).
WAITING_STAGES = tuple(m.code for m in MILESTONES[:-1])
UNITS_PER_PAGE = 50

Histograms = dict[str, dict[str, int]]  # unit name -> wait code (stage and days) -> moves


@dataclass
class Medians:
    # unit name -> stage code -> median days: "" (every unit together) first, then the
    # page's units in code order (an enterprise officer: the unit, if anything moved).
    # Stages without a move in the window are left out.
    by_unit: dict[str, dict[str, float]] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)  # stage code -> moves, every unit
    units_total: int = 0  # units in the area, for the page links


def median_days(user, progress: Progress, page: tuple[int, int] | None = (1, UNITS_PER_PAGE),
                units: list[tuple[int, str]] | None = None) -> Medians:
    """The medians of every unit together and of the ``page``-th (number, size) units of
    the area in code order (``page`` None: every unit together only); ``units``, the
    area's (id, name) in code order, when the caller has them already."""
    if access.sees_whole_units(user):
        return _kept_medians(user, progress, page, units)
    return _counted_medians(user, progress)


def _counted_medians(user, progress: Progress) -> Medians:
    """An enterprise officer's: counted from the enterprise's dossiers."""
    h = _counted_histogram(user, progress).c
    histograms: Histograms = {"": {}}
    # (executed as plain SQL rows, without the ORM's row handling)
    for unit, stage, days, n in db.session.connection().execute(
            select(h.unit, h.stage, h.days, h.n)).all():
        code = wait_code(stage, days)
        for key in (unit, ""):
            found = histograms.setdefault(key, {})
            found[code] = found.get(code, 0) + n
    return _read_off(histograms, len(histograms) - 1)


def _kept_medians(user, progress: Progress, page: tuple[int, int] | None,
                  units: list[tuple[int, str]] | None) -> Medians:
    """From the summary rows: the page's units' own, then every unit together's."""
    if units is None:
        units = db.session.execute(
            unit_names(user, progress.plan, progress.unit_id).order_by(Unit.code)).all()
    shown = [] if page is None else units[(page[0] - 1) * page[1]:page[0] * page[1]]
    names = dict(shown)
    every_unit = len(shown) == len(units)
    # (by code: each distinct code is parsed once, when the medians are read off)
    histograms: Histograms = {"": {}} | {name: {} for name in names.values()}
    every = histograms[""]
    if shown:
        rows = _kept_rows(progress)
        stmt = select(rows.c.unit_id, rows.c.code, rows.c.n).where(rows.c.unit_id.in_(list(names)))
        for unit, code, n in driver_rows(stmt):
            found = histograms[names[unit]]
            found[code] = found.get(code, 0) + n
            if every_unit:
                every[code] = every.get(code, 0) + n
    if units and not every_unit:
        stmt = _every_unit(user, progress, [unit for unit, _name in units])
        for code, n in db.session.connection().execute(stmt).all():
            every[code] = every.get(code, 0) + n
    return _read_off(histograms, len(units))


def _every_unit(user, progress: Progress, unit_ids: list[int]):  # noqa: ANN202
    """(code, moves) of every unit of the area (``unit_ids``) together, summed in SQL. For
    the board's whole territory, the rows the plan's unit keeps of its children's moves (a
    few thousand, where its children's own are hundreds of thousands for the country),
    less those of its children outside the territory that year (``scope.tally_rows``);
    otherwise the rows of ``unit_ids``."""
    if whole_territory(user, progress.unit_id):
        rows, stmt = tally_rows(user, progress.plan, None, tally.waits_between(*_window(progress)))
        return stmt.add_columns(rows.c.code, func.sum(rows.c.n)).group_by(rows.c.code)
    rows = _kept_rows(progress)
    return select(rows.c.code, func.sum(rows.c.n)).where(rows.c.unit_id.in_(unit_ids)) \
        .group_by(rows.c.code)


def _read_off(histograms: Histograms, units_total: int) -> Medians:
    """The medians of ``histograms`` (whose counts may include a window's pieces taken
    away: negative, or zero once added up)."""
    result = Medians(units_total=units_total)
    parsed: dict[str, tuple[str, int]] = {}  # code -> (stage, days): codes repeat across units
    for unit, counts in histograms.items():
        stages: dict[str, dict[int, int]] = {}
        for code, n in counts.items():
            if n:
                stage, days = parsed.get(code) or parsed.setdefault(code, parse_wait_code(code))
                found = stages.get(stage)
                if found is None:
                    found = stages[stage] = {}
                found[days] = n
        result.by_unit[unit] = {stage: _median(found) for stage, found in stages.items()}
        if unit == "":
            result.samples = {stage: sum(found.values()) for stage, found in stages.items()}
    return result


def _window(progress: Progress) -> tuple[date, date]:
    """The first and last day a move counts in."""
    return progress.as_of - timedelta(days=WINDOW_DAYS - 1), progress.as_of


def _kept_rows(progress: Progress):  # noqa: ANN202
    """The summary rows of the moves completed in the window (``tally.read.rows``)."""
    return tally.rows(tally.waits_between(*_window(progress)))


def _counted_histogram(user, progress: Progress):
    """(unit id, unit name, stage code, days, moves) counted from the dossiers in scope."""
    moves = _moves(user, progress)
    return (select(moves.c.unit_id, moves.c.unit, moves.c.stage, moves.c.days,
                   func.count().label("n"))
            .group_by(moves.c.unit_id, moves.c.unit, moves.c.stage, moves.c.days)
            .subquery("histogram"))


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
