"""summary rows of the waits at each stage

Each move of a dossier from a milestone to the next one recorded, counted per unit, stage
and days waited on the day of the later milestone (``unit_tally`` kind ``w``, at the
day, month and year grains), as ``ldld_tracker.tally.events.waits`` works them out: the
due page's medians are read from these rows. Computed here in SQL from the dossiers.

Revision ID: 7d2e5c1b9a40
Revises: c5a845a4abfc
Create Date: 2026-12-01 08:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2e5c1b9a40'
down_revision = 'c5a845a4abfc'
branch_labels = None
depends_on = None

# The milestones' date columns in path order, as of this revision.
STAGES = ("identified", "trained", "applied", "verified", "introduced", "cell_resolved",
          "committee_resolved", "admitted", "sworn_in", "official")
DIGITS = 7


def _moves(postgres: bool) -> str:
    """(unit_id, code, day) of every move, as one SELECT."""
    branches = []
    for index, stage in enumerate(STAGES[:-1]):
        start = f"d.{stage}_on"
        later = [f"d.{s}_on" for s in STAGES[index + 1:]]
        following = f"COALESCE({', '.join(later)})" if len(later) > 1 else later[0]
        if postgres:
            days = f"lpad(({following} - {start})::text, {DIGITS}, '0')"
        else:
            days = f"printf('%0{DIGITS}d', CAST(julianday({following}) - julianday({start}) AS INTEGER))"
        branches.append(
            f"SELECT e.unit_id AS unit_id, '{stage}:' || {days} AS code, {following} AS day "
            "FROM dossier d JOIN person p ON p.id = d.person_id "
            "JOIN enterprise e ON e.id = p.enterprise_id "
            f"WHERE {start} IS NOT NULL AND {following} >= {start}")
    return " UNION ALL ".join(branches)


def upgrade():
    # (an earlier migration's rebuild, run by today's code, may have written them already)
    op.execute("DELETE FROM unit_tally WHERE kind = 'w'")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        starts = {"d": "day", "m": "date_trunc('month', day)::date",
                  "y": "date_trunc('year', day)::date"}
    else:
        starts = {"d": "day", "m": "date(day, 'start of month')", "y": "date(day, 'start of year')"}
    for grain, start in starts.items():
        op.execute(
            "INSERT INTO unit_tally (unit_id, kind, code, grain, starts_on, n) "
            f"SELECT unit_id, 'w', code, '{grain}', {start}, count(*) FROM ({_moves(postgres)}) moves "
            f"GROUP BY unit_id, code, {start}")


def downgrade():
    op.execute("DELETE FROM unit_tally WHERE kind = 'w'")
