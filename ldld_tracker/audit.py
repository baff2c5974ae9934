"""Writing the audit log. Entries are only ever added, never changed or deleted."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from .extensions import db
from .models import AuditEntry, User

# Key in ``session.info`` of the entries ``record(flush=False)`` holds back.
DEFERRED = "audit.deferred"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: object, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The current values of ``names`` on ``obj``, in JSON-friendly form."""
    return {name: _plain(getattr(obj, name)) for name in names}


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
) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes).

    ``flush=False`` is for callers that write many changes and flush once (the import):
    the entry is held back, in order, until ``write_deferred()`` after that flush, which
    fills in the ids of objects that had none yet (entries are never updated once
    inserted, so the id must be known before the entry is added)."""
    if not flush:
        entry = _entry(actor, action, obj, changes, reason)
        db.session.info.setdefault(DEFERRED, []).append((entry, obj))
        return entry
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = _entry(actor, action, obj, changes, reason)
    db.session.add(entry)
    return entry


def write_deferred() -> int:
    """Add the entries held back by ``record(flush=False)``, in the order they were made,
    with their objects' ids; call it after the flush that gave those objects their ids.
    Returns how many were added."""
    pending = db.session.info.pop(DEFERRED, [])
    for entry, obj in pending:
        if obj is not None:
            entry.object_id = obj.id
    db.session.add_all([entry for entry, _obj in pending])
    return len(pending)


def discard_deferred() -> None:
    """Forget held-back entries (their changes were rolled back)."""
    db.session.info.pop(DEFERRED, None)


def _entry(actor: User | None, action: str, obj: Any, changes: dict[str, Any] | None,
           reason: str) -> AuditEntry:
    return AuditEntry(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        changes=changes or {},
        reason=reason[:500],
    )
