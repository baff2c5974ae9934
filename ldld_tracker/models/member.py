"""Union members (people): one row per citizen, whatever enterprise they are in now."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..text import fold, name_sort_key, person_name
from ._types import SortKey, Timestamped, enum_column
from .enterprise import Enterprise
from .reference import EthnicGroup, Religion


class Sex(enum.Enum):
    MALE = "male"
    FEMALE = "female"


class RoleCategory(enum.Enum):
    """The plan's categories of people to bring into the Party from enterprises."""

    WORKER = "worker"
    MANAGER = "manager"
    UNION_OFFICER = "union_officer"
    YOUTH_OFFICER = "youth_officer"
    BUSINESS_OWNER = "business_owner"


class Education(enum.Enum):
    """General education level, in increasing order."""

    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"

    @property
    def rank(self) -> int:
        return list(Education).index(self)


class Person(Timestamped, db.Model):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("length(citizen_id) = 12", name="citizen_id_length"),
        # What a dossier's (person, enterprise) refers to: a person's move to another
        # enterprise is carried to their dossier by the database (``Dossier.enterprise_id``).
        # (a unique index: SQLite adds one without copying the table)
        Index("uq_person_id_enterprise", "id", "enterprise_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    search_name: Mapped[str] = mapped_column(String(120), index=True)
    sort_name: Mapped[str] = mapped_column(SortKey, index=True)
    birth_date: Mapped[date]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, name="sex"))
    ethnic_group_id: Mapped[int] = mapped_column(ForeignKey("ethnic_group.id"), index=True)
    religion_id: Mapped[int | None] = mapped_column(ForeignKey("religion.id"), index=True)
    citizen_id: Mapped[str] = mapped_column(String(12), unique=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    role_category: Mapped[RoleCategory] = mapped_column(
        enum_column(RoleCategory, name="role_category")
    )
    union_joined_on: Mapped[date | None]
    education: Mapped[Education | None] = mapped_column(enum_column(Education, name="education"))
    # Further education (vocational, university …), free text as people write it.
    qualification: Mapped[str] = mapped_column(String(120), default="")
    youth_union_member: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    enterprise: Mapped[Enterprise] = relationship()
    ethnic_group: Mapped[EthnicGroup] = relationship()
    religion: Mapped[Religion | None] = relationship()
    dossier: Mapped[Dossier | None] = relationship(  # noqa: F821
        back_populates="person", uselist=False, foreign_keys="Dossier.person_id")

    @validates("full_name")
    def _keep_keys(self, _key: str, value: str) -> str:
        value = person_name(value)
        self.search_name = fold(value)
        self.sort_name = name_sort_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
