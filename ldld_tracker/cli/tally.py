"""``tally-check`` and ``tally-rebuild``: the dashboards' summary rows against the records.

The application keeps the summaries itself, in the transaction of every change; these are
for after loading rows by other means (a restore from an older version, SQL by hand)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..tally import upkeep


@click.command("tally-check")
@with_appcontext
def tally_check() -> None:
    """Compare the dashboards' summaries with the records; exit status 1 if they differ."""
    problems = upkeep.differences(db.session.connection())
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("The summaries agree with the records.")


@click.command("tally-rebuild")
@with_appcontext
def tally_rebuild() -> None:
    """Recompute the dashboards' summaries from the records, in one transaction."""
    upkeep.rebuild(db.session.connection())
    db.session.commit()
    click.echo("The summaries were rebuilt from the records.")


COMMANDS = [tally_check, tally_rebuild]
