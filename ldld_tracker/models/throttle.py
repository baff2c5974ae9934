"""Failed sign-in attempts per address and per typed username, kept in the database so
that every gunicorn worker and every server behind the proxy sees the same count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LoginThrottle(db.Model):
    __tablename__ = "login_throttle"

    # "addr:<ip>" or "name:<username as typed, lower-case>"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
