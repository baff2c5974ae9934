"""Keeping the summary rows in the same transaction as every change.

Before a flush, each new, changed or deleted dossier and member is compared with its old
values and what it adds to the summaries is worked out (``events``); after the flush, the
difference is written with upserts (``n = n + delta``: concurrent changes to the same unit
add up, they do not overwrite each other). A member moved to another enterprise, an
enterprise moved to another unit, or a change whose old values were not loaded, rebuilds
the units concerned from the records instead. If the flush or the transaction fails, the
summary rows go with it.

Coverage's rows depend on all of an enterprise's dossiers (``enterprises``): the
enterprises a flush touches are locked and read before it, read again after it, and the
difference is written with the rest.

The milestones, stage moves, breakdowns and waits of a unit's children are also summed at
the unit (``events.BELOW``, ``below``): written with the children's rows they come from,
whoever writes them.

A long transaction (an import) may hold the changes back and write them once before it
commits (``holding``): its flushes then hand their changes to the holder in
``session.info[HELD]`` instead of writing them.

``rebuild()`` recomputes the rows from the records (after bulk loads, or to check them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from heapq import merge
from itertools import groupby, islice
from operator import itemgetter

from sqlalchemy import Connection, case, delete, event, func, inspect, select
from sqlalchemy.orm import Session

from ..bulk import BulkWriter
from ..models import (
    Dossier,
    Enterprise,
    EthnicGroup,
    IndustrialZone,
    Person,
    Religion,
    Unit,
    UnitMembers,
    UnitTally,
)
from . import enterprises as coverage
from . import events, history

_PENDING = "ldld_tally"
# Key in ``session.info`` of the holder of the flushes' changes (``holding.Held``), if any.
HELD = "ldld_tally.held"
history.UNKNOWN = object()
CHUNK = 2000
# The columns of a summary row's key, in the order of ``events.Key``.
TALLY_KEY = ("unit_id", "kind", "code", "grain", "starts_on")


class Pending:
    """The summary changes of one flush."""

    def __init__(self) -> None:
        self.tally: Counter = Counter()
        self.people: Counter = Counter()
        self.rebuild: set[int | None] = set()
        self.rebuild_all = False
        self.enterprises: dict[int, tuple] = {}  # id(enterprise) -> (unit, ownership, zone)

    def __bool__(self) -> bool:
        return bool(self.tally or self.people or self.rebuild or self.rebuild_all)

    def merge(self, other: Pending) -> None:
        """Add ``other``'s changes (of a later flush) to these."""
        self.tally.update(other.tally)
        self.people.update(other.people)
        self.rebuild |= other.rebuild
        self.rebuild_all = self.rebuild_all or other.rebuild_all


def _enterprise_unit(session: Session, enterprise: Enterprise | None) -> int | None:
    if enterprise is None:
        return None
    unit = history.target(session, enterprise, "unit", "unit_id", Unit)
    return None if unit is None else unit.id


def _person_unit(session: Session, person: Person | None) -> int | None:
    if person is None:
        return None
    enterprise = history.target(session, person, "enterprise", "enterprise_id", Enterprise)
    return _enterprise_unit(session, enterprise)


def _unit_of_enterprise_id(session: Session, enterprise_id: object) -> int | None:
    if enterprise_id is None or enterprise_id is history.UNKNOWN:
        return None
    return _enterprise_unit(session, session.get(Enterprise, enterprise_id))


# What of a person and of an enterprise the summaries depend on (besides the dossier).
PERSON_KEYS = ("sex", "birth_date", "role_category", "religion_id", "religion",
               "ethnic_group_id", "ethnic_group", "enterprise_id", "enterprise")
ENTERPRISE_KEYS = ("unit_id", "unit", "ownership", "zone_id", "zone")


def _ident(obj: object | None) -> object:
    return None if obj is None else obj.id


def _enterprise_profile(session: Session, enterprise: Enterprise, pending: Pending) -> tuple:
    """(unit, ownership, zone id) of an enterprise, worked out once per flush (an import
    adds thousands of members to a few enterprises)."""
    found = pending.enterprises.get(id(enterprise))
    if found is None:
        zone = _ident(history.target(session, enterprise, "zone", "zone_id", IndustrialZone))
        found = (_enterprise_unit(session, enterprise), enterprise.ownership, zone)
        pending.enterprises[id(enterprise)] = found
    return found


