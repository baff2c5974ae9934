"""Fixtures in the style of Flask's tutorial: app, client, runner, and login_as."""

from __future__ import annotations

import os
import sqlite3

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import inspect, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import StaticPool
from werkzeug.routing import Rule

from ldld_tracker import catalogues, create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Role
from ldld_tracker.reference import REFERENCE_MODELS, load_reference_data
from ldld_tracker.tally import upkeep as tally_upkeep

from . import factories


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty ``g``, as on a real server. (The fixture keeps one
    app context pushed so tests can use the database; requests would otherwise share its
    ``g`` and, with it, Flask-Login's cached user.)"""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


_sqlite_image: bytes | None = None


def _sqlite_template() -> bytes:
    """The schema and reference data, built once per run as a SQLite image that every test
    gets a private in-memory copy of (much faster than creating tables per test)."""
    global _sqlite_image
    if _sqlite_image is None:
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.commit()
            _sqlite_image = db.engine.raw_connection().driver_connection.serialize()
            db.session.remove()
            db.engine.dispose()
    return _sqlite_image


def _sqlite_copy_options() -> dict:
    image = _sqlite_template()

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.deserialize(image)
        return connection

    return {"creator": connect, "poolclass": StaticPool, "hide_parameters": True}


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Pages speak Vietnamese under pytest alone as under `make test` (which compiles the
    .mo files first): compile any catalogue newer than its .mo."""
    catalogues.compile_all(stale_only=True)


@pytest.fixture(scope="session", autouse=True)
def url_builders_compiled_once():
    """Every test makes its own app, and Werkzeug writes and compiles two URL builder
    functions for each of its routes (38 of ``create_app``'s 42 ms; a minute and a half
    of each half of ``make test``). A builder depends only on its rule, the rule's
    defaults and whether unknown arguments are appended, so the run compiles each once
    and every app's rule gets the same function (bound to that rule, as before)."""
    compiled: dict[tuple, object] = {}
    compile_builder = Rule._compile_builder

    def once(rule: Rule, append_unknown: bool = True):  # noqa: ANN202
        key = (rule.rule, tuple(rule._trace), append_unknown,
               tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())))
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(Rule, "_compile_builder", once)
    yield
    patch.undo()


@pytest.fixture
def app():
    """A fresh database per test: a copy of the SQLite image, or on PostgreSQL (the second
    run, ``TEST_DATABASE_URL``) the shared schema with the reference data, everything
    else emptied after each test."""
    on_postgres = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
    config = {"FIXED_TODAY": "2020-12-15"}
    if not on_postgres:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = _sqlite_copy_options()
    app = create_app(config)
    app.test_client_class = FreshRequestClient
    with app.app_context():
        if on_postgres:
            _postgres_reference_data()
        yield app
        db.session.remove()
        try:
            _check_tally()
        finally:  # (a failed check must not leave its rows to the next test)
            if on_postgres:
                _empty_postgres_tables()
            db.engine.dispose()


# Loaded once on PostgreSQL and kept from test to test while they are as loaded (the
# reference data took two thirds of each test's time there, row by row); the other tables
# are emptied after each test.
REFERENCE_TABLES = tuple(model.__table__.name for model in REFERENCE_MODELS)
_loaded_reference: tuple | None = None


def _empty_postgres_tables() -> None:
    """Every table but the reference data emptied, its ids numbered from 1 again. Rows are
    deleted, children first, rather than truncated: truncating the 13 tables cost 100 ms
    per test, a tenth of the PostgreSQL run, deleting a test's few rows 10 ms. The audit
    log refuses DELETE (append-only, by trigger), so it alone is truncated."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    numbered = ", ".join(f"('\"{t.name}\"', '{t.autoincrement_column.name}')" for t in tables
                         if t.autoincrement_column is not None)
    with db.engine.begin() as connection:
        for table in tables:
            if table.name == "audit_entry":
                connection.execute(text(f'TRUNCATE "{table.name}"'))
            else:
                connection.execute(table.delete())
        connection.execute(text("SELECT setval(pg_get_serial_sequence(t, c), 1, false) "
                                f"FROM (VALUES {numbered}) AS numbered (t, c)"))


def _reference_state() -> tuple | None:
    """The reference rows and their id sequences as they stand (None without the tables)."""
    parts = [f'(SELECT json_agg(t ORDER BY t.id)::text FROM "{name}" t)' for name in REFERENCE_TABLES]
    sequences = ", ".join(f"'{name}_id_seq'" for name in REFERENCE_TABLES)
    parts.append("(SELECT json_agg(s.last_value ORDER BY s.sequencename)::text FROM pg_sequences s "
                 f"WHERE s.sequencename IN ({sequences}))")
    try:
        with db.engine.connect() as connection:
            return tuple(connection.execute(text("SELECT " + ", ".join(parts))).one())
    except ProgrammingError:  # a test dropped the schema (the migrations' tests)
        return None


def _postgres_reference_data() -> None:
    """The schema with exactly the reference data and every other table empty: kept from
    the previous test when it left the reference rows as they were loaded, else made again."""
    global _loaded_reference
    if _loaded_reference is not None and _reference_state() == _loaded_reference:
        return
    if not inspect(db.engine).has_table("audit_entry"):
        db.create_all()
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    load_reference_data()
    db.session.commit()
    _loaded_reference = _reference_state()


def _check_tally() -> None:
    """After every test, whatever it changed and however: the dashboards' summaries must
    still agree with the records (they are kept in each change's own transaction)."""
    try:
        problems = tally_upkeep.differences(db.session.connection())
    finally:
        db.session.remove()
    assert not problems, "the dashboard summaries differ from the records: " + "; ".join(problems)


@pytest.fixture
def english(app):
    """Pages and messages in English, for tests that read English text; the Vietnamese
    default is tested in test_i18n.py."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Sign in a new user of ``role`` (in scope of ``unit``/``enterprise``) and return it."""

    def _login(role: Role, *, unit=None, enterprise=None):
        if role is Role.DISTRICT and unit is None:
            unit = factories.unit("643")
        if role is Role.ENTERPRISE and enterprise is None:
            enterprise = factories.enterprise()
        user = factories.user(role, unit_obj=unit, enterprise_obj=enterprise)
        db.session.commit()
        response = client.post("/login", data={"username": user.username,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, response.data
        return user

    return _login
