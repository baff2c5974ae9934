"""A quick fingerprint of every table (row count and a hash of its rows in primary-key
order), read through the driver's cursor: the hostile-input tests take two per request."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine

import ldld_tracker.models  # noqa: F401 - registers every table in the metadata
from ldld_tracker.extensions import db


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256 of the rows)}``; equal fingerprints mean equal data."""
    result: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
            cursor.execute(f'SELECT * FROM "{table.name}" ORDER BY {order}')
            rows = cursor.fetchall()
            result[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        cursor.close()
    return result
