"""Thin blueprints: parse the request, call one operation or query, commit once, render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import auth, main, nav

    nav.init_app(app)

    for module in (auth, main):
        app.register_blueprint(module.bp)
