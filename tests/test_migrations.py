"""The committed migrations build exactly the models' schema, and undo it, on the database
under test (SQLite by default, PostgreSQL in the second run)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import URL, create_engine, inspect, make_url, text

from ldld_tracker import create_app
from ldld_tracker.extensions import db


def _fresh_app(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return app


def test_migrations_upgrade_from_empty_to_the_models_schema_and_downgrade_back(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        # (the comparison above does not look at the order of a primary key's columns, or
        # at the columns its index includes on PostgreSQL)
        postgres = db.engine.dialect.name == "postgresql"

        def key(columns, include) -> tuple:
            return list(columns), list(include or []) if postgres else []

        keys = {name: key(found["constrained_columns"],
                          found.get("dialect_options", {}).get("postgresql_include"))
                for name in db.metadata.tables
                for found in [inspect(db.engine).get_pk_constraint(name)]}
        assert keys == {name: key([c.name for c in table.primary_key.columns],
                                  table.primary_key.dialect_options["postgresql"]["include"])
                        for name, table in db.metadata.tables.items()}

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _sibling(url: str, name: str) -> URL:
    """Another database next to ``url``'s: a file in the same folder, or one on the same
    PostgreSQL server."""
    found = make_url(url)
    if found.get_backend_name() == "sqlite":
        return found.set(database=str(Path(found.database).with_name(f"{name}.sqlite")))
    return found.set(database=name)


def _on_server(url: URL, *statements: str) -> None:
    """Run ``statements`` on the PostgreSQL server of ``url``, outside any transaction."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Iterator[URL]:
    """A database at the head revision holding the demo data, built once for this module:
    each test works on its own copy (``_with_demo_data``)."""
    from ldld_tracker.demo.seed import seed_demo

    folder = tmp_path_factory.mktemp("migrations")
    url = _sibling(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'x.sqlite'}",
                   "ldld_migrations_demo")
    postgres = url.get_backend_name() == "postgresql"
    if postgres:
        _on_server(url, f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)",
                   f"CREATE DATABASE {url.database}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)})
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        db.engine.dispose()  # (a template database must have no one connected)
    yield url
    if postgres:
        _on_server(url, f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")


@contextmanager
def _with_demo_data(demo: URL, tmp_path) -> Iterator[None]:
    """Inside the app's context, a copy of the database at the head revision holding the
    demo data (``demo_database``), dropped after."""
    copy = _sibling(str(demo), f"ldld_migrations_{tmp_path.name}"[:60].lower())
    postgres = copy.get_backend_name() == "postgresql"
    if postgres:
        _on_server(copy, f"CREATE DATABASE {copy.database} TEMPLATE {demo.database}")
    else:
        with closing(sqlite3.connect(demo.database)) as source, \
                closing(sqlite3.connect(copy.database)) as target:
            source.backup(target)
    app = create_app({"SQLALCHEMY_DATABASE_URI": copy.render_as_string(hide_password=False)})
    try:
        with app.app_context():
            yield
            db.engine.dispose()
    finally:
        if postgres:
            _on_server(copy, f"DROP DATABASE IF EXISTS {copy.database} WITH (FORCE)")
        else:
            Path(copy.database).unlink()


def test_the_summaries_migration_fills_them_from_the_records_already_there(demo_database, tmp_path):
    from ldld_tracker.tally import upkeep

    with _with_demo_data(demo_database, tmp_path):
        downgrade(revision="5bc9fd35b67e")  # back before the summaries: their tables go
        assert "unit_tally" not in inspect(db.engine).get_table_names()
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM unit_tally")).scalar() > 1000
            assert upkeep.differences(connection) == []


@pytest.mark.parametrize(("before", "kind"), [
    ("c5a845a4abfc", "w"),  # the waits at each stage, per unit
    ("e4b7c2a91f35", "v"),  # the waits of each unit's children, summed at the unit
    ("8a4d2f6b3c91", "o"),  # the open dossiers by stage and day, per unit
    ("b6e1f4a2c8d3", "R"),  # the milestones, stages and breakdowns of each unit's children
    ("f1c7b3e9a2d4", "c"),  # coverage: the enterprises with a union, a party organisation …
])
def test_a_summary_rows_migration_fills_them_as_the_application_keeps_them(demo_database, tmp_path, before,
                                                                          kind):
    """Its SQL (per database) gives the rows the application's own computation gives."""
    from ldld_tracker.tally import upkeep

    with _with_demo_data(demo_database, tmp_path):
        downgrade(revision=before)  # back before the migration: its rows go
        count = f"SELECT count(*) FROM unit_tally WHERE kind = '{kind}'"
        with db.engine.connect() as connection:
            assert connection.execute(text(count)).scalar() == 0
            assert upkeep.differences(connection) != []
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text(count)).scalar() > 100
            assert upkeep.differences(connection) == []


def test_the_dossier_enterprise_migration_fills_it_from_the_people_and_keeps_every_row(demo_database,
                                                                                         tmp_path):
    """Each dossier gets its person's enterprise. On SQLite the dossier table is copied
    into a new one: the rows that refer to it (introducers) are all still there."""
    counts = "SELECT (SELECT count(*) FROM dossier), (SELECT count(*) FROM introducer)"
    mismatched = ("SELECT count(*) FROM dossier JOIN person ON person.id = dossier.person_id "
                  "WHERE dossier.enterprise_id IS NULL OR dossier.enterprise_id <> person.enterprise_id")
    with _with_demo_data(demo_database, tmp_path):
        with db.engine.connect() as connection:
            before = connection.execute(text(counts)).one()
        assert before[0] > 50 and before[1] > 50
        downgrade(revision="2b8e5d0c4f17")
        assert "enterprise_id" not in {c["name"] for c in inspect(db.engine).get_columns("dossier")}
        with db.engine.connect() as connection:
            assert connection.execute(text(counts)).one() == before
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text(counts)).one() == before
            assert connection.execute(text(mismatched)).scalar() == 0
