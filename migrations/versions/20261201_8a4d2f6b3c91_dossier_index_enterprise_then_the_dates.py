"""dossier index: enterprise, then the dates

The dashboards reach a scope's dossiers through their enterprises (the enterprise is on
the dossier since 5f3a8c7d1e62). With the dates in the index on the enterprise, SQLite
reads a unit's dossiers from the index alone, in enterprise order, as it read every
dossier's dates from the index in person order before; with the enterprise alone it
fetched each dossier's row (the province's due page: 23 to 41 ms for its lists, back to
23 with this index).

Revision ID: 8a4d2f6b3c91
Revises: 5f3a8c7d1e62
Create Date: 2026-12-01 16:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8a4d2f6b3c91'
down_revision = '5f3a8c7d1e62'
branch_labels = None
depends_on = None

DATES = ['identified_on', 'trained_on', 'applied_on', 'verified_on', 'introduced_on',
         'cell_resolved_on', 'committee_resolved_on', 'admitted_on', 'sworn_in_on', 'official_on']


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_enterprise_id'))
        batch_op.create_index('ix_dossier_enterprise_dates',
                              ['enterprise_id', 'end_kind', 'ended_on', *DATES], unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_enterprise_dates')
        batch_op.create_index(batch_op.f('ix_dossier_enterprise_id'), ['enterprise_id'], unique=False)
