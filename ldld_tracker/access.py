"""Who may see and change what. Scoping is done here, in SQL, and nowhere else.

A user's scope: board sees the whole province, a district officer one unit, an enterprise
officer one enterprise. The admin manages users and reference data and sees no person.
An object outside the scope answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, select, true

from .extensions import db
from .models import Dossier, Enterprise, Person, Role, Unit, User

T = TypeVar("T")

READ_ALL = frozenset({Role.BOARD})
OFFICERS = frozenset({Role.DISTRICT, Role.ENTERPRISE})


@dataclass(frozen=True)
class Scope:
    """All that the clauses below read of a user, as a key: a statement built for one user
    serves every user with the same scope, so it can be built once and kept. The clauses
    take a ``Scope`` wherever they take a user."""

    role: Role
    unit_id: int | None
    enterprise_id: int | None

    @classmethod
    def of(cls, user: User) -> Scope:
        return cls(user.role, user.unit_id, user.enterprise_id)


def enterprise_clause(user: User | Scope) -> ColumnElement[bool]:
    """The condition on ``Enterprise`` that keeps the user's enterprises."""
    if user.role in READ_ALL or user.role is Role.ADMIN:
        return true()
    if user.role is Role.DISTRICT:
        return Enterprise.unit_id == user.unit_id
    if user.role is Role.ENTERPRISE:
        return Enterprise.id == user.enterprise_id
    return false()


def people_clause(user: User | Scope) -> ColumnElement[bool]:
    """The condition (with ``Enterprise`` joined) that keeps the people the user may see."""
    if user.role is Role.ADMIN:
        return false()
    return enterprise_clause(user)


def unit_clause(user: User | Scope) -> ColumnElement[bool]:
    """The condition on ``Unit`` that keeps the units whose figures the user may see."""
    if sees_every_unit(user):
        return true()
    if user.role is Role.DISTRICT:
        return Unit.id == user.unit_id
    return Unit.id == select(Enterprise.unit_id).where(
        Enterprise.id == user.enterprise_id).scalar_subquery()


def sees_every_unit(user: User | Scope) -> bool:
    """True when ``unit_clause`` keeps every unit (the board)."""
    return user.role in READ_ALL or user.role is Role.ADMIN


def sees_whole_units(user: User | Scope) -> bool:
    """True when the people the user may see are all the people of the units of
    ``unit_clause`` (the board, a district officer): their figures can then be read from
    the per-unit summaries. An enterprise officer sees part of a unit only."""
    return user.role in READ_ALL or user.role is Role.DISTRICT


def unit_totals_clause(user: User | Scope) -> ColumnElement[bool]:
    """The condition on ``Unit`` that keeps the units whose own totals (target split,
    reported totals) the user may see: an enterprise officer sees their enterprise's
    figures, not the whole unit's."""
    if user.role in READ_ALL:
        return true()
    if user.role is Role.DISTRICT:
        return Unit.id == user.unit_id
    return false()


def enterprises(user: User) -> Select:
    return select(Enterprise).where(enterprise_clause(user))


def people(user: User) -> Select:
    return select(Person).join(Person.enterprise).where(people_clause(user))


def dossiers(user: User) -> Select:
    return (
        select(Dossier)
        .join(Dossier.person)
        .join(Person.enterprise)
        .where(people_clause(user))
    )


def units(user: User) -> Select:
    return select(Unit).where(unit_clause(user))


_SCOPED: dict[type, Callable[[User], Select]] = {
    Enterprise: enterprises,
    Person: people,
    Dossier: dossiers,
    Unit: units,
}


def load_or_404(model: type[T], object_id: Any, user: User | None = None) -> T:
    """Load one object the user may see, or answer 404 (also when it does not exist)."""
    user = user or current_user
    stmt = _SCOPED[model](user).where(model.id == object_id)  # type: ignore[attr-defined]
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj


def can_edit_people(user: User) -> bool:
    """Officers change people and dossiers in their scope; the board and admin only read."""
    return user.role in OFFICERS


def can_edit_enterprise(user: User) -> bool:
    return user.role in OFFICERS or user.role is Role.ADMIN


def can_create_enterprise(user: User) -> bool:
    return user.role in (Role.DISTRICT, Role.ADMIN)


def can_manage_plans(user: User) -> bool:
    return user.role is Role.BOARD


def can_report_totals(user: User) -> bool:
    return user.role in (Role.BOARD, Role.DISTRICT)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def roles_required(*roles: Role) -> Callable:
    """Allow only these roles: others get 403 (JSON for the API, a page for browsers)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from .extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
