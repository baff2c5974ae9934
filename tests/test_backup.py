"""``flask backup`` / ``flask restore``: a consistent copy of a live SQLite database taken
while another connection keeps writing, a restore that brings the data back, and clear
refusals. These always run on a SQLite file of their own (backup is SQLite's tool; the
PostgreSQL run checks that the command points to pg_dump)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Person, Role, RoleCategory, Sex, User
from ldld_tracker.records.people import create_person
from ldld_tracker.reference import load_reference_data

from . import factories


@pytest.fixture
def live(tmp_path):
    """An app on a migrated SQLite file with reference data, an enterprise and an officer."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}",
                      "FIXED_TODAY": "2020-12-15"})
    with app.app_context():
        upgrade()
        load_reference_data()
        officer = factories.user(Role.ENTERPRISE, enterprise_obj=factories.enterprise())
        db.session.commit()
        app.config["TEST_OFFICER_ID"] = officer.id
        yield app
        db.session.remove()
        db.engine.dispose()


def _add_person(app, number: int) -> None:
    officer = db.session.get(User, app.config["TEST_OFFICER_ID"])
    create_person({"full_name": f"Trần Thị Sao Lưu {number}", "birth_date": date(1992, 3, 4),
                   "sex": Sex.FEMALE, "citizen_id": f"001{number:09d}",
                   "ethnic_group_id": factories.ethnic().id, "role_category": RoleCategory.WORKER,
                   "enterprise_id": officer.enterprise_id}, officer)
    db.session.commit()


def _counts(path: Path) -> tuple[int, int]:
    """(people, their "person.create" audit entries): written together in one transaction,
    so any moment of the database has the two equal."""
    connection = sqlite3.connect(path)
    try:
        people = connection.execute("SELECT count(*) FROM person").fetchone()[0]
        created = connection.execute(
            "SELECT count(*) FROM audit_entry WHERE action = 'person.create'").fetchone()[0]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    return people, created


def _people(app) -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_a_backup_taken_while_another_connection_writes_is_one_consistent_moment(live, tmp_path):
    stop = threading.Event()
    failures: list[BaseException] = []
    written = [0]

    def write_in_a_loop() -> None:
        with live.app_context():
            try:
                while not stop.is_set():
                    written[0] += 1
                    _add_person(live, written[0])
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
            finally:
                db.session.remove()

    writer = threading.Thread(target=write_in_a_loop)
    writer.start()
    copies = []
    try:
        while written[0] < 20:
            stop.wait(0.01)
        runner = live.test_cli_runner()
        for n in range(5):
            copy = tmp_path / f"copy-{n}.sqlite"
            result = runner.invoke(args=["backup", str(copy)])
            assert result.exit_code == 0, result.output
            assert "integrity check: ok" in result.output
            copies.append(copy)
            stop.wait(0.05)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not failures, failures
    counts = [_counts(copy) for copy in copies]
    for people, created in counts:
        assert people == created  # no person without its audit entry, nor the reverse
    people_in_copies = [people for people, _created in counts]
    assert people_in_copies == sorted(people_in_copies)
    assert people_in_copies[-1] > people_in_copies[0], "the writer was not running meanwhile"
    assert people_in_copies[-1] <= written[0]
    assert not list(tmp_path.glob("*.partial")), "a half-written copy was left behind"


def test_a_backup_is_a_single_file_without_a_wal_beside_it(live, tmp_path):
    copy = tmp_path / "copy.sqlite"
    assert live.test_cli_runner().invoke(args=["backup", str(copy)]).exit_code == 0
    assert not Path(f"{copy}-wal").exists()
    connection = sqlite3.connect(copy)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()


def test_backup_into_a_folder_names_the_file_by_date(live, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    result = live.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    [made] = folder.glob("ldld_tracker-*.sqlite")
    assert _counts(made) == (0, 0)


def test_restore_brings_back_the_data_of_the_backup_and_keeps_the_replaced_database(live, tmp_path):
    runner = live.test_cli_runner()
    _add_person(live, 1)
    copy = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    _add_person(live, 2)
    _add_person(live, 3)
    db.session.remove()

    result = runner.invoke(args=["restore", str(copy), "--yes"])

    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output
    assert _people(live) == 1
    [saved] = tmp_path.glob("live.sqlite.before-restore-*")
    assert _counts(saved) == (3, 3)
    _add_person(live, 4)  # the restored database takes writes again
    assert _people(live) == 2


def test_restore_without_yes_asks_and_a_no_changes_nothing(live, tmp_path):
    runner = live.test_cli_runner()
    copy = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    _add_person(live, 1)

    result = runner.invoke(args=["restore", str(copy)], input="n\n")

    assert result.exit_code != 0
    assert "Stop the server first" in result.output
    assert _people(live) == 1
    assert not list(tmp_path.glob("live.sqlite.before-restore-*"))


def test_restore_refuses_files_that_are_not_an_intact_database_of_this_app(live, tmp_path):
    runner = live.test_cli_runner()
    _add_person(live, 1)
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    unknown = tmp_path / "future.sqlite"
    assert runner.invoke(args=["backup", str(unknown)]).exit_code == 0
    connection = sqlite3.connect(unknown)
    connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    connection.commit()
    connection.close()

    expected = {
        tmp_path / "missing.sqlite": "is not a file",
        text: "is not a SQLite database",
        other: "is not a database of this app",
        unknown: "does not know",
    }
    for path, message in expected.items():
        result = runner.invoke(args=["restore", str(path), "--yes"])
        assert result.exit_code != 0, path
        assert message in result.output, (path, result.output)
    assert _people(live) == 1


def test_backup_refuses_to_overwrite_an_existing_file_unless_forced(live, tmp_path):
    runner = live.test_cli_runner()
    copy = tmp_path / "copy.sqlite"
    copy.write_text("keep me", encoding="utf-8")
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert copy.read_text(encoding="utf-8") == "keep me"
    assert runner.invoke(args=["backup", str(copy), "--force"]).exit_code == 0
    assert _counts(copy) == (0, 0)


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_refuse_postgresql_and_point_to_pg_dump(tmp_path, command):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    target = tmp_path / "copy.sqlite"
    if command == "restore":
        source = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'src.sqlite'}"})
        with source.app_context():
            upgrade()
            db.engine.dispose()
        target = tmp_path / "src.sqlite"
    result = app.test_cli_runner().invoke(args=[command, str(target), *(
        ["--yes"] if command == "restore" else [])])
    assert result.exit_code != 0
    assert "pg_dump" in result.output


def test_backup_refuses_an_in_memory_database():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["backup", "/tmp/never-written.sqlite"])
    assert result.exit_code != 0
    assert "in memory" in result.output
    assert not Path("/tmp/never-written.sqlite").exists()
