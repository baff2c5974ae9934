"""Each engine's connection settings (``ldld_tracker.database``), on the database under
test: SQLite's pragmas in the first run, PostgreSQL's sort memory in the second."""

from __future__ import annotations

from sqlalchemy import text

from ldld_tracker import create_app
from ldld_tracker.extensions import db


def test_every_connection_gets_its_engine_settings_and_keeps_them_after_a_rollback(app):
    if db.engine.dialect.name == "postgresql":
        other = create_app({"POSTGRES_WORK_MEM": "48MB"})
        with other.app_context():
            with db.engine.connect() as connection:
                connection.rollback()
                assert connection.execute(text("SHOW work_mem")).scalar() == "48MB"
            db.engine.dispose()
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW work_mem")).scalar() == app.config["POSTGRES_WORK_MEM"]
        return
    with db.engine.connect() as connection:
        connection.rollback()
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
