"""Reading sums over ranges of days from the summary rows.

``rows(...)`` is the rows of some ranges as one UNION ALL, one branch per piece of each
range (``periods.signed_pieces``): each branch is one range of the index on (kind, grain,
starts_on), so the rows of other days, grains and kinds are never read, whatever the size
of the table; a piece to take away gives its rows with ``-n``. Callers join the units,
scope them and add up ``n``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import Subquery, literal, select, union_all

from ..models import UnitTally
from .events import ALL_TIME_KINDS, BELOW, COVERAGE, OPEN, REACHED, STAGE, TRAIT, WAIT
from .periods import ALL, MONTH, YEAR, signed_pieces

Range = tuple[str, date | None, date, str]  # kind, first day (None: from the start), last, coarsest


@lru_cache(maxsize=128)
def rows(*ranges: Range, codes: tuple[str, ...] | None = None) -> Subquery:
    """The rows (unit_id, kind, code, starts_on, n) of ``ranges`` whose ``n`` add up to each
    day's once (only ``codes``, when given). An immutable statement, the same for every
    request of the day: built once."""
    t = UnitTally
    columns = (t.unit_id, t.kind, t.code, t.starts_on)
    return _union(columns, [select(*columns, n).where(*where)
                            for kind, first, last, coarsest in ranges
                            for n, where in _pieces(kind, first, last, coarsest, codes)])


@lru_cache(maxsize=128)
def labelled(*ranges: tuple[str, Range, tuple[str, ...]]) -> Subquery:
    """The rows (unit_id, label, n) of each ``(label, range, codes)``: as ``rows``, each
    range's rows named by its label (the same codes can be read up to different days)."""
    t = UnitTally
    return _union((t.unit_id, literal("").label("label")),
                  [select(t.unit_id, literal(label).label("label"), n).where(*where)
                   for label, (kind, first, last, coarsest), codes in ranges
                   for n, where in _pieces(kind, first, last, coarsest, codes)])


@lru_cache(maxsize=128)
def below(parent: int, left_out: tuple[int, ...], *ranges: Range,
          codes: tuple[str, ...] | None = None) -> Subquery:
    """The rows (kind, code, starts_on, n) whose ``n`` add up to each day's once for
    every child of ``parent`` but the units ``left_out``: the rows ``parent`` keeps of its
    children's (``events.BELOW``), named by the children's own kind, less the own rows of
    the units left out. The whole territory's figures are then a few rows, whatever the
    number of its units (usually no unit is left out). Built once per day and units."""
    t = UnitTally
    columns = (literal("").label("kind"), t.code, t.starts_on)
    sources = [((t.unit_id == parent,), True, 1)]
    if left_out:
        sources.append(((t.unit_id.in_(left_out),), False, -1))
    return _union(columns, [
        select(literal(kind).label("kind"), t.code, t.starts_on, n).where(*where, *unit)
        for kind, first, last, coarsest in ranges
        for unit, summed, sign in sources
        for n, where in _pieces(BELOW[kind] if summed else kind, first, last, coarsest, codes, sign)])


def _union(columns: tuple, branches: list) -> Subquery:
    """``branches`` as one subquery (``columns`` and ``n`` of no row when there is none:
    an empty range)."""
    if not branches:
        branches = [select(*columns, UnitTally.n).where(literal(False))]
    return (branches[0] if len(branches) == 1 else union_all(*branches)).subquery("tally")


def _pieces(kind: str, first: date | None, last: date, coarsest: str,
            codes: tuple[str, ...] | None, sign: int = 1) -> list[tuple]:
    """``(n, conditions)`` of each piece of a range: its rows are one range of an index
    on (kind, grain, starts_on), or of the open dossiers' on (code, grain, starts_on)
    for one code; ``n`` negated for a piece taken away (all of them for ``sign`` -1)."""
    t = UnitTally
    found = []
    for piece_sign, grain, start, end in signed_pieces(first, last, coarsest,
                                                       everything=kind in ALL_TIME_KINDS):
        if grain == ALL:
            span = t.starts_on == start
        elif start is None:
            span = t.starts_on <= end
        elif end is None:
            span = t.starts_on >= start
        else:
            span = t.starts_on.between(start, end)
        where = [t.kind == kind, t.grain == grain, span]
        if codes is not None:  # (one code: no list to expand on every execution)
            where.append(t.code == codes[0] if len(codes) == 1 else t.code.in_(codes))
        found.append(((t.n if piece_sign * sign > 0 else -t.n).label("n"), where))
    return found


def stages_on(day: date) -> Range:
    """The rows whose sum per code is the number of dossiers at each stage on ``day``."""
    return (STAGE, None, day, YEAR)


def reached_between(first: date, last: date, per_month: bool = False) -> Range:
    """The rows whose sum per code is the number of milestones reached in ``[first, last]``
    (``per_month``: never whole years, so each row's ``starts_on`` gives its month)."""
    return (REACHED, first, last, MONTH if per_month else YEAR)


def traits_between(first: date, last: date) -> Range:
    """The breakdown rows (``admitted:women`` …) of the admissions and introductions dated
    in ``[first, last]``."""
    return (TRAIT, first, last, YEAR)


def open_up_to(last: date) -> Range:
    """The rows whose sum per code is the number of dossiers open now at each stage (or
    waiting for a deadline, ``events.open_rows``) since a day up to ``last``."""
    return (OPEN, None, last, YEAR)


def waits_between(first: date, last: date) -> Range:
    """The rows whose sum per code is the number of moves between stages completed in
    ``[first, last]``, by stage and days waited (``events.wait_code``)."""
    return (WAIT, first, last, YEAR)


def coverage_up_to(last: date) -> Range:
    """The rows whose sum per code is the number of enterprises with a union on ``last``,
    and of those with a party organisation, somebody identified in a year, or both
    (``events.enterprise_events``)."""
    return (COVERAGE, None, last, YEAR)