def _after(session: Session, dossier: Dossier, pending: Pending) -> tuple[int | None, dict] | None:
    """The unit and values of ``dossier`` as this flush leaves it (None without a unit)."""
    person = history.target(session, dossier, "person", "person_id", Person)
    enterprise = history.target(session, person, "enterprise", "enterprise_id", Enterprise)
    unit, ownership, zone = _enterprise_profile(session, enterprise, pending)
    ethnic = history.target(session, person, "ethnic_group", "ethnic_group_id", EthnicGroup)
    values = {name: getattr(dossier, name) for name in events.DOSSIER_FIELDS}
    values.update(sex=person.sex, minority=bool(ethnic and ethnic.is_minority),
                  religion_id=_ident(history.target(session, person, "religion", "religion_id", Religion)),
                  birth_date=person.birth_date, role_category=person.role_category,
                  ownership=ownership, zone_id=zone)
    return unit, values


def _before(session: Session, dossier: Dossier) -> tuple[int | None, dict] | object:
    """The unit and values of ``dossier`` before this flush (``history.UNKNOWN`` if not loaded)."""
    values = {name: history.old(dossier, name) for name in events.DOSSIER_FIELDS}
    unloaded = [name for name, value in values.items() if value is history.UNKNOWN]
    if unloaded and inspect(dossier).key is not None:
        # Set without having been loaded (a dossier just inserted, then given a date): the
        # database still holds the old values until this flush.
        table = Dossier.__table__
        row = session.connection().execute(
            select(*[table.c[name] for name in unloaded]).where(table.c.id == dossier.id)).first()
        if row is not None:
            values.update(zip(unloaded, row, strict=True))
    person_id = history.old_target_id(dossier, "person", "person_id")
    if person_id is history.UNKNOWN or person_id is None:
        return history.UNKNOWN
    person = dossier.person if _ident(dossier.person) == person_id else session.get(Person, person_id)
    enterprise_id = history.old_target_id(person, "enterprise", "enterprise_id")
    ethnic_id = history.old_target_id(person, "ethnic_group", "ethnic_group_id")
    if history.UNKNOWN in (enterprise_id, ethnic_id):
        return history.UNKNOWN
    enterprise = session.get(Enterprise, enterprise_id)
    ethnic = session.get(EthnicGroup, ethnic_id)
    values.update(sex=history.old(person, "sex"), minority=bool(ethnic and ethnic.is_minority),
                  religion_id=history.old_target_id(person, "religion", "religion_id"),
                  birth_date=history.old(person, "birth_date"),
                  role_category=history.old(person, "role_category"),
                  ownership=history.old(enterprise, "ownership"),
                  zone_id=history.old_target_id(enterprise, "zone", "zone_id"))
    unit = history.old_target_id(enterprise, "unit", "unit_id")
    if history.UNKNOWN in values.values() or unit is history.UNKNOWN:
        return history.UNKNOWN
    return unit, values


def _dossier_change(session: Session, dossier: Dossier, pending: Pending, new: bool, gone: bool) -> None:
    """Take away what ``dossier`` added before (unless new), add what it adds now (unless
    deleted); rebuild its unit when its old values are not known."""
    after = None if gone else _after(session, dossier, pending)
    if not new:
        before = _before(session, dossier)
        if before is history.UNKNOWN:
            pending.rebuild.update(u for u in (after and after[0], _person_unit(session, dossier.person))
                                   if u is not None)
            return
        unit, values = before
        if unit is not None:
            events.add_dossier(pending.tally, unit, events.snapshot(values), -1)
    if after is not None and after[0] is not None:
        events.add_dossier(pending.tally, after[0], events.snapshot(after[1]), 1)


