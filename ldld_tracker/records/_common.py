"""What the record operations share: optimistic-lock checks and audited attribute updates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import audit
from ..errors import EditConflict
from ..extensions import db
from ..models import User


def ensure_version(obj: Any, expected_version: int | None) -> None:
    """Refuse to save over a change someone else made since the form was opened."""
    if expected_version is not None and obj.version != expected_version:
        raise EditConflict(_(
            "Someone else saved this record while you were editing it. Your changes were not "
            "saved: reload the page to see their version, then make your changes again."))


def apply_changes(obj: Any, values: dict[str, Any], fields: tuple[str, ...], actor: User,
                  action: str, reason: str = "") -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``, audit what changed (before -> after), flush."""
    before = audit.snapshot(obj, fields)
    for name, value in values.items():
        if name in fields:
            setattr(obj, name, value)
    changes = audit.changes_between(before, audit.snapshot(obj, fields))
    if changes:
        audit.record(actor, action, obj, changes, reason)
    db.session.flush()
    return changes
