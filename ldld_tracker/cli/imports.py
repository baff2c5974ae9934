"""``flask --app ldld_tracker import enterprises|dossiers FILE --user USERNAME [--dry-run]``.

The import acts as the named user account: the same scope, role and rules as when that
officer uploads the workbook on the web page, and the audit log names them. There is no
anonymous "system" actor on purpose: every change to a dossier must be traceable to a
person. Exit status 0 when everything was written (or, with ``--dry-run``, when no row has
an error); 1 with every problem printed when nothing was written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask_babel import force_locale
from sqlalchemy import select

from ..excel.importer import run_import
from ..extensions import db
from ..models import User


def _run(kind: str, path: Path, username: str, dry_run: bool, locale: str) -> None:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"No active user named {username}.")
    with force_locale(locale):
        with click.progressbar(length=1, label="Rows", show_pos=True, file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, done, 1)
                bar.update(done - bar.pos)

            result = run_import(kind, path, user, apply=not dry_run, progress=progress)
        for problem in result.problems:
            prefix = "warning: " if problem.warning else "error: "
            click.echo(prefix + problem.text(), err=not problem.warning)
    summary = (f"{result.rows} rows: {result.new} new, {result.changed} changed, "
               f"{result.unchanged} unchanged, {len(result.errors)} errors.")
    if not result.ok:
        click.echo(f"{summary} Nothing was written.", err=True)
        raise SystemExit(1)
    click.echo(f"{summary} {'Dry run: nothing was written.' if dry_run else 'Written.'}")


def _command(kind: str) -> click.Command:
    @click.command(kind, help=f"Import a workbook of {kind} (.xlsx), all rows or none.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--user", "username", required=True,
                  help="The account the import acts as (its scope, role and audit name).")
    @click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
    @click.option("--locale", default="vi", type=click.Choice(["vi", "en"]),
                  help="Language of the messages.")
    def command(file: Path, username: str, dry_run: bool, locale: str) -> None:
        _run(kind, file, username, dry_run, locale)

    return command


@click.group("import")
def import_group() -> None:
    """Import enterprises or dossiers from an Excel workbook."""


import_group.add_command(_command("enterprises"))
import_group.add_command(_command("dossiers"))

COMMANDS = [import_group]
