"""Fixtures in the style of Flask's tutorial: app, client, runner, and login_as."""

from __future__ import annotations

import pytest
from flask import g
from flask.testing import FlaskClient

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Role
from ldld_tracker.reference import load_reference_data

from . import factories


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty ``g``, as on a real server. (The fixture keeps one
    app context pushed so tests can use the database; requests would otherwise share its
    ``g`` and, with it, Flask-Login's cached user.)"""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app():
    app = create_app({"FIXED_TODAY": "2020-12-15"})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


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
