"""Accounts: a role and, for officers, the territory they may see and change."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._types import Timestamped, enum_column
from .enterprise import Enterprise
from .territory import Unit


class Role(enum.Enum):
    ADMIN = "admin"  # users and reference data
    BOARD = "board"  # Organization Board: reads everything, sets plans and targets
    DISTRICT = "district"  # one unit: its enterprises, members and dossiers
    ENTERPRISE = "enterprise"  # one enterprise


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'district' AND unit_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (role = 'enterprise' AND enterprise_id IS NOT NULL AND unit_id IS NULL)"
            " OR (role IN ('admin', 'board') AND unit_id IS NULL AND enterprise_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, name="role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Bumped on password change or deactivation: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    @validates("username")
    def _lower(self, _key: str, value: str) -> str:
        return value.strip().lower()

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username}>"