def _before_flush(session: Session, flush_context, _instances) -> None:  # noqa: ANN001
    held = session.info.get(HELD)
    if held is not None and held.dry_run:
        return
    pending = Pending()
    dossiers: dict[int, tuple[Dossier, bool, bool]] = {}  # id(obj) -> (dossier, new, gone)
    for obj in session.new:
        if isinstance(obj, Dossier):
            dossiers[id(obj)] = (obj, True, False)
        elif isinstance(obj, Person):
            unit = _person_unit(session, obj)
            if unit is not None:
                pending.people[unit] += 1
    for obj in session.deleted:
        if isinstance(obj, Dossier):
            dossiers[id(obj)] = (obj, False, True)
        elif isinstance(obj, Person):
            unit = _unit_of_enterprise_id(session, history.old_target_id(obj, "enterprise", "enterprise_id"))
            if unit is not None:
                pending.people[unit] -= 1
    for obj in session.dirty:
        if isinstance(obj, Dossier) and history.changed(obj, "person_id", "person", *events.DOSSIER_FIELDS):
            dossiers.setdefault(id(obj), (obj, False, False))
        elif isinstance(obj, Person) and history.changed(obj, *PERSON_KEYS):
            if history.changed(obj, "enterprise_id", "enterprise"):
                old_id = history.old_target_id(obj, "enterprise", "enterprise_id")
                old = _unit_of_enterprise_id(session, old_id)
                if old is None:
                    pending.rebuild.add(_person_unit(session, obj))
                pending.people[old] -= 1
                pending.people[_person_unit(session, obj)] += 1
            if obj.dossier is not None and obj.dossier not in session.deleted:
                dossiers.setdefault(id(obj.dossier), (obj.dossier, obj.dossier in session.new, False))
        elif isinstance(obj, Enterprise) and history.changed(obj, *ENTERPRISE_KEYS):
            old = history.old_target_id(obj, "unit", "unit_id")
            pending.rebuild.update(u for u in (_enterprise_unit(session, obj), old)
                                   if u is not None and u is not history.UNKNOWN)
        elif isinstance(obj, EthnicGroup) and history.changed(obj, "is_minority"):
            pending.rebuild_all = True
        elif isinstance(obj, Unit) and history.changed(obj, "parent_id", "parent"):
            pending.rebuild_all = True  # (its waits now count under another unit)
    for dossier, new, gone in dossiers.values():
        _dossier_change(session, dossier, pending, new, gone)
    coverage.before_flush(session, flush_context, dossiers)
    pending.rebuild.discard(None)
    if pending:
        flush_context.attributes[_PENDING] = pending


def _after_flush(session: Session, flush_context) -> None:  # noqa: ANN001
    pending: Pending | None = flush_context.attributes.pop(_PENDING, None)
    found = coverage.after_flush(session, flush_context)
    if found:
        pending = pending if pending is not None else Pending()
        pending.tally.update(found)
    if pending is None:
        return
    held = session.info.get(HELD)
    if held is not None:
        held.add(pending)
    else:
        write(session.connection(), pending)


def write(connection: Connection, pending: Pending) -> None:
    """Write the changes of one flush (or of many, merged) to the summary rows."""
    if pending.rebuild_all:
        rebuild(connection)
        return
    tally = [(key, n) for key, n in pending.tally.items() if n and key[0] not in pending.rebuild]
    pending.tally.clear()  # (taken: an import's hundreds of thousands, freed before the writing)
    people = [(unit, n) for unit, n in pending.people.items()
              if n and unit is not None and unit not in pending.rebuild]
    _lock_units(connection, {key[0] for key, _ in tally} | {unit for unit, _ in people}, share=True)
    add(connection, tally, people)
    if pending.rebuild:
        rebuild(connection, pending.rebuild)


def _lock_units(connection: Connection, units: Iterable[int] | None, share: bool) -> None:
    """Lock the units' rows (PostgreSQL; SQLite has one writer at a time): changes adding to a
    unit's summaries share the lock, a rebuild takes it alone, so a rebuild neither misses a
    change committed while it runs nor collides with its rows. In id order: no deadlock."""
    if connection.dialect.name != "postgresql" or units is not None and not units:
        return
    stmt = select(Unit.id).order_by(Unit.id).with_for_update(read=share)
    if units is not None:
        stmt = stmt.where(Unit.id.in_(sorted(units)))
    connection.execute(stmt).all()


def _upsert(connection: Connection, table, keys: tuple[str, ...], count: str,  # noqa: ANN001
            rows: list[tuple]) -> None:
    """Insert ``rows`` (``keys`` then ``count``, as tuples); where the key exists already,
    add their count to it. Sent to the driver as one executemany (the import sends hundreds
    of thousands: SQLAlchemy's per-row parameter handling was a third of the cost)."""
    if not rows:
        return
    on_sqlite = connection.dialect.name == "sqlite"
    marker = "?" if on_sqlite else "%s"
    columns = (*keys, count)
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))}) "
           f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {count} = {table.name}.{count} + excluded.{count}")
    if on_sqlite:  # dates as SQLAlchemy stores them there
        rows = [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows]
    connection.exec_driver_sql(sql, rows)


def parents(connection: Connection, units: Iterable[int] | None = None) -> dict[int, int]:
    """unit id -> its parent's id, for ``units`` (every unit when None) that have one."""
    stmt = select(Unit.id, Unit.parent_id).where(Unit.parent_id.is_not(None))
    if units is not None:
        stmt = stmt.where(Unit.id.in_(sorted(set(units))))
    return dict(connection.execute(stmt).all())


