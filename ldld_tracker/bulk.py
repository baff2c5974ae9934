"""Inserting many rows fast, inside the caller's transaction: PostgreSQL's COPY through
psycopg, or SQLAlchemy Core ``insert()`` run as executemany in chunks elsewhere.

Both skip the ORM (no identity map, no validators, no per-row events), so the caller
supplies every column, primary keys and derived keys (``sort_name``, ``search_name``)
included. Used by the scale data set, where millions of rows have to go in within minutes, and to
rebuild the dashboards' summaries.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

CHUNK = 5000


class BulkWriter:
    """Writes rows (dicts with the same keys) to tables on one connection."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"
        self.written: dict[str, int] = {}

    def next_id(self, table: Table) -> int:
        """The first free primary key of ``table`` (rows are inserted with explicit ids)."""
        return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1

    def write(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.copy:
            self._copy(table, rows)
        else:
            for start in range(0, len(rows), CHUNK):
                self.connection.execute(table.insert(), list(rows[start:start + CHUNK]))
        self.written[table.name] = self.written.get(table.name, 0) + len(rows)

    def _copy(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        names = list(rows[0])
        raw = self.connection.connection.driver_connection
        columns = ", ".join(f'"{name}"' for name in names)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_plain(row[name]) for name in names])

    def finish(self, tables: Iterable[Table]) -> None:
        """After explicit ids on PostgreSQL: move each table's id sequence past them."""
        if not self.copy:
            return
        for table in tables:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
