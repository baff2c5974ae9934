"""Preparing a load run: a database (a temporary SQLite file, or a throwaway PostgreSQL
cluster), migrated and seeded with the demo data through the ``flask`` commands, the
simulated users' accounts, and gunicorn on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from browser import Browser

PROJECT = Path(__file__).resolve().parents[1]
PASSWORD = "load-password-2020"
# Every 10th simulated user watches the dashboards as the board, every 5th is a district
# officer; the others are enterprise officers. Each officer writes in an enterprise of
# their own, so two users never edit the same person except in the designed races.
BOARD_EVERY, DISTRICT_EVERY = 10, 5


@dataclass
class Account:
    index: int
    username: str
    role: str  # "board", "district" or "enterprise"
    enterprise_id: int | None = None  # where this officer creates people
    unit_code: str = ""

    @property
    def writes(self) -> bool:
        return self.role != "board"


def server_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "PYTHONPATH": str(PROJECT)}
    env.pop("LDLD_ENV", None)  # the demo data is refused in production, by design
    return env


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "ldld_tracker", *args],
                          env=env, cwd=PROJECT, text=True, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, load the reference data and the demo data; return seed-demo's summary."""
    flask(env, "db", "upgrade")
    flask(env, "seed-reference")
    return flask(env, "seed-demo").splitlines()[0]


def app_for(url: str):
    """The app on ``url``, to create accounts and to check the database afterwards."""
    from ldld_tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "scrypt"})


def create_accounts(url: str, count: int) -> list[Account]:
    """``count`` accounts load01…: board viewers, district and enterprise officers."""
    from sqlalchemy import select

    from ldld_tracker.accounts import create_user
    from ldld_tracker.extensions import db
    from ldld_tracker.models import Enterprise, Role, Unit

    app = app_for(url)
    accounts: list[Account] = []
    with app.app_context():
        rows = db.session.execute(select(Enterprise.id, Unit.id, Unit.code).join(Enterprise.unit)
                                  .order_by(Enterprise.id)).all()
        free = list(rows)
        units_used: set[str] = set()
        for index in range(count):
            username = f"load{index + 1:02d}"
            if index % BOARD_EVERY == BOARD_EVERY - 1:
                create_user(username, PASSWORD, Role.BOARD, full_name="Load test board")
                accounts.append(Account(index, username, "board"))
            elif index % DISTRICT_EVERY == DISTRICT_EVERY - 1:
                enterprise_id, unit_id, code = next(r for r in free if r[2] not in units_used)
                free = [r for r in free if r[0] != enterprise_id]
                units_used.add(code)
                create_user(username, PASSWORD, Role.DISTRICT, unit_id=unit_id,
                            full_name="Load test district officer")
                accounts.append(Account(index, username, "district", enterprise_id, code))
            else:
                enterprise_id, _unit_id, code = free.pop(0)
                create_user(username, PASSWORD, Role.ENTERPRISE, enterprise_id=enterprise_id,
                            full_name="Load test enterprise officer")
                accounts.append(Account(index, username, "enterprise", enterprise_id, code))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return accounts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log_path: Path) -> Iterator[str]:
    """gunicorn with ``workers`` workers on a free port of 127.0.0.1 (never another
    address); stopped on the way out."""
    port = _free_port()
    program = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [program, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "ldld_tracker:create_app()"],
            env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Browser(url, timeout=5).get("/login").status == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}")
                time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database of ``kind``, removed afterwards."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="ldld-load-"))
        try:
            yield f"sqlite:///{folder / 'load.sqlite'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    sys.path.insert(0, str(PROJECT))
    from tests.pg_cluster import find_bin_dir, throwaway_cluster

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise LookupError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway_cluster(bin_dir) as url:
        yield url
