"""The import writes rows in chunks with one flush each: it must report exactly what the
row-by-row import reports, name the row when the database refuses one, and audit every
object it writes with that object's id."""

from __future__ import annotations

import gc
import weakref
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm.state import InstanceState

from ldld_tracker.excel import importer
from ldld_tracker.excel.dossier_rows import DossierRows
from ldld_tracker.excel.importer import run_import
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Dossier, Introducer, Person, Role
from ldld_tracker.tally import upkeep

from .. import factories
from ..dashboards.helpers import count_queries
from .helpers import INTRODUCED, PATH_HEADERS, PERSON_HEADERS, person_row, write

# Small chunks for these tests (the import's own are 200 rows): the row-by-row fallback
# runs each row in its own savepoint, and a few hundred of them in one transaction cost
# PostgreSQL a minute and a half.
CHUNK = 20
ROWS = 2 * CHUNK + CHUNK // 4  # three chunks, the last one partial
REFUSED_NAME = "Lê Văn Từ Chối"


@pytest.fixture
def officer(app, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", CHUNK)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", CHUNK)
    user = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    return user


def _workbook(tmp_path, refused: tuple[int, ...] = (), future: tuple[int, ...] = ()):
    rows = []
    for n in range(ROWS):
        name = REFUSED_NAME if n in refused else f"Lê Văn Nhập {n}"
        path = list(INTRODUCED)
        if n in future:
            path[0] = date(2021, 1, 1)
        rows.append(person_row(f"001{n:09d}", "6000111222", name=name) + path)
    return write(tmp_path / "chunks.xlsx", [PERSON_HEADERS + PATH_HEADERS, *rows])


@pytest.fixture
def database_refuses_a_name(app):
    """The database itself refusing a person's row, as a constraint would: a trigger, on
    either database, so the refusal comes whichever way the row is written."""
    if db.engine.dialect.name == "postgresql":
        create = [
            "CREATE FUNCTION refuse_name() RETURNS trigger AS $$ BEGIN IF NEW.full_name = "
            f"'{REFUSED_NAME}' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_name BEFORE INSERT ON person FOR EACH ROW "
            "EXECUTE FUNCTION refuse_name()"]
        drop = ["DROP TRIGGER refuse_name ON person", "DROP FUNCTION refuse_name()"]
    else:
        create = [f"CREATE TRIGGER refuse_name BEFORE INSERT ON person WHEN NEW.full_name = "
                  f"'{REFUSED_NAME}' BEGIN SELECT RAISE(ABORT, 'refused'); END"]
        drop = ["DROP TRIGGER refuse_name"]
    for statement in create:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    for statement in drop:
        db.session.execute(text(statement))
    db.session.commit()


def _outcome(officer, path) -> tuple:
    calls: list[tuple[int, int]] = []
    result = run_import("dossiers", path, officer, progress=lambda n, _e: calls.append(n))
    return (result.rows, result.new, result.changed, result.unchanged,
            [(p.row, p.column, p.text()) for p in result.problems], calls)


def test_a_row_the_database_refuses_is_reported_on_its_row_as_one_by_one(
        app, officer, tmp_path, database_refuses_a_name, monkeypatch):
    path = _workbook(tmp_path, refused=(CHUNK + 5, CHUNK + 10), future=(CHUNK + 7,))
    chunked = _outcome(officer, path)
    monkeypatch.setattr(DossierRows, "BATCHED", False)
    one_by_one = _outcome(officer, path)

    assert chunked == one_by_one
    rows, new, _changed, _unchanged, problems, calls = chunked
    assert (rows, new) == (ROWS, ROWS - 3)
    # (data row n is the sheet's row n + 2, below the header)
    assert [(row, column) for row, column, _text in problems] == [
        (CHUNK + 7, ""), (CHUNK + 9, "I"), (CHUNK + 12, "")]
    assert calls == [CHUNK, 2 * CHUNK, ROWS]
    assert db.session.scalar(select(Person).limit(1)) is None  # a preview writes nothing


