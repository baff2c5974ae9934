"""dossier index: day identified, then the person

Coverage counts the dossiers identified in the year per enterprise. With the person's id
in the index on the day identified, that is one index-only range of the year, where the
planner read the whole covering index of the dossiers' dates (720,000 entries for the
country) to find the year's 41,000.

Revision ID: 2b8e5d0c4f17
Revises: 9c1d6e2f7a80
Create Date: 2026-12-01 12:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2b8e5d0c4f17'
down_revision = '9c1d6e2f7a80'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_identified_on'))
        batch_op.create_index('ix_dossier_identified_person', ['identified_on', 'person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_identified_person')
        batch_op.create_index(batch_op.f('ix_dossier_identified_on'), ['identified_on'], unique=False)
