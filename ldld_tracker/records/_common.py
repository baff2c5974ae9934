"""What the record operations share: optimistic-lock checks and audited attribute updates."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect

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


def fill_defaults(obj: Any) -> None:
    """Give a new, not yet flushed object the column defaults a flush would give it
    (``""`` for text, ``False`` for flags …), so that what is checked and audited before
    a deferred flush is what the flush writes. The version column is left to the ORM.

    The columns without a default (dates not yet recorded …) read None, as the flush
    leaves them. All are given as if loaded: written straight into the new object's
    state, as ``set_committed_value`` would without its bookkeeping (a new object has no
    history, nothing expired, nothing to load), so that each read of them, thousands in
    an import, is a plain look-up instead of going through the attribute's loaders. The
    flush inserts what the state holds."""
    loaded = inspect(obj).dict
    for key, value in _initial_values(type(obj)):
        if key not in loaded:
            loaded[key] = value


@cache
def _initial_values(model: type) -> tuple[tuple[str, Any], ...]:
    """(attribute, value) a new object of ``model`` is given by ``fill_defaults``: each
    column's scalar default, and None for a column the flush leaves NULL when not set (no
    default of any kind, neither a primary key nor the version column, which the flush
    fills)."""
    mapper = inspect(model)
    values = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if column is mapper.version_id_col:
            continue
        if column.default is not None and column.default.is_scalar:
            values.append((attr.key, column.default.arg))
        elif (len(attr.columns) == 1 and not column.primary_key and column.default is None
              and column.server_default is None and column.onupdate is None
              and column.server_onupdate is None):
            values.append((attr.key, None))
    return tuple(values)


def apply_changes(obj: Any, values: dict[str, Any], fields: tuple[str, ...], actor: User,
                  action: str, reason: str = "", *, flush: bool = True) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``, audit what changed (before -> after), flush (unless
    ``flush=False``: the caller flushes and calls ``audit.write_deferred()``)."""
    before = audit.snapshot(obj, fields)
    for name, value in values.items():
        if name in fields:
            setattr(obj, name, value)
    changes = audit.changes_between(before, audit.snapshot(obj, fields))
    if changes:
        audit.record(actor, action, obj, changes, reason, flush=flush)
    if flush:
        db.session.flush()
    return changes