def _rows_before_the_rollback(officer, path, monkeypatch) -> dict[str, list]:
    """Every row of the tables a dossiers import writes, read just before the preview
    rolls back (the insert times apart: the clock moves between two runs)."""
    seen: dict[str, list] = {}
    rollback = db.session.rollback

    def read_then_roll_back() -> None:
        numbers: dict[str, dict[int, int]] = {}  # ids as the rows' order (sequences move on)
        for table, refers in ((Person.__table__, None), (Dossier.__table__, ("person_id", "person")),
                              (Introducer.__table__, ("dossier_id", "dossier"))):
            stamps = [c for c in table.columns if c.name in ("created_at", "updated_at")]
            assert all(db.session.scalar(select(func.count()).where(c.is_(None))) == 0
                       for c in stamps)
            kept = [c for c in table.columns if c not in stamps]
            rows = [r._asdict() for r in db.session.execute(select(*kept).order_by(table.c.id))]
            numbers[table.name] = {row["id"]: n for n, row in enumerate(rows)}
            for row in rows:
                row["id"] = numbers[table.name][row["id"]]
                if refers:
                    row[refers[0]] = numbers[refers[1]][row[refers[0]]]
            seen[table.name] = rows
        monkeypatch.setattr(db.session, "rollback", rollback)
        rollback()

    monkeypatch.setattr(db.session, "rollback", read_then_roll_back)
    result = run_import("dossiers", path, officer)
    assert result.ok and not result.applied
    return seen


def test_a_preview_writes_its_new_rows_as_the_flush_would(app, officer, tmp_path, monkeypatch):
    """On SQLite a preview keeps a chunk's new people, dossiers and introducers out of the
    session and writes them by plain INSERTs: the same rows, column for column, as the
    ORM's flush writes when they are added to the session."""
    path = _workbook(tmp_path)
    written = []
    insert = importer._insert_new_rows

    def spy(objects) -> None:
        insert(objects)
        written.append((len(objects), len(db.session.new)))  # (the session's: left to the flush)

    monkeypatch.setattr(importer, "_insert_new_rows", spy)
    plain = _rows_before_the_rollback(officer, path, monkeypatch)
    on_sqlite = db.engine.dialect.name == "sqlite"  # (elsewhere the ids are not known ahead)
    # three chunks, none refused, of a person, a dossier and an introducer per row
    assert written == ([(3 * CHUNK, 0)] * 2 + [(3 * (ROWS - 2 * CHUNK), 0)] if on_sqlite else [])
    monkeypatch.setattr(importer.RowHandler, "keeps_out", property(lambda _handler: False))
    flushed = _rows_before_the_rollback(officer, path, monkeypatch)
    assert plain == flushed
    assert [len(plain[t]) for t in ("person", "dossier", "introducer")] == [ROWS] * 3


def test_a_column_a_new_object_does_not_hold_is_written_with_its_default(app):
    """As the flush would: the column's default (also for a value set to None), the first
    version, the key of the object referred to (kept out too). An object added to one
    already loaded is added to the session, and numbered after them."""
    loaded = factories.dossier()
    db.session.commit()
    dossier = Dossier(person=Person(full_name="Lê Văn Mới", birth_date=date(1990, 1, 2),
                                    sex=loaded.person.sex, citizen_id="066190009999",
                                    role_category=loaded.person.role_category,
                                    enterprise_id=loaded.person.enterprise_id,
                                    ethnic_group_id=loaded.person.ethnic_group_id))
    new = Introducer(dossier=dossier, full_name="Trần Văn Giới", party_unit=None,
                     worked_together_since=date(2018, 1, 2))
    added = Introducer(dossier=loaded, full_name="Đinh Thị Thêm", worked_together_since=date(2019, 1, 2))
    db.session.add(added)
    kept_out = [dossier.person, dossier, new]
    with db.session.no_autoflush:
        importer._give_ids([*kept_out, *importer._in_insert_order(db.session.new)])
        importer._insert_new_rows(kept_out)
    assert new not in db.session and dossier not in db.session and added in db.session.new
    db.session.flush()
    table = Introducer.__table__
    rows = db.session.execute(select(table).order_by(table.c.id)).all()
    assert [(r.dossier_id, r.is_official_member, r.party_unit) for r in rows] == [
        (dossier.id, True, ""), (loaded.id, True, "")]
    assert db.session.scalar(select(Dossier.version).where(Dossier.id == dossier.id)) == 1


