"""A server killed in the middle of a write leaves the database exactly as before it.

Real processes are killed with SIGKILL (no cleanup, no rollback of their own): a program
recording a milestone, a program importing a workbook, and a gunicorn worker answering a
milestone form. Each is stopped at a known point (after its changes reached the database,
before its commit), so the tests are deterministic. The database is a SQLite file, or the
PostgreSQL database of ``TEST_DATABASE_URL`` in the suite's second run. Each kill is
followed by the same write let through, which must change the database and succeed: the
killed process left no lock behind, and the test would notice a write that never happened.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from select import select as wait_readable

import pytest
from openpyxl import Workbook
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, Person, Role
from ldld_tracker.reference import load_reference_data
from scripts.browser import Browser
from scripts.html_forms import form_posting_to, form_with_field

from . import factories
from .fault_helpers.fingerprint import fingerprint
from .fault_helpers.interrupted_write import IMPORT_PAUSE_AT, OFFICER

PROJECT = Path(__file__).resolve().parents[1]
IMPORT_ROWS = 500


@dataclass
class FaultDatabase:
    app: object
    url: str
    tax_code: str

    @property
    def on_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        return fingerprint(db.engine)

    def count(self, model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    def sqlite_path(self) -> str:
        return make_url(self.url).database


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database(tmp_path) -> Iterator[FaultDatabase]:
    """Reference data, an enterprise, its officer ``fault-officer`` and five dossiers, on a
    SQLite file or on the PostgreSQL database under test."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        url = f"sqlite:///{tmp_path / 'faults.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": "2020-12-15"})
    with app.app_context():
        if url.startswith("postgresql"):
            if inspect(db.engine).has_table("audit_entry"):
                _truncate_all()
            else:
                db.create_all()
        else:
            db.create_all()
        load_reference_data()
        enterprise = factories.enterprise()
        factories.user(Role.ENTERPRISE, enterprise_obj=enterprise, username=OFFICER)
        for _n in range(5):
            factories.dossier(factories.person(enterprise))
        db.session.commit()
        yield FaultDatabase(app, url, enterprise.tax_code)
        db.session.remove()
        if url.startswith("postgresql"):
            _truncate_all()
        db.engine.dispose()


