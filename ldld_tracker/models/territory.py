"""Administrative units (province, districts, party blocks) and industrial zones.

The territory is data: a later plan can report by other units without a code change.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..text import fold
from ._types import enum_column


class UnitKind(enum.Enum):
    PROVINCE = "province"
    CITY = "city"
    TOWN = "town"
    DISTRICT = "district"
    BLOCK = "block"
    COMMUNE = "commune"


class Unit(db.Model):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, name="unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    # Other spellings seen in officers' files, separated by "|" ("Krông Ana|Krong Ana").
    aliases: Mapped[str] = mapped_column(String(500), default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"

    @property
    def folded_names(self) -> set[str]:
        names = [self.name, *filter(None, self.aliases.split("|"))]
        return {fold(n) for n in names}


class ZoneKind(enum.Enum):
    ZONE = "zone"  # khu công nghiệp
    CLUSTER = "cluster"  # cụm công nghiệp


class IndustrialZone(db.Model):
    __tablename__ = "industrial_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ZoneKind] = mapped_column(enum_column(ZoneKind, name="zone_kind"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)

    unit: Mapped[Unit] = relationship()
