"""Signing in: one answer for every refusal, and failed attempts slowed down per account,
per typed username and per address, with the counts in the database (shared by workers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .errors import OperationRefused
from .extensions import db
from .models import LoginThrottle, User

MAX_FAILURES = 5
# Offices often share one address behind NAT: an address tolerates more failures than a name.
MAX_ADDRESS_FAILURES = 20
LOCK_MINUTES = 15
# Compared against when the username is unknown, so both refusals take the same time.
_DUMMY_HASH = generate_password_hash("not a password", method="pbkdf2:sha256:1000")


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _throttle(key: str) -> LoginThrottle:
    row = db.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0)
        db.session.add(row)
    return row


def _locked(rows: list[LoginThrottle], user: User | None, now: datetime) -> bool:
    moments = [_aware(r.locked_until) for r in rows]
    if user is not None:
        moments.append(_aware(user.locked_until))
    return any(m and m > now for m in moments)


def _count_failure(rows: list[LoginThrottle], user: User | None, now: datetime) -> None:
    window = timedelta(minutes=LOCK_MINUTES)
    for row in rows:
        if row.first_failure_at is None or _aware(row.first_failure_at) < now - window:
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        limit = MAX_ADDRESS_FAILURES if row.key.startswith("addr:") else MAX_FAILURES
        if row.failures >= limit:
            row.locked_until, row.failures, row.first_failure_at = now + window, 0, None
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + window, 0


def authenticate(username: str, password: str, address: str | None = None) -> User:
    """The user for these credentials, or ``OperationRefused``.

    An unknown name, a wrong password and an inactive account get the same message. Five
    failures within 15 minutes lock the account, the typed name and the address for 15
    minutes (an address after 20). The caller commits in both cases, so the counts are kept."""
    now = datetime.now(UTC)
    name = username.strip().lower()[:64]
    user = db.session.scalar(select(User).where(User.username == name))
    rows = [_throttle(f"name:{name}")] + ([_throttle(f"addr:{address[:100]}")] if address else [])
    if _locked(rows, user, now):
        audit.record(user, "login.locked", user)
        raise OperationRefused(_("Too many failed attempts: try again in %(minutes)s minutes.",
                                 minutes=LOCK_MINUTES))
    valid = (user.check_password(password) if user is not None
             else check_password_hash(_DUMMY_HASH, password))
    if user is None or not valid or not user.active:
        _count_failure(rows, user, now)
        audit.record(user, "login.failed", user)
        raise OperationRefused(_("Wrong username or password."))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    rows[0].failures, rows[0].locked_until = 0, None
    audit.record(user, "login", user)
    return user


def clear_name_lock(username: str) -> None:
    """Forget the failed attempts made with this name (an admin unlocked the account)."""
    row = db.session.get(LoginThrottle, f"name:{username}")
    if row is not None:
        row.failures, row.first_failure_at, row.locked_until = 0, None, None
