"""Writing the audit log. Entries are only ever added, never changed or deleted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Session

from .extensions import db
from .models import AuditEntry, User

# Key in ``session.info`` of the entries ``record(flush=False)`` holds back.
DEFERRED = "audit.deferred"
# Key in ``session.info`` set while no entry is kept (``unkept``).
UNKEPT = "audit.unkept"


@contextmanager
def unkept(session: Session) -> Iterator[None]:
    """No audit entry is made in ``session`` meanwhile: for work that is always rolled
    back (an import's preview), whose entries could never be written. Operations skip
    the snapshots they take only for their entry (``kept()``)."""
    session.info[UNKEPT] = True
    try:
        yield
    finally:
        session.info.pop(UNKEPT, None)


def kept() -> bool:
    """Whether an entry recorded now would be kept (see ``unkept``)."""
    return UNKEPT not in db.session.info


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: object, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The current values of ``names`` on ``obj``, in JSON-friendly form.

    A loaded column value is read straight from the object's state (what the attribute
    would return, without its descriptor: an import takes hundreds of thousands of
    snapshots); anything else (not loaded, expired, not a column) through the attribute."""
    loaded, columns = obj.__dict__, _column_keys(type(obj))
    return {name: _plain(loaded[name] if name in columns and name in loaded else getattr(obj, name))
            for name in names}


@cache
def _column_keys(cls: type) -> frozenset[str]:
    """The mapped column attributes of ``cls`` (none if it is not mapped)."""
    try:
        return frozenset(attr.key for attr in inspect(cls).column_attrs)
    except NoInspectionAvailable:
        return frozenset()


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [before, after]}`` for every field whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record(
    actor: User | None,
    action: str,
    obj: Any = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    *,
    flush: bool = True,
) -> AuditEntry | None:
    """Add an audit entry to the session (committed with the change it describes).

    ``flush=False`` is for callers that write many changes and flush once (the import):
    the entry is held back, in order, and returns None; ``write_deferred()``, called after
    that flush, writes the held entries with the ids their objects then have (entries are
    never updated once inserted, so the id must be known before the entry is written).
    Inside ``unkept`` nothing is recorded."""
    if not kept():
        return None
    values = _values(actor, action, obj, changes, reason)
    if not flush:
        db.session.info.setdefault(DEFERRED, []).append((values, obj))
        return None
    if obj is not None and values["object_id"] is None:
        db.session.flush()
        values["object_id"] = obj.id
    entry = AuditEntry(**values)
    db.session.add(entry)
    return entry


def write_deferred() -> int:
    """Write the entries held back by ``record(flush=False)``, in the order they were
    made, with their objects' ids, in one multi-row INSERT (nothing reads them back, so
    they need not be loaded as objects); returns how many were written."""
    pending = db.session.info.pop(DEFERRED, [])
    for values, obj in pending:
        if obj is not None:
            values["object_id"] = obj.id
    if pending:
        db.session.execute(insert(AuditEntry.__table__), [values for values, _obj in pending])
    return len(pending)


def discard_deferred() -> None:
    """Forget held-back entries (their changes were rolled back)."""
    db.session.info.pop(DEFERRED, None)


def _values(actor: User | None, action: str, obj: Any, changes: dict[str, Any] | None,
            reason: str) -> dict[str, Any]:
    return {
        "user_id": actor.id if actor is not None else None,
        "action": action,
        "object_type": type(obj).__name__.lower() if obj is not None else "",
        "object_id": getattr(obj, "id", None),
        "changes": changes or {},
        "reason": reason[:500],
    }
