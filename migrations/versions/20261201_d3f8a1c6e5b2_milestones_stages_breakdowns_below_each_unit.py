"""milestones, stages and breakdowns below each unit

The milestones reached (``unit_tally`` kind ``r``), the stage moves (``s``) and the
breakdowns (``b``) of a unit's children, summed at the unit (kinds ``R``, ``S``, ``B``), as
the waits already are (``v``): the board's figures for the whole territory are then a few
rows of the plan's unit instead of every unit's (900 for the country). Computed here in
SQL from the children's rows.

Revision ID: d3f8a1c6e5b2
Revises: b6e1f4a2c8d3
Create Date: 2026-12-01 22:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd3f8a1c6e5b2'
down_revision = 'b6e1f4a2c8d3'
branch_labels = None
depends_on = None

BELOW = {"r": "R", "s": "S", "b": "B"}


def upgrade():
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute(f"DELETE FROM unit_tally WHERE kind IN {_quoted(BELOW.values())}")
    kind = "CASE t.kind " + " ".join(f"WHEN '{own}' THEN '{summed}'" for own, summed in BELOW.items()) + " END"
    op.execute(
        "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
        f"SELECT u.parent_id, {kind}, t.code, t.grain, t.starts_on, sum(t.n) FROM unit_tally t "
        f"JOIN unit u ON u.id = t.unit_id WHERE t.kind IN {_quoted(BELOW)} AND u.parent_id IS NOT NULL "
        f"GROUP BY u.parent_id, {kind}, t.code, t.grain, t.starts_on HAVING sum(t.n) <> 0")


def downgrade():
    op.execute(f"DELETE FROM unit_tally WHERE kind IN {_quoted(BELOW.values())}")


def _quoted(kinds) -> str:
    return "(" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
