"""dossier: the person's enterprise, kept by the database

The dashboards scope and group dossiers by their person's enterprise. Joining 176,000
open dossiers to 4.8 million people for it was most of the country's due page (one index
descent per dossier). The dossier now holds the enterprise itself, and a foreign key on
(person, enterprise) to the person's (id, enterprise) keeps the two equal: a person's move
is carried to their dossier (ON UPDATE CASCADE), a dossier in another enterprise than its
person's is refused. Coverage's index on the day identified now holds the enterprise.

Revision ID: 5f3a8c7d1e62
Revises: 2b8e5d0c4f17
Create Date: 2026-12-01 15:05:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5f3a8c7d1e62'
down_revision = '2b8e5d0c4f17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_id_enterprise')
        batch_op.create_index('uq_person_id_enterprise', ['id', 'enterprise_id'], unique=True)
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enterprise_id', sa.Integer(), nullable=True))
    op.execute("UPDATE dossier SET enterprise_id = "
               "(SELECT person.enterprise_id FROM person WHERE person.id = dossier.person_id)")
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.alter_column('enterprise_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_dossier_person_enterprise', 'person',
                                    ['person_id', 'enterprise_id'], ['id', 'enterprise_id'],
                                    onupdate='CASCADE')
        batch_op.create_index(batch_op.f('ix_dossier_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.drop_index('ix_dossier_identified_person')
        batch_op.create_index('ix_dossier_identified_enterprise', ['identified_on', 'enterprise_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_identified_enterprise')
        batch_op.create_index('ix_dossier_identified_person', ['identified_on', 'person_id'],
                              unique=False)
        batch_op.drop_index(batch_op.f('ix_dossier_enterprise_id'))
        batch_op.drop_constraint('fk_dossier_person_enterprise', type_='foreignkey')
        batch_op.drop_column('enterprise_id')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('uq_person_id_enterprise')
        batch_op.create_index('ix_person_id_enterprise', ['id', 'enterprise_id'], unique=False)
