"""A real process that starts a write through the app's own operations and stops in the
middle of it, so that a test can kill it there.

    python -m tests.fault_helpers.interrupted_write milestone DATABASE_URL
    python -m tests.fault_helpers.interrupted_write import DATABASE_URL WORKBOOK

``milestone`` records "identified" on the first dossier exactly as the dossier page does
(``record_milestone``, which flushes); ``import`` runs the dossier importer on WORKBOOK and
stops once 400 rows are written. Either way the program then prints ``MIDDLE`` and waits
on standard input: the line ``commit`` lets it finish and commit (it then prints
``COMMITTED``); anything else, or end of input, makes it exit without committing.

On SQLite the page cache is made small (the import's own larger one too), so that
uncommitted pages are spilled to the WAL file as they would be during a large import: the
crash then leaves real uncommitted data in the database files, which recovery must ignore.
"""

from __future__ import annotations

import sys
from datetime import date

from sqlalchemy import event, select

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, User
from ldld_tracker.workflow.checks import MilestoneEntry
from ldld_tracker.workflow.operations import record_milestone

OFFICER = "fault-officer"
IMPORT_PAUSE_AT = 400


def _wait_for_the_test() -> None:
    print("MIDDLE", flush=True)
    if sys.stdin.readline().strip() != "commit":
        sys.exit(3)


def _milestone(officer: User) -> None:
    dossier = db.session.scalar(select(Dossier).order_by(Dossier.id))
    record_milestone(dossier, MilestoneEntry("identified", date(2020, 12, 1),
                                             {"identified_by": "BCH CĐCS"}), officer, date(2020, 12, 15))
    _wait_for_the_test()
    db.session.commit()


def _import(officer: User, workbook: str) -> None:
    from ldld_tracker.excel import importer
    from ldld_tracker.excel.importer import run_import

    importer.PAGE_CACHE_KIB = 80  # (the import's own larger cache would hold every page)

    paused = []

    def progress(rows: int, _estimated: int) -> None:
        if rows >= IMPORT_PAUSE_AT and not paused:
            paused.append(rows)
            _wait_for_the_test()

    result = run_import("dossiers", workbook, officer, apply=True, progress=progress)
    if not result.applied:
        print("NOT APPLIED", [p.message for p in result.problems][:5], flush=True)
        sys.exit(4)


def main(mode: str, url: str, workbook: str | None = None) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": "2020-12-15"})
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect",
                         lambda connection, _record: connection.execute("PRAGMA cache_size=20"))
        officer = db.session.scalar(select(User).where(User.username == OFFICER))
        if mode == "milestone":
            _milestone(officer)
        else:
            _import(officer, workbook or "")
    print("COMMITTED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
