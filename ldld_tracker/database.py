"""Database settings that differ by engine: SQLite gets WAL, a busy timeout and foreign
keys; PostgreSQL the memory its sorts may use (``POSTGRES_WORK_MEM``). And reading rows
straight from the driver (``driver_rows``), and taking SQLite's write lock before a
transaction's first read (``take_sqlite_write_lock``)."""

from __future__ import annotations

from functools import partial

from flask import Flask
from sqlalchemy import Connection, Executable, event
from sqlalchemy.engine import Engine

from .extensions import db


def configure(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect",
                     partial(_postgres_settings, work_mem=app.config["POSTGRES_WORK_MEM"]))


def driver_rows(stmt: Executable) -> list[tuple]:
    """The rows of ``stmt`` as the database driver returns them, plain tuples without
    SQLAlchemy's row objects: for a query of thousands of rows read once in a loop, whose
    columns need no conversion (integers, strings). Building the row objects took a tenth
    of the province's medians (5,571 rows)."""
    result = db.session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API object
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgres_settings(dbapi_connection, _record, work_mem: str) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT set_config('work_mem', %s, false)", (work_mem,))
    cursor.close()
    dbapi_connection.commit()  # (a setting made in a transaction rolled back would go with it)


def take_sqlite_write_lock(connection: Connection) -> bool:
    """On SQLite, open the transaction now with the write lock (``BEGIN IMMEDIATE``),
    unless one is open already; whether it did. pysqlite opens a transaction only before a
    data change: until then each read sees whatever was last committed, and a transaction
    that only read could not take the lock afterwards if another write came in between."""
    if connection.dialect.name != "sqlite" or connection.connection.dbapi_connection.in_transaction:
        return False
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
