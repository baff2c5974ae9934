"""Annual plans (155-KH/TU for 2020), their split per unit, and reported totals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Timestamped
from .enterprise import Enterprise
from .territory import Unit


class Plan(Timestamped, db.Model):
    __tablename__ = "plan"
    __table_args__ = (CheckConstraint("target >= 0", name="target_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    number: Mapped[str] = mapped_column(String(40))
    issuing_body: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date]
    target: Mapped[int]
    # The unit the plan covers (the province), whose children the targets are split over.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # Share of the year's target expected by the end of each month, in per cent
    # (12 cumulative numbers ending at 100); None means an even pace.
    monthly_profile: Mapped[list[int] | None] = mapped_column(JSON)

    unit: Mapped[Unit] = relationship()
    targets: Mapped[list[UnitTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class UnitTarget(db.Model):
    __tablename__ = "unit_target"
    __table_args__ = (
        UniqueConstraint("plan_id", "unit_id"),
        CheckConstraint("target >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    target: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="targets")
    unit: Mapped[Unit] = relationship()


class EnterpriseTarget(db.Model):
    """An optional target of introductions (milestone 5) for one enterprise in a plan."""

    __tablename__ = "enterprise_target"
    __table_args__ = (
        UniqueConstraint("plan_id", "enterprise_id"),
        CheckConstraint("introductions >= 0", name="introductions_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    introductions: Mapped[int]

    plan: Mapped[Plan] = relationship()
    enterprise: Mapped[Enterprise] = relationship()


class ReportedTotal(Timestamped, db.Model):
    """Admissions a unit reports as a monthly number: those outside tracked enterprises."""

    __tablename__ = "reported_total"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "month"),
        # Every dashboard reads the months of one year up to a month, for every unit in
        # scope: one range of this index, which covers the counts (the country's 900 units
        # keep 10,800 rows a year: without it, every year's rows were read).
        Index("ix_reported_total_year_month", "year", "month", "unit_id", "admitted", "women",
              "ethnic_minority"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("admitted >= 0 AND women >= 0 AND ethnic_minority >= 0", name="counts"),
        CheckConstraint("women <= admitted AND ethnic_minority <= admitted", name="parts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int]
    month: Mapped[int]
    admitted: Mapped[int]
    women: Mapped[int] = mapped_column(default=0)
    ethnic_minority: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")

    unit: Mapped[Unit] = relationship()
