"""User accounts: loading the signed-in user, creating and administering accounts.

Signing in itself (with the throttling of failed attempts) is in ``signin``."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, signin
from .errors import OperationRefused
from .extensions import db, login_manager
from .models import Enterprise, Role, Unit, User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry the user's session version: a password change or deactivation ends
    every older session."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def create_user(
    username: str, password: str, role: Role, *, unit_id: int | None = None,
    enterprise_id: int | None = None, full_name: str = "", actor: User | None = None,
) -> User:
    """Create an account; the scope must match the role (one unit, one enterprise, none)."""
    if db.session.scalar(select(User.id).where(User.username == username.strip().lower())):
        raise OperationRefused(_("The username %(name)s is already taken.", name=username))
    if role is Role.DISTRICT and unit_id is None:
        raise OperationRefused(_("A district officer needs a unit."))
    if role is Role.ENTERPRISE and enterprise_id is None:
        raise OperationRefused(_("An enterprise officer needs an enterprise."))
    if len(password) < 10:
        raise OperationRefused(_("The password must have at least 10 characters."))
    user = User(username=username, role=role, full_name=full_name,
                unit_id=unit_id if role is Role.DISTRICT else None,
                enterprise_id=enterprise_id if role is Role.ENTERPRISE else None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, {"username": user.username, "role": role.value})
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise OperationRefused(_("The current password is wrong."))
    user.set_password(new)
    audit.record(user, "password.change", user)
    db.session.flush()


# Administration of accounts by an admin: each change is audited and flushed, never committed.

USER_FIELDS = ("full_name", "role", "unit_id", "enterprise_id")


def _check_scope(role: Role, unit_id: int | None, enterprise_id: int | None) -> None:
    """The scope must match the role and exist (else the database would refuse it)."""
    if role is Role.DISTRICT and (unit_id is None or db.session.get(Unit, unit_id) is None):
        raise OperationRefused(_("A district officer needs a unit."))
    if role is Role.ENTERPRISE and (
            enterprise_id is None or db.session.get(Enterprise, enterprise_id) is None):
        raise OperationRefused(_("An enterprise officer needs an enterprise."))


def _check_new_password(password: str) -> None:
    if len(password) < 10:
        raise OperationRefused(_("The password must have at least 10 characters."))


def update_user(
    user: User, *, full_name: str, role: Role, unit_id: int | None = None,
    enterprise_id: int | None = None, actor: User,
) -> dict[str, list]:
    """Change a user's name, role and scope; the new role and scope apply from their next
    request (the user is reloaded on every request). An admin cannot take away their own
    admin role, so the app always keeps an administrator who can undo mistakes."""
    if user.id == actor.id and role is not Role.ADMIN:
        raise OperationRefused(_("You cannot take the administrator role away from yourself."))
    _check_scope(role, unit_id, enterprise_id)
    before = audit.snapshot(user, USER_FIELDS)
    user.full_name = full_name
    user.role = role
    user.unit_id = unit_id if role is Role.DISTRICT else None
    user.enterprise_id = enterprise_id if role is Role.ENTERPRISE else None
    changes = audit.changes_between(before, audit.snapshot(user, USER_FIELDS))
    if changes:
        audit.record(actor, "user.update", user, changes)
    db.session.flush()
    return changes


def deactivate_user(user: User, actor: User) -> None:
    """Stop an account; bumping the session version signs the user out at their next request."""
    if user.id == actor.id:
        raise OperationRefused(_("You cannot deactivate your own account."))
    if not user.active:
        raise OperationRefused(_("This account is already inactive."))
    user.active = False
    user.session_version += 1
    audit.record(actor, "user.deactivate", user, {"active": [True, False]})
    db.session.flush()


def reactivate_user(user: User, actor: User) -> None:
    """Let a deactivated user sign in again (with their existing password)."""
    if user.active:
        raise OperationRefused(_("This account is already active."))
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    audit.record(actor, "user.reactivate", user, {"active": [False, True]})
    db.session.flush()


def reset_password(user: User, new: str, actor: User) -> None:
    """An admin sets a new password (never written to the log); every older session of the
    user ends, and a lock from failed attempts is lifted."""
    _check_new_password(new)
    user.set_password(new)
    user.failed_logins = 0
    user.locked_until = None
    signin.clear_name_lock(user.username)
    audit.record(actor, "password.reset", user)
    db.session.flush()


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Whether failed attempts currently lock this account."""
    locked_until = user.locked_until
    if locked_until is None:
        return False
    if locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=UTC)
    return locked_until > (now or datetime.now(UTC))


def unlock_user(user: User, actor: User) -> None:
    """Lift a lock from failed attempts before it runs out."""
    if not is_locked(user) and not user.failed_logins:
        raise OperationRefused(_("This account is not locked."))
    user.failed_logins = 0
    user.locked_until = None
    signin.clear_name_lock(user.username)
    audit.record(actor, "user.unlock", user)
    db.session.flush()
