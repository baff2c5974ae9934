"""Summary rows the dashboards read instead of every dossier and member.

Kept in the same transaction as each change by ``ldld_tracker.tally`` (session events on
dossiers, people and enterprises), so a dashboard read from them is never stale; they can
always be rebuilt from the records (``flask tally-rebuild``).

``UnitTally`` holds dated counts per unit: ``kind`` ``r`` counts milestones reached (one
per dossier and milestone, on its date), ``kind`` ``s`` the moves between stages (+1 into
the stage a dossier enters on a day, -1 out of the one it leaves), ``kind`` ``w`` the moves
from a milestone to the next one recorded by stage and days waited (on the later day), for
the medians, ``kind`` ``b`` the admissions and introductions by trait, ``kind`` ``o`` the
dossiers open now by the stage they are at and the day they reached it, and by the day the
deadline they wait for runs from (the due lists), ``kind`` ``c`` the enterprises with a
union, a party organisation, somebody identified in a year, each from the day it counts
(coverage). The rows of kinds ``r``, ``s``, ``b`` and ``w`` of a unit's children are also
summed at the unit, under kinds ``R``, ``S``, ``B`` and ``v``: every district together is
one unit's rows, so the whole territory's figures do not follow the number of its units.
Each count is stored at three grains, ``starts_on`` being the first day of the period: the
day (``d``), its month (``m``) and its year (``y``), so a sum over any range of days reads
whole years, then whole months, then days. The stage moves, the open dossiers and
coverage's rows are also summed over all time (grain ``a``, ``starts_on`` 0001-01-01): the
number at each stage on a recent day is that row less the few rows dated after the day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class UnitTally(db.Model):
    __tablename__ = "unit_tally"
    __table_args__ = (
        # A few units' sums (a district officer's, a page of units' medians) read ranges of
        # days of one kind and grain per unit: one range of the key per unit and piece,
        # which covers the rows on PostgreSQL (without ``n`` in it, the planner preferred
        # reading every unit's rows from the index below).
        PrimaryKeyConstraint("unit_id", "kind", "grain", "starts_on", "code",
                             postgresql_include=["n"]),
        # The sums for every unit read ranges of days of one kind and grain: each is one
        # range of this index, which covers the rows.
        Index("ix_unit_tally_kind_grain_on", "kind", "grain", "starts_on", "unit_id", "code", "n"),
        # The open dossiers (kind ``o``) are read one code at a time, each up to its own day
        # (the due lists): each read is one range of this index. (In the index above, the
        # rows of every code of the range would be read and the others dropped.)
        Index("ix_unit_tally_open", "code", "grain", "starts_on", "unit_id", "n",
              postgresql_where=text("kind = 'o'"), sqlite_where=text("kind = 'o'")),
        # Coverage's rows (kind ``c``) are read a code at a time (the enterprises with a
        # union, with a party organisation, with somebody identified in the plan's year,
        # with both): each read is one range of this index, not every year's codes.
        Index("ix_unit_tally_coverage", "code", "grain", "starts_on", "unit_id", "n",
              postgresql_where=text("kind = 'c'"), sqlite_where=text("kind = 'c'")),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(1))
    code: Mapped[str] = mapped_column(String(32))
    grain: Mapped[str] = mapped_column(String(1))
    starts_on: Mapped[date] = mapped_column()
    n: Mapped[int] = mapped_column(default=0)


class UnitMembers(db.Model):
    """Union members recorded per unit (people in the unit's enterprises)."""

    __tablename__ = "unit_members"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    people: Mapped[int] = mapped_column(default=0)