def below(parent_of: dict[int, int],
          tally: Sequence[tuple[events.Key, int]]) -> Iterator[tuple[events.Key, int]]:
    """What ``tally``'s rows (in key order) of the kinds summed at the parent
    (``events.BELOW``) add at their units' parents (``parent_of``), in key order and added
    up per key. Streamed: an import writes hundreds of thousands of rows, and each unit's
    rows of a kind are already in order, so they are merged, not collected."""
    spans: dict[tuple[int, str], list[int]] = {}  # (unit, kind) -> [first, last + 1] in ``tally``
    for index, (key, _n) in enumerate(tally):
        if key[1] in events.BELOW and key[0] in parent_of:
            spans.setdefault(key[:2], [index, index])[1] = index + 1
    runs = [_moved_to(parent_of[unit], events.BELOW[kind], islice(tally, first, last))
            for (unit, kind), (first, last) in spans.items()]
    for key, rows in groupby(merge(*runs), key=itemgetter(0)):
        if total := sum(n for _key, n in rows):
            yield key, total


def _moved_to(parent: int, kind: str,
              rows: Iterable[tuple[events.Key, int]]) -> Iterator[tuple[events.Key, int]]:
    return (((parent, kind, code, grain, starts_on), n)
            for (_unit, _kind, code, grain, starts_on), n in rows)


def add(connection: Connection, tally: Iterable[tuple[events.Key, int]],
        people: Iterable[tuple[int, int]] = ()) -> None:
    """Add ``tally`` (key, count), with what it adds at its units' parents, and ``people``
    (unit, count) to the summary rows."""
    tally = sorted(tally)
    summed_above = {key[0] for key, _ in tally if key[1] in events.BELOW}
    parent_of = parents(connection, summed_above) if summed_above else {}
    # Rows in key order, whoever writes them: concurrent changes wait, never deadlock.
    for chunk in _chunks(merge(tally, below(parent_of, tally))):
        _upsert(connection, UnitTally.__table__, TALLY_KEY, "n", [(*key, n) for key, n in chunk])
    _upsert(connection, UnitMembers.__table__, ("unit_id",), "people", sorted(people))


def _chunks(items: Iterator, size: int = CHUNK) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


def _people(units: list[int] | None):  # noqa: ANN202
    stmt = (select(Enterprise.unit_id, func.count()).select_from(Person)
            .join(Enterprise, Person.enterprise_id == Enterprise.id).group_by(Enterprise.unit_id))
    return stmt if units is None else stmt.where(Enterprise.unit_id.in_(units))


def _nonzero(totals: Counter) -> Counter:
    return Counter({key: n for key, n in totals.items() if n})


def computed(connection: Connection, unit_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Counter]]:
    """The summary rows the records give, unit by unit (``unit_ids``, or every unit with
    a dossier or an enterprise with a union): ``(unit_id, Counter of key -> count)``, one
    unit in memory at a time: its dossiers' rows and its enterprises' coverage rows."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    both = merge(_dossiers_computed(connection, units), coverage.computed(connection, units),
                 key=itemgetter(0))
    for unit, parts in groupby(both, key=itemgetter(0)):
        totals: Counter = Counter()
        for _unit, part in parts:
            totals.update(part)
        yield unit, _nonzero(totals)


def _dossiers_computed(connection: Connection, units: list[int] | None) -> Iterator[tuple[int, Counter]]:
    """``computed``'s rows of the dossiers of ``units`` (every unit when None)."""
    stmt = (select(Enterprise.unit_id, *[Dossier.__table__.c[n] for n in events.DOSSIER_FIELDS],
                   Person.sex, EthnicGroup.is_minority.label("minority"), Person.religion_id,
                   Person.birth_date, Person.role_category, Enterprise.ownership, Enterprise.zone_id)
            .select_from(Dossier).join(Person, Dossier.person_id == Person.id)
            .join(EthnicGroup, Person.ethnic_group_id == EthnicGroup.id)
            .join(Enterprise, Person.enterprise_id == Enterprise.id).order_by(Enterprise.unit_id))
    if units is not None:
        stmt = stmt.where(Enterprise.unit_id.in_(units))
    totals: Counter = Counter()
    current = None
    for row in connection.execute(stmt.execution_options(stream_results=True, yield_per=CHUNK)):
        if row[0] != current:
            if current is not None:
                yield current, _nonzero(totals)
            totals, current = Counter(), row[0]
        events.add_dossier(totals, row[0], events.snapshot(row._asdict()), 1)
    if current is not None:
        yield current, _nonzero(totals)


