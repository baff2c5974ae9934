"""How many open dossiers each unit has on each due list, read from the kept rows of the
open dossiers (``unit_tally`` kind ``o``, ``tally.events.open_rows``), and which units the
first entries of the lists are in.

The kept rows are the dossiers as they stand now. On the "as of" day they are the same
for every unit with nothing dated after that day (the usual case: today's page). A unit
with a milestone or an end dated later (a page of a day in the past) is marked
``changed``: its dossiers are read and counted from the records instead. An area of
at most ``WHOLE_AREA_UNITS`` units (a district officer's one, a province's 15), or one
most of whose units changed, is read whole: the numbers are not looked up.

Each list is the dossiers at some stages (or waiting for some deadline) since a day up
to a cut-off day (``Read``), so one unit's number on it is the sum of a few of its rows:
the all-time row less the days after the cut-off, or whole years, months and days up to
it (``tally.periods``), whichever reads fewer. Two queries: the units with their marks
(``area_units``), then their numbers (none for an area read whole).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from .. import access
from ..extensions import db
from ..models import Unit, UnitTally
from ..tally import read as tally
from ..tally.events import REACHED, STAGE
from ..tally.periods import DAY
from .figures import Progress
from .scope import unit_names

# (list key, codes of the kept rows, last day reached): the open dossiers on a list.
Read = tuple[str, tuple[str, ...], date]
# Up to this many units, an area's dossiers are all read without looking up the units'
# numbers: the province's board (15 units) took 93-105 ms with every unit read, 100-120
# ms with the numbers looked up (then 9 of the 15 read for a page of 50); the country's
# board (900 units) 929-1,038 ms against 262-269 ms (one process, alternating).
WHOLE_AREA_UNITS = 50


@dataclass
class UnitLists:
    unit_id: int
    name: str
    changed: bool  # something dated after the "as of" day: counted from the records
    # list key -> open dossiers on it (None: not known here, the unit is read)
    counts: Counter | None = field(default_factory=Counter)


def area_units(user, progress: Progress) -> list[UnitLists]:
    """The units of the user's area in code order, each marked if it changed after the
    "as of" day (one query; the medians of ``durations`` take the same units)."""
    t = UnitTally
    later = (select(t.unit_id)
             .where(t.unit_id == Unit.id, t.kind.in_((REACHED, STAGE)), t.grain == DAY,
                    t.starts_on > progress.as_of, t.n > 0)
             .exists())
    # (plain SQL rows, without the ORM's row handling: the country has 900 units)
    return [UnitLists(unit_id, name, changed) for unit_id, name, changed in db.session.connection().execute(
        unit_names(user, progress.plan, progress.unit_id).add_columns(later).order_by(Unit.code))]


def unit_lists(user, progress: Progress, units: list[UnitLists], reads: Iterable[Read]) -> None:
    """Fill in each unit's number on each list (``reads``) from the kept rows, unless the
    area is read whole (one query, or none)."""
    ranges = tuple((key, tally.open_up_to(day), codes) for key, codes, day in reads)
    whole = len(units) <= WHOLE_AREA_UNITS or sum(unit.changed for unit in units) * 2 > len(units)
    for unit in units:
        if unit.changed or whole:
            unit.counts = None
    by_id = {unit.unit_id: unit.counts for unit in units if unit.counts is not None}
    if by_id and ranges:
        rows = tally.labelled(*ranges)
        stmt = select(rows.c.unit_id, rows.c.label, func.sum(rows.c.n))
        if not (access.sees_every_unit(user) and progress.unit_id is None):
            stmt = stmt.where(rows.c.unit_id.in_(list(by_id)))
        # (the board's whole territory: every unit's rows, those of units outside it
        # dropped here, rather than a list of hundreds of units repeated in every branch)
        for unit_id, key, n in db.session.connection().execute(
                stmt.group_by(rows.c.unit_id, rows.c.label)).all():
            if unit_id in by_id:
                by_id[unit_id][key] += n


def units_to_read(units: list[UnitLists], keys: Iterable[str],
                  limit: int) -> tuple[list[int], Counter]:
    """The units whose dossiers are read (those holding the first ``limit`` entries of
    each list, in unit order, and every unit whose numbers are not known here), and, per
    list, the entries in the units not read. The units after one of unknown numbers are
    read as if it had none, which may read a unit more than needed, never one less."""
    keys = tuple(keys)
    before = dict.fromkeys(keys, 0)  # entries of each list in the known units so far
    read: list[int] = []
    rest: Counter = Counter()
    for unit in units:
        counts = unit.counts
        if counts is None:
            read.append(unit.unit_id)
            continue
        if any(counts[key] and before[key] < limit for key in keys):
            read.append(unit.unit_id)
        else:
            for key, n in counts.items():
                rest[key] += n
        for key in keys:
            before[key] += counts[key]
    return read, rest