def test_progress_is_reported_once_the_rows_it_counts_are_written(app, officer, tmp_path):
    written: list[tuple[int, int]] = []

    def progress(rows: int, _estimated: int) -> None:
        written.append((rows, len(db.session.scalars(select(Person.id)).all())))

    run_import("dossiers", _workbook(tmp_path), officer, apply=True, progress=progress)
    assert written[:2] == [(CHUNK, CHUNK), (2 * CHUNK, 2 * CHUNK)]


def test_an_applied_import_writes_the_summaries_once_when_it_commits(app, officer, tmp_path):
    """Each chunk's members add to the same summary rows: they are added up over the
    whole import and written by its commit, not chunk by chunk."""
    def tally_inserts() -> list[str]:
        return [s for s in statements if s.startswith("INSERT INTO unit_tally")]

    seen_by_progress: list[int] = []
    with count_queries() as statements:
        result = run_import("dossiers", _workbook(tmp_path), officer, apply=True,
                            progress=lambda _n, _e: seen_by_progress.append(len(tally_inserts())))
    writes = tally_inserts()
    assert result.applied
    assert seen_by_progress == [0, 0, 0]  # after each full chunk, then at the end
    assert len(writes) == 1
    assert upkeep.differences(db.session.connection()) == []


def test_every_object_a_chunked_import_writes_is_audited_with_its_id(app, officer, tmp_path):
    result = run_import("dossiers", _workbook(tmp_path), officer, apply=True)
    assert result.applied and result.new == ROWS

    people = set(db.session.scalars(select(Person.id)))
    dossiers = set(db.session.scalars(select(Dossier.id)))
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.object_id)
                                 .order_by(AuditEntry.id)).all()
    assert {i for a, i in entries if a == "person.create"} == people
    assert {i for a, i in entries if a == "dossier.create"} == dossiers
    recorded = [i for a, i in entries if a == "milestone.record"]
    assert len(recorded) == ROWS * 5 and set(recorded) == dossiers
    # In the order the rows were applied: each person, their dossier, its steps.
    assert [a for a, _i in entries[:7]] == ["person.create", "dossier.create"] + [
        "milestone.record"] * 5


def test_chunks_are_the_progress_interval(app):
    """Progress is reported after each chunk's flush: both must stay equal."""
    assert importer.CHUNK == importer.PROGRESS_EVERY


def test_a_written_chunk_is_freed_without_waiting_for_a_garbage_collection(app):
    """A person, their dossier and its introducer refer to each other: once written and
    let go of, they are freed at once, with the garbage collector switched off."""
    dossier = factories.dossier_ready_for_cell()
    dossier.introducers.append(Introducer(full_name="Trần Văn Giới",
                                          worked_together_since=date(2018, 1, 2)))
    db.session.flush()
    written = [dossier, dossier.person, *dossier.introducers]
    alive = [weakref.ref(obj) for obj in written]
    gc.disable()
    try:
        importer._let_go(written)
        del written, dossier
        assert [ref() for ref in alive] == [None, None, None]
    finally:
        gc.enable()
    db.session.commit()  # what was expired was written: nothing is lost
    assert db.session.scalar(select(func.count()).select_from(Introducer)) == 1


def test_an_import_leaves_nothing_of_the_written_rows_in_memory(app, officer, tmp_path):
    """Neither the people nor what the session knew of them (their states): those, kept
    until a full collection, took 45 MB for 12,000 rows."""
    gc.collect()
    run_import("dossiers", _workbook(tmp_path), officer)
    left = [obj for obj in gc.get_objects() if isinstance(obj, Person)
            or (isinstance(obj, InstanceState) and obj.class_ is Person)]
    assert left == []


def test_an_import_gives_its_connection_back_with_its_own_settings(app, officer, tmp_path):
    """The larger page cache (SQLite) is the import's only: the pooled connection gets its
    own size back, whether the import was applied or only previewed; on PostgreSQL the
    connection's own settings (the sort memory the application gives it) stay as they
    were."""
    sql = "PRAGMA cache_size" if db.engine.dialect.name == "sqlite" else "SHOW work_mem"

    def setting() -> object:
        return db.session.connection().exec_driver_sql(sql).scalar()

    own = setting()
    for apply in (False, True):
        assert run_import("dossiers", _workbook(tmp_path), officer, apply=apply).ok
        assert setting() == own
