"""summary rows of coverage

Each enterprise with a union, counted per unit from the day it counts: from its union's
founding (code ``union``); from when it also has a party organisation (``party``); for
each year somebody there was identified, from when it has a union and that year's first
identification (``identified:2024``), and a party organisation too (``both:2024``):
``unit_tally`` kind ``c``, at the day, month, year and all-time grains, as
``ldld_tracker.tally.events.enterprise_events`` works them out. The coverage page counts
each unit's enterprises from these rows instead of every enterprise and dossier.
Computed here in SQL from the enterprises and dossiers.

Revision ID: a7c4e2d9b1f6
Revises: f1c7b3e9a2d4
Create Date: 2026-12-02 06:10:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c4e2d9b1f6'
down_revision = 'f1c7b3e9a2d4'
branch_labels = None
depends_on = None

ALL_TIME = sa.bindparam("all_time", date(1, 1, 1), type_=sa.Date())


def _rows(postgresql: bool) -> str:
    """(unit_id, code, day) of every enterprise's coverage rows, as one SELECT."""
    later = "GREATEST" if postgresql else "max"
    year = "CAST(EXTRACT(YEAR FROM identified_on) AS integer)" if postgresql \
        else "strftime('%Y', identified_on)"
    firsts = (f"SELECT enterprise_id, {year} AS year, min(identified_on) AS first FROM dossier "
              f"WHERE identified_on IS NOT NULL GROUP BY enterprise_id, {year}")
    enterprises = ("SELECT id, unit_id, union_founded_on AS union_on, CASE WHEN has_party_org THEN "
                   f"{later}(union_founded_on, COALESCE(party_org_since, union_founded_on)) END "
                   "AS party_on FROM enterprise WHERE union_founded_on IS NOT NULL")
    both = f"({enterprises}) e JOIN ({firsts}) f ON f.enterprise_id = e.id"
    return " UNION ALL ".join([
        f"SELECT unit_id, 'union' AS code, union_on AS day FROM ({enterprises}) e",
        f"SELECT unit_id, 'party', party_on FROM ({enterprises}) e WHERE party_on IS NOT NULL",
        f"SELECT unit_id, 'identified:' || f.year, {later}(union_on, f.first) FROM {both}",
        f"SELECT unit_id, 'both:' || f.year, {later}(party_on, f.first) FROM {both} "
        "WHERE party_on IS NOT NULL",
    ])


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute("DELETE FROM unit_tally WHERE kind = 'c'")
    if postgresql:
        starts = {"d": "day", "m": "date_trunc('month', day)::date",
                  "y": "date_trunc('year', day)::date"}
    else:
        starts = {"d": "day", "m": "date(day, 'start of month')", "y": "date(day, 'start of year')"}
    for grain, start in starts.items():
        op.execute(
            "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
            f"SELECT unit_id, 'c', code, '{grain}', {start}, count(*) FROM ({_rows(postgresql)}) "
            f"coverage_rows GROUP BY unit_id, code, {start}")
    op.execute(sa.text(
        "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
        "SELECT unit_id, kind, code, 'a', :all_time, sum(n) FROM unit_tally "
        "WHERE kind = 'c' AND grain = 'y' GROUP BY unit_id, kind, code").bindparams(ALL_TIME))


def downgrade():
    op.execute("DELETE FROM unit_tally WHERE kind = 'c'")
