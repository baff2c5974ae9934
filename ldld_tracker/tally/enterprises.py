"""What each enterprise adds to coverage's summary rows (``events.enterprise_events``),
read from the records: its union, its party organisation and, per year, the first day
somebody there was identified.

Whether somebody was identified in an enterprise depends on all of its dossiers, so a
change is not worked out from one dossier's old and new values: the enterprises a flush
touches are read before it and again after it, and the difference is what it adds
(``before_flush`` and ``after_flush``, called by ``upkeep``'s session hooks). They are
locked first (``lock``) until the transaction ends: two officers recording the year's
first identification in one enterprise at once are counted once, the second reading the
first's once it has committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Connection, Select, bindparam, extract, func, inspect, select
from sqlalchemy.orm import Session

from ..database import take_sqlite_write_lock
from ..models import Dossier, Enterprise, Person
from . import events, history

CHUNK = 2000
_KEY = "ldld_tally.coverage"  # in a flush's attributes: what ``before_flush`` read
# (unit, [(kind, code, day, count)]) of an enterprise, by enterprise id
Contributions = dict[int, tuple[int, list[tuple[str, str, date, int]]]]


@cache
def _rows(among: str | None, through_people: bool = False) -> Select:
    """(id, unit, union founded, party organisation, since, year, first identified) of the
    enterprises with a union (``among`` ``"ids"``: of the parameter ``ids``; ``"units"``:
    of the units of the parameter ``units``; None: all), one row per year somebody there
    was identified (one without a year when nobody was), in enterprise order (by unit
    first, but for ``"ids"``).
    ``through_people``: each dossier's enterprise read from its person (as a rebuild run by
    an earlier migration needs: the dossier's own column came later), not from the index
    on the dossier's. Built once per variant (it is run by every flush that touches an
    enterprise)."""
    year = extract("year", Dossier.identified_on)
    enterprise = Person.enterprise_id if through_people else Dossier.enterprise_id
    firsts = (select(enterprise.label("enterprise_id"), year.label("year"),
                     func.min(Dossier.identified_on).label("first"))
              .where(Dossier.identified_on.is_not(None))
              .group_by(enterprise, year))
    if through_people:
        firsts = firsts.join(Person, Person.id == Dossier.person_id)
    e = Enterprise
    stmt = select(e.id, e.unit_id, e.union_founded_on, e.has_party_org, e.party_org_since)
    if among is not None:
        chosen = (bindparam("ids", expanding=True) if among == "ids" else
                  select(e.id).where(e.unit_id.in_(bindparam("units", expanding=True))))
        firsts = firsts.where(enterprise.in_(chosen))
        stmt = stmt.where(e.id.in_(chosen))
    firsts = firsts.subquery("firsts")
    # In unit order for a rebuild, one unit at a time; a flush's few enterprises are found
    # by their ids (in unit order, SQLite read every enterprise from the index on the unit).
    order = (e.id,) if among == "ids" else (e.unit_id, e.id)
    return (stmt.add_columns(firsts.c.year, firsts.c.first)
            .outerjoin(firsts, firsts.c.enterprise_id == e.id)
            .where(e.union_founded_on.is_not(None))
            .order_by(*order))


def _per_enterprise(rows: Iterable) -> Iterator[tuple[int, int, list]]:
    """(enterprise, unit, its events) from ``_rows``'s rows."""
    for (enterprise, unit), group in groupby(rows, key=itemgetter(0, 1)):
        group = list(group)
        _id, _unit, union_on, has_org, since, _year, _first = group[0]
        firsts = {int(row[5]): _day(row[6]) for row in group if row[6] is not None}
        yield enterprise, unit, events.enterprise_events(_day(union_on), bool(has_org), _day(since), firsts)


