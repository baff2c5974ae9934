"""Signing in and out, with failed attempts counted in the database (shared by all workers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit
from .errors import OperationRefused
from .extensions import db, login_manager
from .models import Role, User

MAX_FAILURES = 5
LOCK_MINUTES = 15


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


def authenticate(username: str, password: str) -> User:
    """The user for these credentials, or ``OperationRefused`` with the same message for an
    unknown name and a wrong password. Five failures lock the account for 15 minutes."""
    now = datetime.now(UTC)
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    refused = OperationRefused(_("Wrong username or password."))
    if user is None:
        audit.record(None, "login.failed", None, {"reason": "unknown"})
        raise refused
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=UTC)
    if locked_until and locked_until > now:
        audit.record(user, "login.locked", user)
        raise OperationRefused(_("Too many failed attempts: try again in %(minutes)s minutes.",
                                 minutes=LOCK_MINUTES))
    if not user.active or not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        audit.record(user, "login.failed", user)
        raise refused
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(user, "login", user)
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