def rebuild(connection: Connection, unit_ids: Iterable[int] | None = None) -> None:
    """Recompute the summary rows of ``unit_ids`` (all units when None) from the records,
    and what they add at their parents."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    _lock_units(connection, units, share=False)
    table = UnitTally.__table__
    above: Counter = Counter()  # the change to the parents' rows (a few units rebuilt)
    if units is not None:
        parent_of = parents(connection, units)
        key = [table.c[name] for name in TALLY_KEY]
        old = connection.execute(select(*key, table.c.n).where(
            table.c.unit_id.in_(units), table.c.kind.in_(sorted(events.BELOW))).order_by(*key)).all()
        above.subtract(dict(below(parent_of, [(tuple(row[:-1]), row[-1]) for row in old])))
    own_rows, members = delete(table), delete(UnitMembers.__table__)
    if units is not None:  # (the units' own rows: the rows summed from their children stay)
        own_rows = own_rows.where(table.c.unit_id.in_(units),
                                  table.c.kind.not_in(sorted(events.BELOW_KINDS)))
        members = members.where(UnitMembers.unit_id.in_(units))
    connection.execute(own_rows)
    connection.execute(members)
    bulk = BulkWriter(connection)  # the rows are new: COPY on PostgreSQL, no upsert
    bulk.write(UnitMembers.__table__, [{"unit_id": unit, "people": n}
                                       for unit, n in connection.execute(_people(units))])
    for _unit, totals in computed(connection, units):
        bulk.write(table, [dict(zip(TALLY_KEY, key, strict=True), n=n) for key, n in totals.items()])
        if units is not None:
            above.update(dict(below(parent_of, sorted(totals.items()))))
    if units is None:
        connection.execute(_sum_below())
    else:
        for chunk in _chunks(iter(sorted((key, n) for key, n in above.items() if n))):
            _upsert(connection, table, TALLY_KEY, "n", [(*key, n) for key, n in chunk])


def _sum_below():  # noqa: ANN202
    """INSERT every parent's rows of its children's (``events.BELOW``), summed in SQL
    (after a whole rebuild: the country's would not fit in memory)."""
    t = UnitTally.__table__
    n = func.sum(t.c.n)
    kind = case(events.BELOW, value=t.c.kind)
    summed = (select(Unit.parent_id, kind, t.c.code, t.c.grain, t.c.starts_on, n)
              .join(Unit, Unit.id == t.c.unit_id)
              .where(t.c.kind.in_(sorted(events.BELOW)), Unit.parent_id.is_not(None))
              .group_by(Unit.parent_id, kind, t.c.code, t.c.grain, t.c.starts_on).having(n != 0))
    return t.insert().from_select([*TALLY_KEY, "n"], summed)


def differences(connection: Connection) -> list[str]:
    """Where the stored summary rows differ from the records (empty when they agree)."""
    problems = []
    stored_people = {u: n for u, n in connection.execute(
        select(UnitMembers.unit_id, UnitMembers.people)) if n}
    people = {u: n for u, n in connection.execute(_people(None)) if n}
    if stored_people != people:
        problems.append(f"members per unit: stored {stored_people}, records {people}")
    table = UnitTally.__table__
    stored: dict[int, Counter] = {}
    stored_above: Counter = Counter()
    for unit, kind, code, grain, starts_on, n in connection.execute(select(table).where(table.c.n != 0)):
        key = (unit, kind, code, grain, starts_on)
        if kind in events.BELOW_KINDS:
            stored_above[key] = n
        else:
            stored.setdefault(unit, Counter())[key] = n
    above: Counter = Counter()
    parent_of = parents(connection)
    for unit, totals in computed(connection):
        kept = stored.pop(unit, Counter())
        if kept != totals:
            problems.append(_differing(f"unit {unit}", kept, totals))
        above.update(dict(below(parent_of, sorted(totals.items()))))
    problems += [f"unit {unit}: rows without dossiers" for unit in stored]
    if stored_above != _nonzero(above):
        problems.append(_differing("the rows summed below the units", stored_above, _nonzero(above)))
    return problems


def _differing(what: str, kept: Counter, computed_: Counter) -> str:
    wrong = sorted(set(kept.items()) ^ set(computed_.items()), key=str)[:5]
    return f"{what}: {len(wrong)}+ rows differ, e.g. {wrong}"


def install() -> None:
    """Listen to every ORM session's flushes (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
