"""Enterprises and their grassroots unions (CĐCS)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..text import clean, fold, text_sort_key
from ._types import SortKey, Timestamped, enum_column
from .territory import IndustrialZone, Unit


class Ownership(enum.Enum):
    STATE = "state"
    FOREIGN = "foreign"
    PRIVATE = "private"
    COOPERATIVE = "cooperative"


class Enterprise(Timestamped, db.Model):
    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint("length(tax_code) IN (10, 13)", name="tax_code_length"),
        CheckConstraint("workforce IS NULL OR workforce >= 0", name="workforce_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    search_name: Mapped[str] = mapped_column(String(300), index=True)
    sort_name: Mapped[str] = mapped_column(SortKey, index=True)
    tax_code: Mapped[str] = mapped_column(String(13), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership, name="ownership"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("industrial_zone.id"), index=True)
    workforce: Mapped[int | None]
    union_founded_on: Mapped[date | None]
    has_party_org: Mapped[bool] = mapped_column(default=False)
    party_org_since: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
    zone: Mapped[IndustrialZone | None] = relationship()

    @validates("name")
    def _keep_keys(self, _key: str, value: str) -> str:
        value = clean(value)
        self.search_name = fold(value)
        self.sort_name = text_sort_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Enterprise {self.tax_code}>"
