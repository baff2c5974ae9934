"""The benchmark data sets, built once and cached under ``instance/bench/``.

A data set is keyed by its size, its seed, the generator's version and the schema's
migration head, so changing any of them builds a new one, except that a data set built at
an earlier revision of the schema is taken over and brought up to date by the migrations
(as a real database would be), which for the country takes minutes instead of the best
part of an hour. SQLite data sets are single files; PostgreSQL ones are whole clusters (a
data directory started on a free port for the run), so a rerun only has to start the
server.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import select, text

from ldld_tracker import PROJECT_DIR, create_app
from ldld_tracker.demo.scale import NATIONAL_FACTOR, PROVINCE, ScaleSpec, seed_scale
from ldld_tracker.extensions import db
from ldld_tracker.models import Role, Unit, User

BENCH_DIR = PROJECT_DIR / "instance" / "bench"
GENERATOR_VERSION = 1
FIRST_YEAR, LAST_YEAR = 2020, 2025
BOARD, DISTRICT = "bench-board", "bench-district"
PASSWORD = "bench-only-password"
DISTRICT_UNIT = "643"
# A benchmark cluster: durability off (it only ever holds generated data), memory sized
# for a machine that also runs other work, no JIT (it adds tens of milliseconds to the
# first run of every aggregate and nothing here runs long enough to repay it).
PG_SETTINGS = {
    "shared_buffers": "2GB", "effective_cache_size": "8GB", "work_mem": "64MB",
    "maintenance_work_mem": "1GB", "max_wal_size": "16GB", "checkpoint_timeout": "30min",
    "random_page_cost": "1.1", "jit": "off", "fsync": "off", "synchronous_commit": "off",
    "full_page_writes": "off", "autovacuum": "on",
}

Log = Callable[[str], None]


@dataclass(frozen=True)
class DataSet:
    label: str
    enterprises: int
    members: int
    dossiers: int
    seed: int

    @property
    def key(self) -> str:
        return f"{self.data_key}-{schema_head()}"

    @property
    def data_key(self) -> str:
        """The key without the schema revision."""
        return f"{self.enterprises}-{self.members}-{self.dossiers}-s{self.seed}-g{GENERATOR_VERSION}"

    def spec(self) -> ScaleSpec:
        return ScaleSpec(self.enterprises, self.members, self.dossiers, FIRST_YEAR, LAST_YEAR,
                         self.seed)

    def sizes(self) -> str:
        return f"{self.enterprises:,} enterprises, {self.members:,} members, {self.dossiers:,} dossiers"


def data_set(scale: str, fraction: float, seed: int) -> DataSet:
    """The province (x1) or the country (x60), times ``fraction``."""
    factor = (NATIONAL_FACTOR if scale == "national" else 1) * fraction
    label = scale if fraction == 1 else f"{scale} x{fraction:g}"
    return DataSet(label, *(max(1, round(PROVINCE[k] * factor))
                            for k in ("enterprises", "members", "dossiers")), seed)


def schema_head() -> str:
    config = AlembicConfig()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head() or "none"


def _earlier_copy(pattern: str) -> Path | None:
    """A cached data set matching ``pattern`` (``*`` standing for the schema revision)
    built at an ancestor of the current schema head, the most recent one first."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    ancestors = [rev.revision for rev in script.iterate_revisions(head, "base")][1:]
    prefix, suffix = pattern.split("*")
    found = {path.name[len(prefix):len(path.name) - len(suffix)]: path
             for path in BENCH_DIR.glob(pattern)}
    return next((found[rev] for rev in ancestors if rev in found), None)


@contextmanager
def _migrated(url: str) -> Iterator[None]:
    """The application's context on ``url``, its schema brought to the head by the
    migrations; at the end, statistics refreshed and the connections closed."""
    from flask_migrate import upgrade

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with bench_app(url).app_context():
        upgrade()
        yield
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                                    else "ANALYZE"))
        db.session.remove()
        db.engine.dispose()


def _upgrade(url: str, record: Path, log: Log) -> None:
    """Bring a data set taken over from an earlier schema up to date; noted in its record."""
    started = time.perf_counter()
    with _migrated(url):
        pass
    info = json.loads(record.read_text())
    info.setdefault("upgrades", []).append({"to": schema_head(),
                                            "seconds": round(time.perf_counter() - started, 1)})
    record.write_text(json.dumps(info))
    log(f"  brought up to schema {schema_head()} in {info['upgrades'][-1]['seconds']} s")


