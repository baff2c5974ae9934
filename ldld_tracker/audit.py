"""Writing the audit log. Entries are only ever added, never changed or deleted."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from .extensions import db
from .models import AuditEntry, User


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
) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        changes=changes or {},
        reason=reason[:500],
    )
    db.session.add(entry)
    return entry
