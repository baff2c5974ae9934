"""Behind a reverse proxy: X-Forwarded-For/-Proto are believed only when
``TRUSTED_PROXY_COUNT`` says a proxy sets them (anyone can send those headers otherwise).
Sign-in throttling per address depends on it: without it every user behind nginx would
share the proxy's address, and twenty mistakes anywhere would lock everyone out."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import LoginThrottle

PROXIED = {"X-Forwarded-For": "198.51.100.66, 203.0.113.7", "X-Forwarded-Proto": "https"}


def _seen_by(app) -> tuple[str, str]:
    app.add_url_rule("/_seen", "seen", lambda: f"{request.remote_addr} {request.scheme}")
    return tuple(app.test_client().get("/_seen", headers=PROXIED).text.split())


def test_forwarded_headers_are_ignored_when_no_proxy_is_trusted():
    assert _seen_by(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})) == ("127.0.0.1", "http")


def test_behind_one_trusted_proxy_the_address_and_scheme_are_the_ones_it_saw():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXY_COUNT": 1})
    # The client's own (spoofable) first entry is not believed: only the proxy's last one.
    assert _seen_by(app) == ("203.0.113.7", "https")


def test_sign_in_failures_behind_the_proxy_count_against_the_clients_address():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXY_COUNT": 1})
    with app.app_context():
        db.create_all()
        response = app.test_client().post(
            "/login", data={"username": "nobody", "password": "wrong password"}, headers=PROXIED)
        assert response.status_code == 200
        keys = set(db.session.scalars(select(LoginThrottle.key)))
        db.session.remove()
        db.drop_all()
    assert "addr:203.0.113.7" in keys
    assert "addr:127.0.0.1" not in keys
