"""Production safety checks and the security headers sent with every response."""

from __future__ import annotations

import os

from flask import Flask, Response

from .config import DEFAULT_SECRET_KEY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def check_production_settings(app: Flask) -> None:
    """In production (``LDLD_ENV=production``) refuse to start with the default secret key."""
    if os.environ.get("LDLD_ENV") != "production":
        return
    if app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise RuntimeError("LDLD_ENV=production needs its own SECRET_KEY in the environment.")
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
