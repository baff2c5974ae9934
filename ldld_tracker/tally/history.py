"""What an ORM object was before the flush under way, and what it refers to now: read from
the session's own record of the changes, without asking the database."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

# An old value the session never loaded (the database still holds it until the flush).
UNKNOWN = object()


def old(obj: object, key: str) -> object:
    """The value ``key`` had before this flush (``UNKNOWN`` if it was never loaded)."""
    state = inspect(obj)
    if key in state.committed_state:
        value = state.committed_state[key]
        return UNKNOWN if value is NO_VALUE else value
    return getattr(obj, key)


def changed(obj: object, *keys: str) -> bool:
    """Whether any of ``keys`` changed (an attribute never set since loading has not: the
    history, which compares values, is read only for the ones that were set)."""
    state = inspect(obj)
    touched = state.committed_state
    return any(key in touched and state.attrs[key].history.has_changes() for key in keys)


def target(session: Session, obj: object, relation: str, column: str, model: type) -> object:
    """What ``obj`` refers to now, whether the relation or the foreign key was set."""
    state = inspect(obj)
    if state.key is None:  # new: what the code gave it
        target = state.dict.get(relation)
        if target is not None:
            return target
        key = state.dict.get(column)
        return None if key is None else session.get(model, key)
    if changed(obj, relation) or getattr(obj, column) is None:
        return getattr(obj, relation)
    return session.get(model, getattr(obj, column))


def old_target_id(obj: object, relation: str, column: str) -> object:
    """The id ``obj`` referred to before this flush (``UNKNOWN`` if never loaded)."""
    state = inspect(obj)
    if relation in state.committed_state:
        before = state.committed_state[relation]
        return UNKNOWN if before is NO_VALUE else getattr(before, "id", None)
    return old(obj, column)
