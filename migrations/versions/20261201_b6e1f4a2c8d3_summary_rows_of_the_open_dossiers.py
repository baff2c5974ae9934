"""summary rows of the open dossiers

Each dossier still open (neither ended nor an official member), counted per unit by the
stage it is at and the day it reached it, and by the day the deadline it waits for runs
from (its course, while the cell's resolution is awaited; the cell's resolution, while the
admission decision is): ``unit_tally`` kind ``o``, at the day, month, year and all-time
grains, as ``ldld_tracker.tally.events.open_rows`` works them out. The due page counts
each unit's lists from these rows, one code at a time, each from one range of a partial
index of its own (``ix_unit_tally_open``). Computed here in SQL from the dossiers.

Revision ID: b6e1f4a2c8d3
Revises: 8a4d2f6b3c91
Create Date: 2026-12-01 20:40:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b6e1f4a2c8d3'
down_revision = '8a4d2f6b3c91'
branch_labels = None
depends_on = None

# The milestones a dossier can wait at, in path order, as of this revision.
STAGES = ("identified", "trained", "applied", "verified", "introduced", "cell_resolved",
          "committee_resolved", "admitted", "sworn_in")
OPEN = "d.ended_on IS NULL AND d.official_on IS NULL"
BEFORE_ADMISSION = "d.admitted_on IS NULL AND d.sworn_in_on IS NULL"
ALL_TIME = sa.bindparam("all_time", date(1, 1, 1), type_=sa.Date())


def _rows() -> str:
    """(unit_id, code, day) of every open dossier's rows, as one SELECT."""
    furthest = list(reversed(STAGES))
    stage = "CASE " + " ".join(f"WHEN d.{s}_on IS NOT NULL THEN '{s}'" for s in furthest) + " END"
    reached = f"COALESCE({', '.join(f'd.{s}_on' for s in furthest)})"
    source = "FROM dossier d JOIN enterprise e ON e.id = d.enterprise_id"
    return " UNION ALL ".join([
        f"SELECT e.unit_id AS unit_id, {stage} AS code, {reached} AS day {source} "
        f"WHERE {OPEN} AND {reached} IS NOT NULL",
        f"SELECT e.unit_id, 'decision', d.cell_resolved_on {source} "
        f"WHERE {OPEN} AND {BEFORE_ADMISSION} AND d.cell_resolved_on IS NOT NULL",
        f"SELECT e.unit_id, 'certificate', d.trained_on {source} "
        f"WHERE {OPEN} AND {BEFORE_ADMISSION} AND d.cell_resolved_on IS NULL "
        "AND d.trained_on IS NOT NULL",
    ])


def upgrade():
    op.create_index("ix_unit_tally_open", "unit_tally",
                    ["code", "grain", "starts_on", "unit_id", "n"], unique=False,
                    postgresql_where=sa.text("kind = 'o'"), sqlite_where=sa.text("kind = 'o'"))
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute("DELETE FROM unit_tally WHERE kind = 'o'")
    if op.get_bind().dialect.name == "postgresql":
        starts = {"d": "day", "m": "date_trunc('month', day)::date",
                  "y": "date_trunc('year', day)::date"}
    else:
        starts = {"d": "day", "m": "date(day, 'start of month')", "y": "date(day, 'start of year')"}
    for grain, start in starts.items():
        op.execute(
            "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
            f"SELECT unit_id, 'o', code, '{grain}', {start}, count(*) FROM ({_rows()}) open_rows "
            f"GROUP BY unit_id, code, {start}")
    op.execute(sa.text(
        "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
        "SELECT unit_id, kind, code, 'a', :all_time, sum(n) FROM unit_tally "
        "WHERE kind = 'o' AND grain = 'y' GROUP BY unit_id, kind, code").bindparams(ALL_TIME))


def downgrade():
    op.execute("DELETE FROM unit_tally WHERE kind = 'o'")
    op.drop_index("ix_unit_tally_open", table_name="unit_tally")
