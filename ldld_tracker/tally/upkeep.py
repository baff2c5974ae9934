"""Keeping the summary rows in the same transaction as every change.

Before a flush, each new, changed or deleted dossier and member is compared with its old
values and what it adds to the summaries is worked out (``events``); after the flush, the
difference is written with upserts (``n = n + delta``: concurrent changes to the same unit
add up, they do not overwrite each other). A member moved to another enterprise, an
enterprise moved to another unit, or a change whose old values were not loaded, rebuilds
the units concerned from the records instead. If the flush or the transaction fails, the
summary rows go with it.

``rebuild()`` recomputes the rows from the records (after bulk loads, or to check them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import Connection, delete, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from ..models import Dossier, Enterprise, Person, Unit, UnitMembers, UnitTally
from . import events

_PENDING = "ldld_tally"
_UNKNOWN = object()
CHUNK = 2000


class _Pending:
    """The summary changes of one flush."""

    def __init__(self) -> None:
        self.tally: Counter = Counter()
        self.people: Counter = Counter()
        self.rebuild: set[int] = set()


def _old(obj: object, key: str) -> object:
    """The value ``key`` had before this flush (``_UNKNOWN`` if it was never loaded)."""
    state = inspect(obj)
    if key in state.committed_state:
        value = state.committed_state[key]
        return _UNKNOWN if value is NO_VALUE else value
    return getattr(obj, key)


def _changed(obj: object, *keys: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def _target(session: Session, obj: object, relation: str, column: str, model: type) -> object:
    """What ``obj`` refers to now, whether the relation or the foreign key was set."""
    if _changed(obj, relation) or getattr(obj, column) is None:
        return getattr(obj, relation)
    return session.get(model, getattr(obj, column))


def _old_target_id(obj: object, relation: str, column: str) -> object:
    """The id ``obj`` referred to before this flush (``_UNKNOWN`` if never loaded)."""
    state = inspect(obj)
    if relation in state.committed_state:
        old = state.committed_state[relation]
        return _UNKNOWN if old is NO_VALUE else getattr(old, "id", None)
    return _old(obj, column)


def _enterprise_unit(session: Session, enterprise: Enterprise | None) -> int | None:
    if enterprise is None:
        return None
    unit = _target(session, enterprise, "unit", "unit_id", Unit)
    return None if unit is None else unit.id


def _person_unit(session: Session, person: Person | None) -> int | None:
    if person is None:
        return None
    return _enterprise_unit(session, _target(session, person, "enterprise", "enterprise_id", Enterprise))


def _unit_of_enterprise_id(session: Session, enterprise_id: object) -> int | None:
    if enterprise_id is None or enterprise_id is _UNKNOWN:
        return None
    return _enterprise_unit(session, session.get(Enterprise, enterprise_id))


def _dossier_change(session: Session, dossier: Dossier, pending: _Pending, new: bool, gone: bool) -> None:
    person = _target(session, dossier, "person", "person_id", Person)
    new_unit = None if gone else _person_unit(session, person)
    if not new:
        old_values = {name: _old(dossier, name) for name in events.DOSSIER_FIELDS}
        old_person = _old_target_id(dossier, "person", "person_id")
        if _UNKNOWN in old_values.values() or old_person is _UNKNOWN:
            pending.rebuild.update(u for u in (new_unit, _person_unit(session, person)) if u is not None)
            return
        old_unit = _person_unit(session, session.get(Person, old_person)) if old_person is not None else None
        if old_unit is not None:
            events.add_dossier(pending.tally, old_unit, events.snapshot(old_values), -1)
    if new_unit is not None:
        current = {name: getattr(dossier, name) for name in events.DOSSIER_FIELDS}
        events.add_dossier(pending.tally, new_unit, events.snapshot(current), 1)


def _before_flush(session: Session, flush_context, _instances) -> None:  # noqa: ANN001
    pending = _Pending()
    for obj in session.new:
        if isinstance(obj, Dossier):
            _dossier_change(session, obj, pending, new=True, gone=False)
        elif isinstance(obj, Person):
            unit = _person_unit(session, obj)
            if unit is not None:
                pending.people[unit] += 1
    for obj in session.deleted:
        if isinstance(obj, Dossier):
            _dossier_change(session, obj, pending, new=False, gone=True)
        elif isinstance(obj, Person):
            unit = _unit_of_enterprise_id(session, _old_target_id(obj, "enterprise", "enterprise_id"))
            if unit is not None:
                pending.people[unit] -= 1
    for obj in session.dirty:
        if isinstance(obj, Dossier) and _changed(obj, "person_id", "person", *events.DOSSIER_FIELDS):
            _dossier_change(session, obj, pending, new=False, gone=False)
        elif isinstance(obj, Person) and _changed(obj, "enterprise_id", "enterprise"):
            old = _unit_of_enterprise_id(session, _old_target_id(obj, "enterprise", "enterprise_id"))
            pending.rebuild.update(u for u in (_person_unit(session, obj), old) if u is not None)
        elif isinstance(obj, Enterprise) and _changed(obj, "unit_id", "unit"):
            old = _old_target_id(obj, "unit", "unit_id")
            pending.rebuild.update(u for u in (_enterprise_unit(session, obj), old)
                                   if u is not None and u is not _UNKNOWN)
    if pending.tally or pending.people or pending.rebuild:
        flush_context.attributes[_PENDING] = pending


def _after_flush(session: Session, flush_context) -> None:  # noqa: ANN001
    pending: _Pending | None = flush_context.attributes.pop(_PENDING, None)
    if pending is None:
        return
    connection = session.connection()
    tally = [(key, n) for key, n in pending.tally.items() if n and key[0] not in pending.rebuild]
    people = [(unit, n) for unit, n in pending.people.items() if n and unit not in pending.rebuild]
    add(connection, tally, people)
    if pending.rebuild:
        rebuild(connection, pending.rebuild)


def _upsert(connection: Connection, table, keys: tuple[str, ...], count: str,  # noqa: ANN001
            rows: list[dict]) -> None:
    """Insert ``rows``; where the key exists already, add their ``count`` to it."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys],
                                      set_={count: table.c[count] + stmt.excluded[count]})
    connection.execute(stmt, rows)