def bench_app(url: str) -> Flask:
    """The application on ``url``: production code paths and page size, with the test
    configuration's cheap password hashing and no CSRF token to fetch for the sign-in."""
    # (the test configuration's pages have 20 rows; 50 is the production default, the
    # API's, and what bench/floor.py reads)
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                       "PAGE_SIZE": 50})


def _build(url: str, data: DataSet, log: Log) -> dict:
    """Schema by the migrations, the scale data, two users; statistics refreshed."""
    started = time.perf_counter()
    with _migrated(url):

        def report(done: int, groups: int) -> None:
            log(f"    province group {done}/{groups} ({time.perf_counter() - started:.0f} s)")

        counts = seed_scale(data.spec(), report)
        unit = db.session.scalar(select(Unit).where(Unit.code == DISTRICT_UNIT))
        for username, role in ((BOARD, Role.BOARD), (DISTRICT, Role.DISTRICT)):
            user = User(username=username, role=role, full_name=username,
                        unit=unit if role is Role.DISTRICT else None)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        seeded = time.perf_counter() - started
    return {"counts": counts, "seed_seconds": round(seeded, 1),
            "total_seconds": round(time.perf_counter() - started, 1)}


def sqlite_database(data: DataSet, log: Log) -> tuple[str, dict]:
    """The URL of the data set's SQLite file (built if missing) and its build record."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"sqlite-{data.key}.sqlite"
    record = path.with_suffix(".json")
    earlier = _earlier_copy(f"sqlite-{data.data_key}-*.sqlite")
    if not (path.exists() and record.exists()) and earlier is not None \
            and earlier.with_suffix(".json").exists():
        log(f"  taking over {earlier.name}")
        for extra in ("-wal", "-shm"):
            Path(f"{earlier}{extra}").unlink(missing_ok=True)
        earlier.rename(path)
        earlier.with_suffix(".json").rename(record)
        _upgrade(f"sqlite:///{path}", record, log)
    if not (path.exists() and record.exists()):
        log(f"  building {data.label} on SQLite ({data.sizes()})")
        building = path.with_suffix(".building")
        for leftover in BENCH_DIR.glob(building.name + "*"):
            leftover.unlink()
        info = _build(f"sqlite:///{building}", data, log)
        building.rename(path)
        record.write_text(json.dumps(info))
        log(f"  built in {info['total_seconds']} s")
    return f"sqlite:///{path}", json.loads(record.read_text())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_database(data: DataSet, bin_dir: Path, log: Log) -> Iterator[tuple[str, dict]]:
    """A running server holding the data set (its cluster built if missing), stopped at
    the end; yields the URL and the build record."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    root = BENCH_DIR / f"pg-{data.key}"
    record = root / "built.json"
    cluster, sockets = root / "data", root / "run"
    if not record.exists() and root.exists():
        shutil.rmtree(root)
    earlier = _earlier_copy(f"pg-{data.data_key}-*")
    upgrade = not root.exists() and earlier is not None and (earlier / "built.json").exists()
    if upgrade:
        log(f"  taking over {earlier.name}")
        earlier.rename(root)
    fresh = not root.exists()
    if fresh:
        sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            for path in (root, sockets):
                shutil.chown(path, "postgres")
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(cluster), "-A", "trust",
                                     "-U", "postgres", "-E", "UTF8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    options = " ".join([f"-p {port}", "-c listen_addresses=127.0.0.1",
                        f"-c unix_socket_directories={sockets}",
                        *[f"-c {k}={v}" for k, v in PG_SETTINGS.items()]])
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(cluster), "-o", options,
                                 "-l", str(root / "server.log"), "-w", "-t", "120", "start"]),
                   check=True, stdout=subprocess.DEVNULL)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/ldld_bench"
    try:
        if fresh:
            subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                            "-U", "postgres", "ldld_bench"], check=True)
            log(f"  building {data.label} on PostgreSQL ({data.sizes()})")
            info = _build(url, data, log)
            record.write_text(json.dumps(info))
            log(f"  built in {info['total_seconds']} s")
        elif upgrade:
            _upgrade(url, record, log)
        yield url, json.loads(record.read_text())
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(cluster), "-m", "fast",
                                     "-w", "stop"]), stdout=subprocess.DEVNULL, check=False)
