"""Thin blueprints: parse the request, call one operation or query, commit once, render.

Every module of this package that defines ``bp`` is registered, so a feature adds its
blueprint without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import nav

    nav.init_app(app)
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        blueprint = getattr(module, "bp", None)
        if blueprint is not None:
            app.register_blueprint(blueprint)
