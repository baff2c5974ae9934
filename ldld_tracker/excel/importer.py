"""Import a workbook: parse every row, validate every row, write all of it or nothing.

The whole import runs inside one database transaction, through the same operations the
forms use (records.* for enterprises and people, workflow.operations for the dossier and
each milestone, in path order), so every rule, scope check and audit entry applies. A
refused row is reported and the next rows are still checked, so the preview lists every
problem at once. At the end the transaction is committed only when this is not a dry run
and no row had an error; otherwise it is rolled back and nothing was written. A preview is
that dry run, less what only a commit needs: its rows are written (so the database checks
them too), but not their audit entries nor the dashboards' summary rows. An applied import
holds the summary changes of its chunks back and writes them once, with its commit
(``tally.holding``): every chunk adds to the same rows of the unit.

Rows are written in chunks of ``CHUNK``: a handler that supports it (the dossiers) looks up
the chunk's people in one query and applies its rows without flushing, then the chunk is
flushed once (with its audit entries) inside one savepoint. Every rule is checked in Python
before the write, so the database refusing a chunk is the rare exception: the chunk is then
undone and applied again row by row, each row in its own savepoint with the operations'
own flushes, so that the refusal is reported on the row that caused it. A row-by-row import
of 12,000 rows took minutes (holding SQLite's write lock all along); chunks take seconds.
A preview on SQLite keeps a chunk's new rows out of the session and writes them by one
plain INSERT per table instead of the ORM's flush (``_insert_new_rows``): the same rows,
checked by the database the same way, without the session's bookkeeping (adding, the unit
of work, letting go) for objects nothing reads again.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Column, func, inspect, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstanceState, Mapper
from sqlalchemy.orm.interfaces import MANYTOONE

from .. import access, audit
from ..database import take_sqlite_write_lock
from ..errors import OperationRefused
from ..extensions import db
from ..models import User
from ..tally import holding
from .cleaning import BLANK, CellError, Cleaner
from .columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS, ImportColumn
from .reader import Row, Table, WorkbookReader
from .result import ImportResult, Problem
from .safety import UnsafeWorkbook, check_workbook_file

Progress = Callable[[int, int], None]
KINDS = ("enterprises", "dossiers")
PROGRESS_EVERY = 200
# Rows written by one flush. Progress is reported after each chunk is flushed, so when
# ``progress`` is called the rows it counts are written (uncommitted) in the database.
CHUNK = PROGRESS_EVERY
# New objects between two collections of the youngest during an import (see
# ``_young_collections_only``).
YOUNG_THRESHOLD = 10_000
# The page cache of an import's connection on SQLite, in KiB (see ``_larger_page_cache``).
PAGE_CACHE_KIB = 16 * 1024


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


Parsed = tuple[Row, dict[str, object], list[tuple[str, str]]]


class RowHandler:
    """Applies one kind of row; subclasses implement ``apply`` and return
    "new", "changed" or "unchanged".

    A subclass with ``BATCHED = True`` applies a chunk's rows with ``self.batch`` set: it
    then passes ``flush=False`` to the operations, finds what it needs in what
    ``prepare`` loaded for the chunk, and runs no query of its own per row."""

    # Field names of refusals from the record operations -> the import column keys.
    FIELD_COLUMNS: dict[str, str] = {}
    BATCHED = False

    def __init__(self, actor: User, table: Table, result: ImportResult) -> None:
        self.actor = actor
        self.table = table
        self.result = result
        self.cleaner = Cleaner()
        self.row: Row | None = None
        self.batch = False
        # Rows seen so far, by the key that must not repeat (citizen ID, tax code).
        self.seen: dict[str, int] = {}
        # Whether the ids new rows will get are known before they are written: the
        # import holds SQLite's write lock (see ``_begin``).
        self.ids_known = False
        # A preview (always rolled back): its new rows are written by plain INSERTs.
        self.preview = False

    @property
    def keeps_out(self) -> bool:
        """Whether the chunk being applied keeps its new rows out of the session, for
        ``kept_out`` to hand them to ``_insert_new_rows``: in a preview whose new rows'
        ids are known (see ``_give_ids``); elsewhere they are added and flushed."""
        return self.batch and self.preview and self.ids_known

    def kept_out(self) -> list[object]:
        """The new objects the chunk kept out of the session (see ``keeps_out``), each
        after those it refers to, in the order they were made."""
        return []

    def apply(self, values: dict[str, object]) -> str:
        raise NotImplementedError

    def prepare(self, chunk: list[dict[str, object]]) -> None:
        """Load, in a few queries, what ``apply`` needs for the parsed rows of a chunk."""

    def forget(self) -> None:
        """Drop what ``prepare`` loaded and what the chunk kept out (it is written)."""

    def problem(self, key: str, message: str, warning: bool = False) -> None:
        found = self.table.found.get(self.FIELD_COLUMNS.get(key, key))
        self.result.problems.append(Problem(
            self.row.number, found.letter if found else "", found.header if found else "",
            message, warning))

    def parse(self, row: Row) -> Parsed:
        """The row's cleaned values, and the (column key, message) of each unreadable cell."""
        values: dict[str, object] = {}
        errors: list[tuple[str, str]] = []
        cell = self.cleaner.cell
        for key, found in self.table.found.items():
            try:
                value = cell(found.column, row.values.get(key))
            except CellError as error:
                errors.append((key, error.message))
                continue
            if value is not BLANK:
                values[key] = value
        return row, values, errors

    def handle(self, row: Row) -> None:
        """One row on its own: its own savepoint, the operations' own flushes."""
        self._apply(self.parse(row), savepoint=True)

    def handle_chunk(self, rows: list[Row]) -> None:
        """A chunk of rows, written by one flush when the handler is ``BATCHED``; if the
        database refuses that flush, the chunk again row by row (see the module's doc)."""
        if not self.BATCHED:
            for row in rows:
                self.handle(row)
            return
        chunk = [self.parse(row) for row in rows]
        mark = (len(self.result.problems), self.result.new, self.result.changed,
                self.result.unchanged, len(self.seen))
        try:
            with holding.savepoint(db.session):
                self.batch = True
                with db.session.no_autoflush:
                    self.prepare([values for _row, values, errors in chunk if not errors])
                    for parsed in chunk:
                        self._apply(parsed, savepoint=False)
                written = [*db.session.new, *db.session.dirty]
                if self.ids_known:
                    with db.session.no_autoflush:
                        self._write_kept_out()
                db.session.flush()
                audit.write_deferred()
            _let_go(written)
        except SQLAlchemyError:
            audit.discard_deferred()
            self.batch = False
            self.forget()
            problems, self.result.new, self.result.changed, self.result.unchanged, seen = mark
            del self.result.problems[problems:]
            self.seen = dict(list(self.seen.items())[:seen])
            for parsed in chunk:
                self._apply(parsed, savepoint=True)
        finally:
            self.batch = False
            self.forget()

    def _write_kept_out(self) -> None:
        """Give the chunk's new objects their ids, then write those it kept out of the
        session by plain INSERTs; were an id missing, they are added to be flushed."""
        outside = self.kept_out()
        _give_ids([*outside, *_in_insert_order(db.session.new)])
        if all(_has_id(inspect(obj)) for obj in outside):
            _insert_new_rows(outside)
        else:
            db.session.add_all(outside)

    def _apply(self, parsed: Parsed, savepoint: bool) -> None:
        row, values, errors = parsed
        self.row = row
        for key, message in errors:
            self.problem(key, message)
        if errors:
            return
        try:
            if savepoint:
                with holding.savepoint(db.session):
                    status = self.apply(values)
            else:
                # A refused row may leave part of its changes in the session: the import
                # is then refused as a whole and rolled back, so they are never committed.
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
            if not savepoint:
                raise  # handle_chunk undoes the chunk and applies it row by row
            self.problem("", _("The database refused this row; check its values."))
            return
        self.result.count(status)


