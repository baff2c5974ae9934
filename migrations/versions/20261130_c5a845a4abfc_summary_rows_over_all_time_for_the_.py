"""summary rows over all time for the stages

Each unit's stage moves summed over all time (grain ``a``), computed from its yearly rows:
the number at each stage on a recent day is then read from one row per unit and stage.

Revision ID: c5a845a4abfc
Revises: 3d50b478e6a2
Create Date: 2026-11-30 18:36:45.636123

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a845a4abfc'
down_revision = '3d50b478e6a2'
branch_labels = None
depends_on = None


ALL_TIME = sa.bindparam("all_time", date(1, 1, 1), type_=sa.Date())


def upgrade():
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute("DELETE FROM unit_tally WHERE grain = 'a'")
    op.execute(sa.text(
        "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
        "SELECT unit_id, kind, code, 'a', :all_time, sum(n) FROM unit_tally "
        "WHERE kind = 's' AND grain = 'y' GROUP BY unit_id, kind, code HAVING sum(n) <> 0"
    ).bindparams(ALL_TIME))


def downgrade():
    op.execute("DELETE FROM unit_tally WHERE grain = 'a'")