def _start_helper(database: FaultDatabase, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_helpers.interrupted_write", *args],
        cwd=PROJECT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def _expect_line(process: subprocess.Popen, expected: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _w, _x = wait_readable([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.strip() == expected:
                return
            if line == "":
                break
    process.kill()
    _out, err = process.communicate()
    raise AssertionError(f"the helper never printed {expected!r}; stderr:\n{err[-3000:]}")


def _write_in_progress(database: FaultDatabase) -> bool:
    """Whether another process holds an uncommitted write on the database right now."""
    if database.on_postgres:
        return db.session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%' AND backend_xid IS NOT NULL")) > 0
    connection = sqlite3.connect(database.sqlite_path(), timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.rollback()
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        connection.close()


def _wait_until_no_write_in_progress(database: FaultDatabase) -> None:
    """PostgreSQL rolls back a dead client's transaction when it sees the socket close."""
    deadline = time.monotonic() + 60
    while _write_in_progress(database):
        assert time.monotonic() < deadline, "the killed process's transaction is still open"
        time.sleep(0.1)
    db.session.rollback()


def _assert_intact(database: FaultDatabase, before: dict[str, tuple[int, str]]) -> None:
    _wait_until_no_write_in_progress(database)
    assert database.fingerprint() == before
    if not database.on_postgres:
        connection = sqlite3.connect(database.sqlite_path())
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()


def _kill_in_the_middle(database: FaultDatabase, *args: str) -> None:
    process = _start_helper(database, *args)
    try:
        _expect_line(process, "MIDDLE")
        assert _write_in_progress(database), "the helper holds no uncommitted write"
        db.session.rollback()
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _let_through(database: FaultDatabase, *args: str) -> None:
    process = _start_helper(database, *args)
    _expect_line(process, "MIDDLE")
    out, err = process.communicate("commit\n", timeout=300)
    assert process.returncode == 0 and "COMMITTED" in out, err[-3000:]


def test_a_process_killed_while_recording_a_milestone_leaves_the_database_as_before(database):
    before = database.fingerprint()

    _kill_in_the_middle(database, "milestone", database.url)

    _assert_intact(database, before)
    _let_through(database, "milestone", database.url)
    first = db.session.scalar(select(Dossier).order_by(Dossier.id))
    assert first.identified_on == date(2020, 12, 1)
    assert database.fingerprint()["audit_entry"][0] == before["audit_entry"][0] + 1


def _workbook(path: Path, tax_code: str) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD",
                  "Mã số thuế doanh nghiệp", "Vị trí công việc", "Ngày phát hiện bồi dưỡng",
                  "Ngày làm đơn"])
    for n in range(IMPORT_ROWS):
        sheet.append([f"Lê Văn Nhập {n}", datetime(1990, 1, 1 + n % 28), "Nam", "Kinh",
                      f"001{n:09d}", tax_code, "Công nhân", datetime(2020, 6, 1),
                      datetime(2020, 7, 1)])
    book.save(path)
    return path


def test_a_process_killed_in_the_middle_of_an_import_leaves_the_database_as_before(database, tmp_path):
    workbook = str(_workbook(tmp_path / "dossiers.xlsx", database.tax_code))
    people = database.count(Person)
    before = database.fingerprint()
    wal = Path(f"{database.url.removeprefix('sqlite:///')}-wal")
    wal_before = wal.stat().st_size if not database.on_postgres and wal.exists() else 0

    process = _start_helper(database, "import", database.url, workbook)
    try:
        _expect_line(process, "MIDDLE")
        assert _write_in_progress(database)
        db.session.rollback()
        if not database.on_postgres:  # uncommitted rows did reach the database's files
            assert wal.stat().st_size > wal_before + 10 * 4096
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()

    _assert_intact(database, before)
    _let_through(database, "import", database.url, workbook)
    assert database.count(Person) == people + IMPORT_ROWS > people + IMPORT_PAUSE_AT


# --- a gunicorn worker killed during a request ------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def paused_server(database, tmp_path) -> Iterator[tuple[str, Path, Path, subprocess.Popen]]:
    """gunicorn (one worker) on the database, with the pause-before-commit hook."""
    arm, reached = tmp_path / "arm", tmp_path / "reached"
    env = {**os.environ, "DATABASE_URL": database.url, "SECRET_KEY": "fault-test-secret-key",
           "PYTHONPATH": str(PROJECT), "LDLD_FAULT_ARM": str(arm),
           "LDLD_FAULT_REACHED": str(reached)}
    env.pop("LDLD_ENV", None)
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [gunicorn, "-c", str(PROJECT / "tests" / "fault_helpers" / "pause_before_commit.py"),
         "--bind", f"127.0.0.1:{port}", "ldld_tracker:create_app()"],
        env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            Browser(url, timeout=2).get("/login")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("gunicorn did not start: " +
                                   (tmp_path / "server.log").read_text()) from None
            time.sleep(0.2)
    try:
        yield url, arm, reached, server
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _sign_in(url: str) -> Browser:
    browser = Browser(url, timeout=30)
    form = form_with_field(browser.get("/login").body, "password")
    response = browser.post("/login", form.data(username=OFFICER, password=factories.PASSWORD))
    assert response.status == 302, response.body[:500]
    return browser


def _identified_form(browser: Browser, dossier_id: int) -> dict[str, str]:
    page = browser.get(f"/dossiers/{dossier_id}")
    assert page.status == 200
    form = form_posting_to(page.body, "/milestones/identified")
    assert form is not None, "the dossier page offers no form for the first step"
    return form.data(**{"identified-on": "01/12/2020", "identified-identified_by": "BCH CĐCS"})


def test_a_gunicorn_worker_killed_during_a_milestone_request_leaves_the_database_as_before(
        database, paused_server):
    url, arm, reached, server = paused_server
    dossier_id = db.session.scalar(select(Dossier.id).order_by(Dossier.id))
    browser = _sign_in(url)
    data = _identified_form(browser, dossier_id)
    path = f"/dossiers/{dossier_id}/milestones/identified"
    db.session.rollback()
    before = database.fingerprint()
    outcome: list[object] = []

    def post() -> None:
        try:
            outcome.append(browser.post(path, data).status)
        except OSError as error:  # the connection dies with the worker
            outcome.append(error)

    arm.touch()
    request = threading.Thread(target=post)
    request.start()
    deadline = time.monotonic() + 90
    while not reached.exists():
        assert time.monotonic() < deadline, "the request never reached its commit"
        time.sleep(0.05)
    worker = int(reached.read_text())
    assert worker != server.pid
    assert _write_in_progress(database), "the worker holds no uncommitted write"
    db.session.rollback()
    os.kill(worker, signal.SIGKILL)
    request.join(timeout=30)

    assert outcome and not (isinstance(outcome[0], int) and outcome[0] < 400), outcome
    _assert_intact(database, before)
    # gunicorn starts a new worker; the same entry then goes through.
    response = browser.post(path, _identified_form(browser, dossier_id))
    assert response.status == 302, response.body[:500]
    db.session.rollback()
    assert db.session.get(Dossier, dossier_id).identified_on == date(2020, 12, 1)
