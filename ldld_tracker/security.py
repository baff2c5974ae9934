"""Production safety checks and the security headers sent with every response."""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request

from .config import DEFAULT_SECRET_KEY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def is_production() -> bool:
    return os.environ.get("LDLD_ENV") == "production"


def check_production_settings(app: Flask) -> None:
    """In production (``LDLD_ENV=production``) refuse to start with the default secret key;
    cookies are then sent over HTTPS only."""
    if not is_production():
        return
    if app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None) or len(app.config["SECRET_KEY"]) < 24:
        raise RuntimeError("LDLD_ENV=production needs its own SECRET_KEY (24+ characters).")
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def check_no_demo_data(app: Flask) -> None:
    """In production refuse to start on a database holding the demo data and its accounts."""
    if not is_production():
        return
    from sqlalchemy import inspect

    from .extensions import db
    from .models import Setting

    with app.app_context():
        if "setting" in inspect(db.engine).get_table_names() and Setting.get("demo_data") == "1":
            raise RuntimeError("LDLD_ENV=production: this database holds demo data and demo "
                               "accounts. Use a database without them.")
        db.session.remove()


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def _refuse_malformed_input() -> None:
    """Answer 400 to what no browser sends from our pages:

    - a JSON body posted to a page: Flask-WTF would read it as the form's data, with values
      of any type (objects, lists, numbers, null) that fields written for text are not made for;
    - a NUL character in the path, the query string or a form value: PostgreSQL cannot store
      or even compare text holding one, so it would otherwise fail deep in a query."""
    if request.method == "POST" and request.is_json and not request.path.startswith("/api/"):
        abort(400)
    sent = [request.args, request.form] if request.method == "POST" else [request.args]
    texts = [request.path, *(text for data in sent for pair in data.items(multi=True)
                             for text in pair)]
    if any("\x00" in text for text in texts):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_malformed_input)
    app.after_request(_headers)
