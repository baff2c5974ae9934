"""A fingerprint of every table of the app: its row count and a hash of all its rows in
primary-key order. Two equal fingerprints mean the data did not change."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, select

from ldld_tracker.extensions import db


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256 of the rows)}`` for every table of the models."""
    import ldld_tracker.models  # noqa: F401 - registers every table in the metadata

    result: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(
                select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    return result
