"""A candidate's file (hồ sơ): one row per person's path, one date column per milestone.

The milestones, what each needs and which columns hold its details are described as
data in ``workflow.rules``; this module only stores them. The current stage is never
stored: it is derived from the dates (``workflow.counting``).
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Timestamped, enum_column
from .member import Person


class EndKind(enum.Enum):
    """Ways off the path, each with its date and reason."""

    WITHDRAWN = "withdrawn"
    NOT_ADMITTED = "not_admitted"
    REMOVED = "removed"


class Dossier(Timestamped, db.Model):
    __tablename__ = "dossier"
    __table_args__ = (
        CheckConstraint(
            "(end_kind IS NULL AND ended_on IS NULL) OR (end_kind IS NOT NULL AND ended_on IS NOT NULL)",
            name="end_complete",
        ),
        CheckConstraint(
            "cell_votes_for IS NULL OR (cell_votes_for >= 0 AND cell_votes_for <= cell_members)",
            name="cell_votes",
        ),
        CheckConstraint(
            "committee_votes_for IS NULL OR "
            "(committee_votes_for >= 0 AND committee_votes_for <= committee_members)",
            name="committee_votes",
        ),
        # A person's dossier dates (stage on a day, milestones reached in a year) for the
        # queries that start from the people (the breakdowns by trait, the summaries'
        # rebuild): read from this index, in person order, never the rows.
        Index("ix_dossier_person_dates", "person_id", "end_kind", "ended_on", "identified_on",
              "trained_on", "applied_on", "verified_on", "introduced_on", "cell_resolved_on",
              "committee_resolved_on", "admitted_on", "sworn_in_on", "official_on"),
        # The same dates by enterprise: the dashboards' scoped dossier queries (a unit's
        # enterprises, then their dossiers) read them from this index, never the rows.
        Index("ix_dossier_enterprise_dates", "enterprise_id", "end_kind", "ended_on",
              "identified_on", "trained_on", "applied_on", "verified_on", "introduced_on",
              "cell_resolved_on", "committee_resolved_on", "admitted_on", "sworn_in_on",
              "official_on"),
        # The dossiers identified in a range of days, with their enterprise (coverage counts
        # them per enterprise): one index-only range.
        Index("ix_dossier_identified_enterprise", "identified_on", "enterprise_id"),
        # The enterprise is the person's: the database carries a person's move to another
        # enterprise to their dossier, and refuses a dossier whose enterprise is not its
        # person's.
        ForeignKeyConstraint(["person_id", "enterprise_id"], ["person.id", "person.enterprise_id"],
                             name="fk_dossier_person_enterprise", onupdate="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    # The enterprise the person is in now (kept equal to it, see above): the dashboards
    # scope and group dossiers by it without reading the 4.8 million rows of the people.
    enterprise_id: Mapped[int]
    # The party cell that considers the applicant, and whether it is itself the
    # grassroots organisation (then there is no committee resolution, milestone 7).
    party_cell: Mapped[str] = mapped_column(String(200), default="")
    cell_is_grassroots: Mapped[bool] = mapped_column(default=False)
    # Written consent of the provincial standing board for an applicant over 60.
    age_exception_ref: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")

    identified_on: Mapped[date | None]
    identified_by: Mapped[str] = mapped_column(String(200), default="")
    trained_on: Mapped[date | None]
    certificate_no: Mapped[str] = mapped_column(String(50), default="")
    applied_on: Mapped[date | None]
    verified_on: Mapped[date | None]
    introduced_on: Mapped[date | None] = mapped_column(index=True)
    introduction_resolution_no: Mapped[str] = mapped_column(String(50), default="")
    cell_resolved_on: Mapped[date | None]
    cell_votes_for: Mapped[int | None]
    cell_members: Mapped[int | None]
    committee_resolved_on: Mapped[date | None]
    committee_votes_for: Mapped[int | None]
    committee_members: Mapped[int | None]
    admitted_on: Mapped[date | None] = mapped_column(index=True)
    admission_decision_no: Mapped[str] = mapped_column(String(50), default="")
    sworn_in_on: Mapped[date | None]
    official_on: Mapped[date | None]
    official_decision_no: Mapped[str] = mapped_column(String(50), default="")

    end_kind: Mapped[EndKind | None] = mapped_column(enum_column(EndKind, name="end_kind"))
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(String(500), default="")

    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(back_populates="dossier", foreign_keys=[person_id])
    introducers: Mapped[list[Introducer]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Introducer.id"
    )

    def __repr__(self) -> str:
        return f"<Dossier {self.id}>"


@event.listens_for(Dossier, "before_insert")
def _take_the_persons_enterprise(_mapper, _connection, dossier: Dossier) -> None:
    """A new dossier is in its person's enterprise. (The flush writes the person first;
    a preview's plain INSERTs do not set a new person's key from its enterprise.)"""
    if dossier.enterprise_id is None:
        person = dossier.person
        dossier.enterprise_id = person.enterprise_id if person.enterprise_id is not None \
            else person.enterprise.id


class Introducer(db.Model):
    """A party member who introduces the applicant (form 3-KNĐ)."""

    __tablename__ = "introducer"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    is_official_member: Mapped[bool] = mapped_column(default=True)
    party_unit: Mapped[str] = mapped_column(String(200), default="")
    worked_together_since: Mapped[date]

    dossier: Mapped[Dossier] = relationship(back_populates="introducers")