def _day(value: object) -> date | None:
    """A date as the driver gives it (SQLite's aggregate gives its text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def contributions(connection: Connection, enterprise_ids: Iterable[int]) -> Contributions:
    """What each of ``enterprise_ids`` with a union adds, as the database holds it now."""
    ids = sorted(set(enterprise_ids))
    found: Contributions = {}
    for start in range(0, len(ids), CHUNK):
        rows = connection.execute(_rows("ids"), {"ids": ids[start:start + CHUNK]})
        found.update((e, (unit, rows_)) for e, unit, rows_ in _per_enterprise(rows))
    return found


def difference(totals: Counter, before: Contributions, after: Contributions) -> None:
    """Add to ``totals`` what the enterprises add now (``after``) less what they added
    (``before``)."""
    for unit, found in before.values():
        events.add(totals, unit, found, -1)
    for unit, found in after.values():
        events.add(totals, unit, found, 1)


def computed(connection: Connection, units: list[int] | None) -> Iterator[tuple[int, Counter]]:
    """``(unit, rows)`` of coverage for ``units`` (every unit when None) from the records,
    in unit order, one unit in memory at a time. (Each dossier's enterprise read from its
    person: rebuilds also run in earlier migrations.)"""
    stmt = _rows(None if units is None else "units", through_people=True)
    rows = connection.execute(stmt.execution_options(stream_results=True, yield_per=CHUNK),
                              {} if units is None else {"units": units})
    for unit, group in groupby(_per_enterprise(rows), key=itemgetter(1)):
        totals: Counter = Counter()
        for _enterprise, _unit, found in group:
            events.add(totals, unit, found, 1)
        yield unit, totals


def lock(connection: Connection, enterprise_ids: Iterable[int]) -> None:
    """Lock the enterprises until the transaction ends, before they are read. PostgreSQL:
    their rows, in id order (no deadlock between two flushes), ``FOR NO KEY UPDATE`` as an
    update of the enterprise itself takes, so people and dossiers can still be added to it
    (their foreign keys take a key share). SQLite: the database's write lock, taken now
    rather than at the flush's first write, so the enterprises are read after any other
    writer has committed (one writer at a time; a read outside a transaction would not
    wait for it)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    if connection.dialect.name == "sqlite":
        take_sqlite_write_lock(connection)
        return
    for start in range(0, len(ids), CHUNK):
        connection.execute(select(Enterprise.id).where(Enterprise.id.in_(ids[start:start + CHUNK]))
                           .order_by(Enterprise.id).with_for_update(key_share=True)).all()


# What of an enterprise coverage's rows depend on (besides its dossiers).
COVERAGE_KEYS = ("union_founded_on", "has_party_org", "party_org_since", "unit_id", "unit")


class Touched:
    """The enterprises whose coverage rows a flush may change: ``ids`` as the database
    holds them before it, and ``new`` enterprise objects (their ids come with the flush).
    Also the dossiers and people whose enterprise before the flush is read from the
    database (``dossiers``, ``people``)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.new: list[Enterprise] = []
        self.dossiers: set[int] = set()
        self.people: set[int] = set()

    def now(self, enterprise: Enterprise | None) -> None:
        """The enterprise a new or changed object points to now."""
        if enterprise is None:
            return
        if inspect(enterprise).key is None:
            self.new.append(enterprise)
        else:
            self.ids.add(enterprise.id)

    def before(self, connection: Connection) -> set[int]:
        """Every enterprise id, those of the dossiers' and people's enterprises read first."""
        table_d, table_p = Dossier.__table__, Person.__table__
        for table, ids in ((table_d, self.dossiers), (table_p, self.people)):
            if ids:
                self.ids.update(connection.execute(
                    select(table.c.enterprise_id).where(table.c.id.in_(sorted(ids)))).scalars())
        self.ids.discard(None)
        return self.ids


def _touched(session: Session, dossiers: dict) -> Touched:
    """The enterprises whose coverage rows this flush may change: of the dossiers whose
    day identified or person changes, of the people who move or go, and the enterprises
    whose union, party organisation or unit changes."""
    touched = Touched()
    for dossier, new, gone in dossiers.values():
        if not new:
            if not gone and not history.changed(dossier, "identified_on", "person_id", "person"):
                continue
            touched.dossiers.add(dossier.id)
        elif dossier.identified_on is None:
            continue
        if not gone:
            person = history.target(session, dossier, "person", "person_id", Person)
            if person is not None:
                touched.now(history.target(session, person, "enterprise", "enterprise_id", Enterprise))
    for obj in session.deleted:
        if isinstance(obj, Person):
            touched.people.add(obj.id)
        elif isinstance(obj, Enterprise):
            touched.ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Person) and history.changed(obj, "enterprise_id", "enterprise"):
            touched.people.add(obj.id)
            touched.now(history.target(session, obj, "enterprise", "enterprise_id", Enterprise))
        elif isinstance(obj, Enterprise) and history.changed(obj, *COVERAGE_KEYS):
            touched.ids.add(obj.id)
    touched.new += [obj for obj in session.new if isinstance(obj, Enterprise)]
    return touched


def before_flush(session: Session, flush_context, dossiers: dict) -> None:  # noqa: ANN001
    """Lock and read the enterprises this flush may change (``dossiers``: the flush's
    dossiers as ``id(obj) -> (dossier, new, gone)``), for ``after_flush``."""
    touched = _touched(session, dossiers)
    if touched.dossiers or touched.people or touched.ids or touched.new:
        connection = session.connection()
        ids = touched.before(connection)
        lock(connection, ids)
        flush_context.attributes[_KEY] = (touched, contributions(connection, ids))


def after_flush(session: Session, flush_context) -> Counter:  # noqa: ANN001
    """What the flush changed of coverage's rows (empty when it touched no enterprise)."""
    found = flush_context.attributes.pop(_KEY, None)
    totals: Counter = Counter()
    if found is not None:
        touched, before = found
        ids = touched.ids | {e.id for e in touched.new if e.id is not None}
        difference(totals, before, contributions(session.connection(), ids))
    return totals
