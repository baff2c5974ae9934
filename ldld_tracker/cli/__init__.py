"""Command-line tasks (``flask --app ldld_tracker …``), one module per job.

Every module of this package that defines ``COMMANDS`` (a list of click commands or
groups) is registered: a feature adds its commands without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def init_app(app: Flask) -> None:
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