def _give_ids(new: Iterable[object]) -> None:
    """Give the chunk's new objects, in the order given, the ids SQLite would give them as
    it inserts them in that order (one more than the table's largest …), so that the flush
    sends each table's rows as one executemany: without the ids, SQLAlchemy inserts them
    one ``INSERT … RETURNING`` at a time on SQLite (which does not promise the order of a
    multi-row RETURNING). Only while the import holds the write lock (nobody else can
    insert meanwhile); a table any of whose new objects already has an id is left alone."""
    by_mapper: dict[Mapper, list[InstanceState]] = {}
    for obj in new:
        state = inspect(obj)
        if _counted_id(state.mapper) is not None:
            by_mapper.setdefault(state.mapper, []).append(state)
    for mapper, states in by_mapper.items():
        key, column = _counted_id(mapper)
        if any(key in state.dict and state.dict[key] is not None for state in states):
            continue
        first = (db.session.scalar(select(func.max(column))) or 0) + 1
        for number, state in enumerate(states, first):
            state.dict[key] = number  # a new object's value: the INSERT sends it


def _in_insert_order(new: Iterable[object]) -> list[object]:
    """The session's new objects in the order its flush inserts them."""
    return sorted(new, key=lambda obj: inspect(obj).insert_order)


@cache
def _counted_id(mapper: Mapper) -> tuple[str, Column] | None:
    """(attribute, column) of a mapper's id if SQLite numbers it (one integer primary key
    column, in a table of its own), else None."""
    columns = mapper.primary_key
    if len(columns) != 1 or mapper.inherits is not None:
        return None
    column = columns[0]
    if column.table.autoincrement_column is not column:
        return None
    return mapper.get_property_by_column(column).key, column


