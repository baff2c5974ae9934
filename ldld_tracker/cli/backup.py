"""``backup`` and ``restore`` of a SQLite database, safe while the server runs.

Both go through SQLite's online backup API (``sqlite3.Connection.backup``): the copy is
read in one step inside one read transaction, so it is the database as it was at one
moment, even while gunicorn workers keep writing (WAL mode lets them go on meanwhile).
Copying the file with ``cp`` instead could catch half of a transaction, or miss the part
still in the ``-wal`` file. PostgreSQL has its own tools: ``pg_dump -Fc`` / ``pg_restore``.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables without which a file is not a database of this app.
CORE_TABLES = ("alembic_version", "user_account", "person", "dossier", "audit_entry")


def _live_database() -> tuple[Any, str]:
    """A pooled raw connection to the app's SQLite database (with the app's pragmas; its
    ``driver_connection`` is the ``sqlite3.Connection``), and the database's path."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"This command copies a SQLite database; this one is {url.get_backend_name()}. "
            "Use PostgreSQL's own tools: pg_dump -Fc to back up, pg_restore to restore "
            "(see README, “Running in production”).")
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise click.ClickException("The database is in memory: there is no file to copy.")
    return db.engine.raw_connection(), str(Path(url.database).resolve())


def _integrity(connection: sqlite3.Connection) -> str:
    return ", ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))


def copy_database(source: sqlite3.Connection, dest: Path) -> int:
    """Copy ``source`` to a new file ``dest`` (written beside it, then renamed into place,
    so a crash never leaves half a backup under the final name); return its page count.
    The copy is a single self-contained file (rollback journal, not WAL)."""
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # pages=-1: everything in one step, one consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")
        check = _integrity(target)
        pages = target.execute("PRAGMA page_count").fetchone()[0]
    finally:
        target.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The copy failed its integrity check ({check}); nothing kept.")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, dest)
    return pages


def _destination(dest: Path, force: bool) -> Path:
    if dest.is_dir():
        dest = dest / f"ldld_tracker-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
    if dest.exists() and not force:
        raise click.ClickException(f"{dest} already exists; choose another name or add --force.")
    if not dest.parent.is_dir():
        raise click.ClickException(f"The folder {dest.parent} does not exist.")
    return dest


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite DEST if it exists.")
@with_appcontext
def backup(dest: Path, force: bool) -> None:
    """Copy the live SQLite database to DEST (a file, or a folder to put a dated file in).

    Safe while the server is running: the copy is one consistent moment of the database.
    """
    dest = _destination(dest, force)
    source, _path = _live_database()
    try:
        pages = copy_database(source.driver_connection, dest)
    except sqlite3.Error as error:
        raise click.ClickException(f"The backup failed: {error}") from None
    finally:
        source.close()
    size = dest.stat().st_size / 1024 / 1024
    click.echo(f"Backed up to {dest} ({pages} pages, {size:.1f} MB); integrity check: ok.")


def check_backup_file(src: Path) -> str:
    """Refuse anything but an intact SQLite database of this app; return its migration
    revision (``alembic_version``)."""
    if not src.is_file():
        raise click.ClickException(f"{src} is not a file.")
    with open(src, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise click.ClickException(f"{src} is not a SQLite database.")
    connection = sqlite3.connect(f"file:{src.resolve()}?mode=ro", uri=True)
    try:
        check = _integrity(connection)
        if check != "ok":
            raise click.ClickException(f"{src} is damaged (integrity check: {check}).")
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in CORE_TABLES if t not in tables]
        if missing:
            raise click.ClickException(
                f"{src} is not a database of this app (no table {', '.join(missing)}).")
        revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error as error:
        raise click.ClickException(f"{src} cannot be read as a SQLite database: {error}") from None
    finally:
        connection.close()
    if len(revisions) != 1:
        raise click.ClickException(f"{src} has no single migration revision (alembic_version).")
    return revisions[0]


def _known_revision(revision: str) -> str | None:
    """The newest migration revision when ``revision`` is one of this app's; else None."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    known = {script.revision for script in scripts.walk_revisions()}
    return scripts.get_current_head() if revision in known else None


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(src: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup SRC (stop the server first).

    SRC must be an intact database of this app. The current database is first saved
    beside itself (``….before-restore-DATE``), so a restore can be undone.
    """
    revision = check_backup_file(src)
    head = _known_revision(revision)
    if head is None:
        raise click.ClickException(
            f"{src} comes from a migration revision ({revision}) this version of the app does "
            "not know: restore it with the version of the app that made it.")
    live, path = _live_database()
    try:
        if not yes:
            click.confirm(f"Replace the database {path} with {src}? Stop the server first.",
                          abort=True)
        saved = Path(f"{path}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        copy_database(live.driver_connection, saved)
        source = sqlite3.connect(f"file:{src.resolve()}?mode=ro", uri=True)
        try:
            source.backup(live.driver_connection)
        finally:
            source.close()
        check = _integrity(live.driver_connection)
    except sqlite3.Error as error:
        raise click.ClickException(f"The restore failed: {error}") from None
    finally:
        live.close()
    db.engine.dispose()
    click.echo(f"Restored {src} into {path} (integrity check: {check}); the previous "
               f"database is saved as {saved}.")
    if revision != head:
        click.echo("The backup is from an older version of the schema: run "
                   "`flask --app ldld_tracker db upgrade` now.")


COMMANDS = [backup, restore]
