"""waits below each unit

The moves between stages (``unit_tally`` kind ``w``) of a unit's children, summed at the
unit (kind ``v``), so that every district together is one unit's rows: the country's
board reads its medians for every unit together from a few thousand rows instead of
hundreds of thousands. Computed here in SQL from the children's rows.

Revision ID: 9c1d6e2f7a80
Revises: e4b7c2a91f35
Create Date: 2026-12-01 12:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c1d6e2f7a80'
down_revision = 'e4b7c2a91f35'
branch_labels = None
depends_on = None


def upgrade():
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute("DELETE FROM unit_tally WHERE kind = 'v'")
    op.execute(
        "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
        "SELECT u.parent_id, 'v', t.code, t.grain, t.starts_on, sum(t.n) FROM unit_tally t "
        "JOIN unit u ON u.id = t.unit_id WHERE t.kind = 'w' AND u.parent_id IS NOT NULL "
        "GROUP BY u.parent_id, t.code, t.grain, t.starts_on HAVING sum(t.n) <> 0")


def downgrade():
    op.execute("DELETE FROM unit_tally WHERE kind = 'v'")
