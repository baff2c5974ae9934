"""The navigation bar: one list, filtered by role and by the features installed."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from ..models import Role, User

ALL = frozenset(Role)
PEOPLE = frozenset({Role.BOARD, Role.DISTRICT, Role.ENTERPRISE})

NAV: tuple[tuple[str, object, frozenset[Role]], ...] = (
    ("dashboards.overview", _l("Progress"), PEOPLE),
    ("dossiers.index", _l("Dossiers"), PEOPLE),
    ("people.index", _l("Members"), PEOPLE),
    ("enterprises.index", _l("Enterprises"), ALL),
    ("reports.index", _l("Reports"), PEOPLE),
    ("imports.index", _l("Import"), frozenset({Role.DISTRICT, Role.ENTERPRISE, Role.ADMIN})),
    ("plans.index", _l("Plans and targets"), frozenset({Role.BOARD, Role.DISTRICT})),
    ("admin.users", _l("Users"), frozenset({Role.ADMIN})),
    ("audit.index", _l("Audit log"), frozenset({Role.ADMIN, Role.BOARD})),
)


def nav_items(user: User) -> list[tuple[str, object]]:
    """Menu entries this user may open, for the blueprints this app has."""
    if not user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in NAV
        if user.role in roles and endpoint in current_app.view_functions
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