def add(connection: Connection, tally: Iterable[tuple[events.Key, int]],
        people: Iterable[tuple[int, int]] = ()) -> None:
    """Add ``tally`` (key, count) and ``people`` (unit, count) to the summary rows."""
    keys = ("unit_id", "kind", "code", "grain", "starts_on")
    for chunk in _chunks(iter(tally)):
        _upsert(connection, UnitTally.__table__, keys, "n",
                [dict(zip(keys, key, strict=True), n=n) for key, n in chunk])
    _upsert(connection, UnitMembers.__table__, ("unit_id",), "people",
            [{"unit_id": unit, "people": n} for unit, n in people])


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
    a dossier): ``(unit_id, Counter of key -> count)``, one unit in memory at a time."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    stmt = (select(Enterprise.unit_id, *[Dossier.__table__.c[n] for n in events.DOSSIER_FIELDS])
            .select_from(Dossier).join(Person, Dossier.person_id == Person.id)
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
    """Recompute the summary rows of ``unit_ids`` (all units when None) from the records."""
    units = None if unit_ids is None else sorted(set(unit_ids))
    for table in (UnitTally.__table__, UnitMembers.__table__):
        stmt = delete(table)
        if units is not None:
            stmt = stmt.where(table.c.unit_id.in_(units))
        connection.execute(stmt)
    add(connection, (), [tuple(row) for row in connection.execute(_people(units))])
    for _unit, totals in computed(connection, units):
        add(connection, totals.items())


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
    for unit, kind, code, grain, starts_on, n in connection.execute(select(table).where(table.c.n != 0)):
        stored.setdefault(unit, Counter())[(unit, kind, code, grain, starts_on)] = n
    for unit, totals in computed(connection):
        kept = stored.pop(unit, Counter())
        if kept != totals:
            wrong = sorted(set(kept.items()) ^ set(totals.items()), key=str)[:5]
            problems.append(f"unit {unit}: {len(wrong)}+ rows differ, e.g. {wrong}")
    problems += [f"unit {unit}: rows without dossiers" for unit in stored]
    return problems


def install() -> None:
    """Listen to every ORM session's flushes (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