def _insert_new_rows(objects: list[object]) -> None:
    """Write a preview chunk's new objects that it kept out of the session, their ids
    given (``_give_ids``), by one plain INSERT per table (an executemany, parents first).

    A preview is always rolled back and nothing reads these objects after their chunk, so
    the database still checks every row it would write (constraints, keys, types) while
    the session's bookkeeping (adding each object, the unit of work, letting go of it),
    half a preview's time for 33,000 objects, is skipped. The values are those the flush
    would send: the columns the objects hold (their defaults given by ``fill_defaults``),
    foreign keys from the objects they refer to (kept out too), the first version number,
    the columns' own defaults for the rest, after the mapper's ``before_insert`` hooks as
    the flush runs them, each converted as SQLAlchemy converts it for the driver. An
    import that is applied adds its objects and flushes them as usual, so that its audit
    entries and summaries see the rows; so does a preview where the ids are not known
    ahead (another writer, PostgreSQL)."""
    by_mapper: dict[Mapper, list[InstanceState]] = {}
    for obj in objects:
        state = inspect(obj)
        by_mapper.setdefault(state.mapper, []).append(state)
    parents_first = _parents_first()
    connection = db.session.connection()
    for mapper in sorted(by_mapper, key=lambda m: parents_first[m.local_table]):
        states = by_mapper[mapper]
        for state in states:  # (as the flush does, e.g. a dossier takes its person's enterprise)
            mapper.dispatch.before_insert(mapper, connection, state)
        sql, row = _insert_plan(mapper, connection.dialect)
        connection.exec_driver_sql(sql, [row(state) for state in states])


@cache
def _parents_first() -> dict[SqlTable, int]:
    """Each table's place in an order that puts a table after those it refers to (worked
    out once: ``sorted_tables`` sorts them anew on every call)."""
    return {table: n for n, table in enumerate(db.metadata.sorted_tables)}


def _has_id(state: InstanceState) -> bool:
    """Whether a new object's id is already given (``_give_ids``)."""
    counted = _counted_id(state.mapper)
    return counted is not None and state.dict.get(counted[0]) is not None


@cache
def _many_to_one(mapper: Mapper) -> list:
    return [r for r in mapper.relationships if r.direction is MANYTOONE]


@cache
def _insert_plan(mapper: Mapper, dialect) -> tuple[str, Callable[[InstanceState], tuple]]:  # noqa: ANN001
    """The INSERT of every column of ``mapper``'s table for the driver, and the function
    giving a new object's row for it (see ``_insert_new_rows``)."""
    table = mapper.local_table
    parts = []  # per column: (attribute, [(relation, target attribute)], default, converter)
    for column in table.columns:
        parts.append((mapper.get_property_by_column(column).key,
                      _foreign_sources(mapper, column),
                      _default_of(column, mapper.version_id_col),
                      column.type.bind_processor(dialect)))
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)}) "
           f"VALUES ({', '.join([marker] * len(table.columns))})")

    def row(state: InstanceState) -> tuple:
        held = state.dict
        values = []
        for key, sources, default_value, convert in parts:
            value = held.get(key)
            if value is None:
                for relation, target_key in sources:
                    target = held.get(relation)
                    if target is not None:
                        value = getattr(target, target_key)
                if value is None:  # (as the flush: None leaves the column to its default)
                    value = default_value()
            values.append(convert(value) if convert is not None and value is not None else value)
        return tuple(values)

    return sql, row


