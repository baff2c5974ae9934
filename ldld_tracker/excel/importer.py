"""Import a workbook: parse every row, validate every row, write all of it or nothing.

The whole import runs inside one database transaction, through the same operations the
forms use (records.* for enterprises and people, workflow.operations for the dossier and
each milestone, in path order), so every rule, scope check and audit entry applies. Each
row runs in its own savepoint: a refused row is undone alone and the next rows are still
checked, so the preview lists every problem at once. At the end the transaction is
committed only when this is not a dry run and no row had an error; otherwise it is rolled
back and nothing was written. A preview is exactly that dry run.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from .. import access, audit
from ..errors import OperationRefused
from ..extensions import db
from ..models import User
from .cleaning import CellError, Cleaner, is_blank
from .columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS, ImportColumn
from .reader import Row, Table, WorkbookReader
from .result import ImportResult, Problem
from .safety import UnsafeWorkbook, check_workbook_file

Progress = Callable[[int, int], None]
KINDS = ("enterprises", "dossiers")
PROGRESS_EVERY = 200


class RowRefused(Exception):
    """A row cannot be applied; ``problems`` are (column key or "", message) pairs."""

    def __init__(self, *problems: tuple[str, str]) -> None:
        super().__init__("; ".join(m for _k, m in problems))
        self.problems = list(problems)


def columns_for(kind: str) -> tuple[ImportColumn, ...]:
    return ENTERPRISE_COLUMNS if kind == "enterprises" else DOSSIER_COLUMNS


def may_import(user: User, kind: str) -> bool:
    """Officers import dossiers of their scope; officers and the admin import enterprises."""
    if kind == "dossiers":
        return access.can_edit_people(user)
    return kind == "enterprises" and access.can_edit_enterprise(user)


class RowHandler:
    """Applies one kind of row; subclasses implement ``apply`` and return
    "new", "changed" or "unchanged"."""

    # Field names of refusals from the record operations -> the import column keys.
    FIELD_COLUMNS: dict[str, str] = {}

    def __init__(self, actor: User, table: Table, result: ImportResult) -> None:
        self.actor = actor
        self.table = table
        self.result = result
        self.cleaner = Cleaner()
        self.row: Row | None = None

    def apply(self, values: dict[str, object]) -> str:
        raise NotImplementedError

    def problem(self, key: str, message: str, warning: bool = False) -> None:
        found = self.table.found.get(self.FIELD_COLUMNS.get(key, key))
        self.result.problems.append(Problem(
            self.row.number, found.letter if found else "", found.header if found else "",
            message, warning))

    def handle(self, row: Row) -> None:
        self.row = row
        values: dict[str, object] = {}
        failed = False
        for key, found in self.table.found.items():
            raw = row.values.get(key)
            if is_blank(raw) and not found.column.required:
                continue
            try:
                values[key] = self.cleaner.parse(found.column, raw)
            except CellError as error:
                self.problem(key, error.message)
                failed = True
        if failed:
            return
        try:
            with db.session.begin_nested():
                status = self.apply(values)
        except RowRefused as refused:
            for key, message in refused.problems:
                self.problem(key, message)
            return
        except OperationRefused as refused:
            named = {self.FIELD_COLUMNS.get(k, k): m for k, m in refused.field_errors.items()}
            for key, message in named.items():
                self.problem(key, message)
            for message in refused.messages:
                if message not in named.values():
                    self.problem("", message)
            return
        except SQLAlchemyError:
            self.problem("", _("The database refused this row; check its values."))
            return
        self.result.count(status)


def _begin() -> None:
    """Start the transaction explicitly on SQLite: pysqlite opens one only before a data
    change, so a first SAVEPOINT would open it itself and its RELEASE would commit the
    row at once, breaking all-or-nothing."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


@contextmanager
def _no_full_collections() -> Iterator[None]:
    """Keep Python's young-generation garbage collection but postpone full collections:
    with thousands of rows held by the session, each full pass scans them all again and
    the import would slow down as it goes."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _handler_class(kind: str) -> type[RowHandler]:
    if kind == "enterprises":
        from .enterprise_rows import EnterpriseRows

        return EnterpriseRows
    from .dossier_rows import DossierRows

    return DossierRows


def run_import(kind: str, path: Path | str, actor: User, *, apply: bool = False,
               progress: Progress | None = None) -> ImportResult:
    """Import ``path`` as ``actor``; write it (one commit) only when ``apply`` and no row
    had an error. The caller's session must have nothing pending."""
    if kind not in KINDS:
        raise ValueError(kind)
    result = ImportResult(kind)
    if not may_import(actor, kind):
        result.problems.append(Problem(None, message=_("Your role cannot import this list.")))
        return result
    try:
        check_workbook_file(path)
        with WorkbookReader(path, columns_for(kind)) as reader:
            table = reader.table
            result.sheet, result.header_row = table.sheet, table.header_row
            result.problems += [Problem(None, message=m) for m in table.duplicates]
            result.problems += [Problem(None, message=_(
                "The required column “%(header)s” was not found in the header row (row "
                "%(row)s of sheet “%(sheet)s”).", header=c.header, row=table.header_row,
                sheet=table.sheet)) for c in table.missing]
            if not result.ok:
                return result
            _begin()
            handler = _handler_class(kind)(actor, table, result)
            with _no_full_collections():
                for row in reader.rows():
                    result.rows += 1
                    handler.handle(row)
                    if progress and result.rows % PROGRESS_EVERY == 0:
                        progress(result.rows, table.estimated_rows)
    except UnsafeWorkbook as unsafe:
        result.problems.append(Problem(None, message=unsafe.message))
    except Exception:
        db.session.rollback()
        raise
    if progress:
        progress(result.rows, result.rows)
    if result.rows == 0 and result.ok:
        result.problems.append(Problem(None, message=_("The workbook has no data rows below "
                                                       "the header.")))
    if apply and result.ok:
        audit.record(actor, "import", None, {
            "kind": kind, "rows": result.rows, "new": result.new, "changed": result.changed,
            "unchanged": result.unchanged})
        db.session.commit()
        result.applied = True
    else:
        db.session.rollback()
    return result
