"""A private database for tests that need their own (a module-wide data set, an empty
database beside the per-test one): a temporary SQLite file, or on the PostgreSQL run a new
database on the same throwaway cluster."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextlib.contextmanager
def private_database(name: str) -> Iterator[str]:
    """Yield the URL of an empty database called ``name``; remove it afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        folder = tempfile.mkdtemp(prefix="ldld-db-")
        try:
            yield f"sqlite:///{folder}/{name}.sqlite"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    url = make_url(base)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
