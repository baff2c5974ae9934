"""Small key-value facts about this installation (e.g. that it holds demo data)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Setting(db.Model):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))

    @classmethod
    def get(cls, key: str, default: str | None = None) -> str | None:
        row = db.session.get(cls, key)
        return row.value if row else default

    @classmethod
    def put(cls, key: str, value: str) -> None:
        row = db.session.get(cls, key)
        if row:
            row.value = value
        else:
            db.session.add(cls(key=key, value=value))
