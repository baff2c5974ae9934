"""coverage rows: an index by code

Coverage reads its summary rows (``unit_tally`` kind ``c``) one code at a time: the
enterprises with a union, with a party organisation, with somebody identified in the
plan's year, and with both. In the index on (kind, grain, day) the rows of every year's
codes were read and most dropped (the country's: 19,800 read for 3,600); this partial
index makes each code one range.

Revision ID: c2e8f5a1d7b4
Revises: a7c4e2d9b1f6
Create Date: 2026-12-02 06:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c2e8f5a1d7b4'
down_revision = 'a7c4e2d9b1f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_unit_tally_coverage", "unit_tally",
                    ["code", "grain", "starts_on", "unit_id", "n"], unique=False,
                    postgresql_where=sa.text("kind = 'c'"), sqlite_where=sa.text("kind = 'c'"))


def downgrade():
    op.drop_index("ix_unit_tally_coverage", table_name="unit_tally")
