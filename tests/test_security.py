"""Production refusals and the headers every response carries."""

from __future__ import annotations

import pytest

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Setting


def test_every_response_carries_the_security_headers(client):
    for path in ("/login", "/", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_refuses_to_start_with_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("LDLD_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": "dev-only-not-secret"})


def test_production_refuses_to_start_on_a_database_with_demo_data(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        Setting.put("demo_data", "1")
        db.session.commit()
        db.engine.dispose()
    monkeypatch.setenv("LDLD_ENV", "production")
    with pytest.raises(RuntimeError, match="demo"):
        create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 40})


def test_production_cookies_are_secure_httponly_and_samesite_lax(monkeypatch, tmp_path):
    monkeypatch.setenv("LDLD_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                      "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_audit_log_refuses_updates_and_deletes_in_the_database(app):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from ldld_tracker import audit

    audit.record(None, "test.entry")
    db.session.commit()
    for statement in ("UPDATE audit_entry SET action = 'forged'", "DELETE FROM audit_entry"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.execute(text("SELECT action FROM audit_entry")).scalars().all() == ["test.entry"]
