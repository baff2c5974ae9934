"""summary key: unit, kind, grain, day, then code

The primary key of ``unit_tally`` was (unit, kind, code, grain, day): reading one unit's
rows of a range of days (a district officer's sums, a page of units' medians) walked every
code of the unit's kind. With the day before the code, each unit and range of days is one
range of the key; on PostgreSQL the key's index also holds the count. The upserts'
conflict target is the same set of columns.

Revision ID: e4b7c2a91f35
Revises: 7d2e5c1b9a40
Create Date: 2026-12-01 12:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4b7c2a91f35'
down_revision = '7d2e5c1b9a40'
branch_labels = None
depends_on = None


def _key(columns, include):
    if op.get_bind().dialect.name == 'postgresql':
        # (one statement: the table is read once to build the new key)
        op.execute(f"ALTER TABLE unit_tally DROP CONSTRAINT pk_unit_tally, "
                   f"ADD CONSTRAINT pk_unit_tally PRIMARY KEY ({', '.join(columns)}){include}")
        return
    with op.batch_alter_table('unit_tally') as batch_op:
        batch_op.drop_constraint('pk_unit_tally', type_='primary')
        batch_op.create_primary_key('pk_unit_tally', columns)


def upgrade():
    # The count in the key's index too (PostgreSQL), so that reading a page of units' rows
    # is an index-only scan like the reads of every unit's.
    _key(['unit_id', 'kind', 'grain', 'starts_on', 'code'], ' INCLUDE (n)')


def downgrade():
    _key(['unit_id', 'kind', 'code', 'grain', 'starts_on'], '')
