"""reported totals by year and month

An index of the reported totals by year and month that covers the counts: every dashboard
reads one year's months up to a month for every unit in scope (the country's 900 units
keep 10,800 rows a year; without it, every year's rows were read).

Revision ID: f1c7b3e9a2d4
Revises: d3f8a1c6e5b2
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1c7b3e9a2d4'
down_revision = 'd3f8a1c6e5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_reported_total_year_month", "reported_total",
                    ["year", "month", "unit_id", "admitted", "women", "ethnic_minority"])


def downgrade():
    op.drop_index("ix_reported_total_year_month", table_name="reported_total")