def _default_of(column: Column, version: Column | None) -> Callable[[], object]:
    """What the flush inserts in ``column`` when the object holds no value for it."""
    default = column.default
    if column is version:
        return lambda: 1  # the version counter's first value
    if default is not None and default.is_scalar:
        return lambda: default.arg
    if default is not None and default.is_callable:
        return lambda: default.arg(None)  # (SQLAlchemy's wrapper of a function of no argument)
    return lambda: None


def _foreign_sources(mapper: Mapper, column: Column) -> list[tuple[str, str]]:
    """(relationship, attribute of the object it refers to) that give ``column`` when
    the object holds the relationship rather than the key (``Dossier(person=…)``)."""
    return [(relation.key, relation.mapper.get_property_by_column(remote).key)
            for relation in _many_to_one(mapper)
            for local, remote in relation.local_remote_pairs if local is column]


def _let_go(written: list[object]) -> None:
    """Expire what a chunk wrote, now in the database: a person and their dossier (a
    dossier and its introducers) refer to each other, so, kept loaded, they would wait
    for a garbage collection; expired, they are freed as soon as the import lets go of
    them. Nothing is read from them afterwards (a later row with the same citizen ID is
    refused before any lookup); were anything read, it would be loaded again."""
    for obj in written:
        names = _two_way_relations(type(obj))
        if names and obj in db.session:
            db.session.expire(obj, names)


@cache
def _two_way_relations(model: type) -> list[str]:
    """The relationships of ``model`` whose other side refers back to it."""
    return [r.key for r in inspect(model).relationships if r.back_populates or r.backref]


def _begin() -> bool:
    """Start the transaction explicitly on SQLite: pysqlite opens one only before a data
    change, so a first SAVEPOINT would open it itself and its RELEASE would commit the
    row at once, breaking all-or-nothing. It takes the write lock at once (``IMMEDIATE``),
    which the first chunk's flush would take a moment later anyway: a transaction that
    only read could not take it afterwards if another write came in between. Returns
    whether the import now holds the write lock."""
    return take_sqlite_write_lock(db.session.connection())


@contextmanager
def _larger_page_cache() -> Iterator[None]:
    """On SQLite, give the import's connection a page cache of ``PAGE_CACHE_KIB`` while it
    writes, then its own back. Each row adds to a dozen indexes of the people and their
    dossiers, at places all over them: with SQLite's default 2 MB the same pages were read
    from the file again and again (a fifth of the time the INSERTs took). SQLite checks
    its cache against the file at each transaction, so nothing read can be stale."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    own = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(own)}")


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """Keep Python's collections of the youngest objects, but no full collection during
    the import: Python would run them ever more often as the import makes objects that
    outlive a chunk, and each walks every object of the process (a full collection
    every 2,000 rows cost a tenth of the import's time). A written chunk is freed as
    soon as it is expired (``_let_go``); what other cycles the chunk made are collected
    after it with the young objects (``gc.collect(1)``, which walks only those). Even
    the youngest are collected less often (``YOUNG_THRESHOLD``): most of what a chunk
    makes lives until the chunk is written, so a collection every 700 new objects (the
    default) walked them again and again for nothing, half of the collections' time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_THRESHOLD), 1_000_000_000, 1_000_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of ``size``; the rows read before an unsafe part of the sheet are
    still handled (and counted) before the refusal, as they would be one by one."""
    chunk: list[Row] = []
    try:
        for row in rows:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
    except UnsafeWorkbook:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


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
    # The summary changes of every chunk are written once, by the commit (or never); a
    # preview, always rolled back, works out no summaries and makes no audit entries.
    with holding.holding(db.session, dry_run=not apply), \
            (nullcontext() if apply else audit.unkept(db.session)):
        _run(kind, path, actor, result, apply, progress)
    return result


def _run(kind: str, path: Path | str, actor: User, result: ImportResult, apply: bool,
         progress: Progress | None) -> None:
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
                return
            ids_known = _begin()
            handler = _handler_class(kind)(actor, table, result)
            handler.ids_known, handler.preview = ids_known, not apply
            with _young_collections_only(), _larger_page_cache():
                for rows in _chunks(reader.rows(), CHUNK):
                    handler.handle_chunk(rows)
                    gc.collect(1)  # what the chunk made (see _young_collections_only)
                    for _row in rows:
                        result.rows += 1
                        if progress and result.rows % PROGRESS_EVERY == 0:
                            progress(result.rows, table.estimated_rows)
    except UnsafeWorkbook as unsafe:
        result.problems.append(Problem(None, message=unsafe.message))
    except Exception:
        audit.discard_deferred()
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
