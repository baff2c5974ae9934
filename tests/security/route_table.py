"""The access matrix: for every route of the app (endpoint x method), how to address an
object inside and outside the user's scope, and what each role must get for each.

A new route must be added here, or ``test_route_matrix`` fails. Expected answers:
302 to the login page for anonymous users (401 JSON under /api/), 403 for a role that may
not use the page, 404 for an object outside the user's scope (exactly as for one that does
not exist), 200/302/422 (409 for a stale version) inside.
POST bodies are minimal: what matters is who gets through, not the happy path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .world import ROLES, Side, World

MISSING = 999_999  # an id no object has

Status = int | tuple[int, int]
Args = Callable[[World, Side], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    args: Args  # URL arguments and query string for an object on this side
    expect: dict[str, tuple[int, int]]  # role -> (status inside, status outside)
    data: Args | None = None  # the POST body


def expect(anonymous: Status, admin: Status, board: Status, district: Status,
           enterprise: Status) -> dict[str, tuple[int, int]]:
    """Statuses per role; one number when inside and outside answer the same."""
    given = (anonymous, admin, board, district, enterprise)
    return {role: value if isinstance(value, tuple) else (value, value)
            for role, value in zip(ROLES, given, strict=True)}


def _inside(world: World, side: Side) -> bool:
    return side is world.inside


def nothing(world: World, side: Side) -> dict[str, Any]:
    return {}


def unit_query(world: World, side: Side) -> dict[str, Any]:
    return {"unit": side.unit.code}


def unit_code(world: World, side: Side) -> dict[str, Any]:
    return {"code": side.unit.code}


def district_query(world: World, side: Side) -> dict[str, Any]:
    return {"district": side.unit.code}


def enterprise_id(world: World, side: Side) -> dict[str, Any]:
    return {"enterprise_id": side.enterprise.id}


def person_id(world: World, side: Side) -> dict[str, Any]:
    return {"person_id": side.person.id}


def dossier_id(world: World, side: Side) -> dict[str, Any]:
    return {"dossier_id": side.dossier.id}


def milestone(world: World, side: Side) -> dict[str, Any]:
    return {"dossier_id": side.dossier.id, "code": "identified"}


def account(world: World, side: Side) -> dict[str, Any]:
    """Accounts have no scope: "outside" is an account that does not exist."""
    return {"user_id": world.victim.id if _inside(world, side) else MISSING}


def plan(world: World, side: Side) -> dict[str, Any]:
    """Plans have no scope: "outside" is a plan that does not exist."""
    return {"plan_id": world.plan.id if _inside(world, side) else MISSING}


def plan_unit(world: World, side: Side) -> dict[str, Any]:
    return {"plan_id": world.plan.id, "unit": side.unit.code}


def language(world: World, side: Side) -> dict[str, Any]:
    return {"lang": "en" if _inside(world, side) else "xx"}


def import_kind(world: World, side: Side) -> dict[str, Any]:
    """Import kinds have no scope: "outside" is the other kind (the admin imports
    enterprises, not dossiers)."""
    return {"kind": "dossiers" if _inside(world, side) else "enterprises"}


def current_version(world: World, side: Side) -> dict[str, Any]:
    return {"version": str(side.dossier.version), "settings-note": "Ghi chú"}


ANY_SIGNED_IN = expect(302, 200, 200, 200, 200)
ADMIN_ONLY = expect(302, 200, 403, 403, 403)
ADMIN_ACCOUNT = expect(302, (200, 404), 403, 403, 403)
# An empty edit post keeps the account's values (Flask-WTF treats it as no form data).
ADMIN_ACCOUNT_POST = expect(302, (302, 404), 403, 403, 403)
BOARD_ONLY = expect(302, 403, 200, 403, 403)
BOARD_PLAN = expect(302, 403, (200, 404), 403, 403)
# Dashboards: a district officer asking for another unit gets 404; an enterprise officer's
# pages are always about their own enterprise, whatever unit is asked for.
DASHBOARD = expect(302, 403, 200, (200, 404), 200)
# Lists of people and dossiers: the admin sees no person.
PEOPLE_LIST = expect(302, 403, 200, 200, 200)
SEARCH_POST = expect(302, 403, 302, 302, 302)
# One person or dossier: 404 outside the scope, 404 for the admin (who sees no person).
PERSON_PAGE = expect(302, 404, 200, (200, 404), (200, 404))
PERSON_FORM = expect(302, 404, 403, (200, 404), (200, 404))
DOSSIER_ACTION = expect(302, 404, 403, (422, 404), (422, 404))
IMPORTERS = expect(302, 200, 403, 200, 200)

ROUTES: dict[tuple[str, str], Route] = {
    ("main.home", "GET"): Route(nothing, ANY_SIGNED_IN),
    # Signing in and out, language, password.
    ("auth.login", "GET"): Route(nothing, expect(200, 302, 302, 302, 302)),
    ("auth.login", "POST"): Route(nothing, expect(200, 302, 302, 302, 302), nothing),
    ("auth.logout", "POST"): Route(nothing, expect(302, 302, 302, 302, 302), nothing),
    ("auth.language", "POST"): Route(language, expect(302, 302, 302, 302, 302), nothing),
    ("auth.password", "GET"): Route(nothing, ANY_SIGNED_IN),
    ("auth.password", "POST"): Route(nothing, ANY_SIGNED_IN, nothing),
    # Administration: accounts and reference lists.
    ("admin.users", "GET"): Route(nothing, ADMIN_ONLY),
    ("admin.create_user", "GET"): Route(nothing, ADMIN_ONLY),
    ("admin.create_user", "POST"): Route(nothing, ADMIN_ONLY, nothing),
    ("admin.edit_user", "GET"): Route(account, ADMIN_ACCOUNT),
    ("admin.edit_user", "POST"): Route(account, ADMIN_ACCOUNT_POST, nothing),
    ("admin.reset_password", "POST"): Route(account, expect(302, (422, 404), 403, 403, 403),
                                            nothing),
    ("admin.deactivate_user", "POST"): Route(account, expect(302, (302, 404), 403, 403, 403),
                                             nothing),
    ("admin.reactivate_user", "POST"): Route(account, expect(302, (302, 404), 403, 403, 403),
                                             nothing),
    ("admin.unlock_user", "POST"): Route(account, expect(302, (302, 404), 403, 403, 403),
                                         nothing),
    ("admin.units", "GET"): Route(nothing, ADMIN_ONLY),
    ("admin.zones", "GET"): Route(nothing, ADMIN_ONLY),
    ("admin.ethnic_groups", "GET"): Route(nothing, ADMIN_ONLY),
    ("admin.religions", "GET"): Route(nothing, ADMIN_ONLY),
    # The JSON API: 401 JSON without a session.
    ("api.openapi", "GET"): Route(nothing, expect(200, 200, 200, 200, 200)),
    ("api.progress", "GET"): Route(district_query, expect(401, 403, 200, (200, 404), (200, 404))),
    # The audit log: administrators and the board.
    ("audit.index", "GET"): Route(nothing, expect(302, 200, 200, 403, 403)),
    # Dashboards.
    ("dashboards.overview", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.districts", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.district", "GET"): Route(unit_code, expect(302, 403, 200, (200, 404), (200, 404))),
    ("dashboards.funnel", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.timeline", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.breakdowns", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.coverage", "GET"): Route(unit_query, DASHBOARD),
    ("dashboards.due", "GET"): Route(unit_query, DASHBOARD),
    # Dossiers.
    ("dossiers.index", "GET"): Route(unit_query, PEOPLE_LIST),
    ("dossiers.index", "POST"): Route(nothing, SEARCH_POST, nothing),
    ("dossiers.detail", "GET"): Route(dossier_id, PERSON_PAGE),
    ("dossiers.open", "POST"): Route(person_id, expect(302, 404, 403, (302, 404), (302, 404)),
                                     nothing),
    ("dossiers.record", "POST"): Route(milestone, DOSSIER_ACTION, nothing),
    ("dossiers.remove", "POST"): Route(milestone, DOSSIER_ACTION, nothing),
    ("dossiers.end", "POST"): Route(dossier_id, DOSSIER_ACTION, nothing),
    ("dossiers.reopen", "POST"): Route(dossier_id, DOSSIER_ACTION, nothing),
    ("dossiers.settings", "POST"): Route(dossier_id, expect(302, 404, 403, (302, 404), (302, 404)),
                                         current_version),
    # Enterprises: the admin manages every enterprise but sees none of their members.
    ("enterprises.index", "GET"): Route(unit_query, ANY_SIGNED_IN),
    ("enterprises.index", "POST"): Route(nothing, expect(302, 302, 302, 302, 302), nothing),
    ("enterprises.detail", "GET"): Route(enterprise_id, expect(302, 200, 200, (200, 404), (200, 404))),
    ("enterprises.edit", "GET"): Route(enterprise_id, expect(302, 200, 403, (200, 404), (200, 404))),
    ("enterprises.edit", "POST"): Route(enterprise_id, expect(302, 200, 403, (200, 404), (200, 404)),
                                        nothing),
    ("enterprises.new", "GET"): Route(nothing, expect(302, 200, 403, 200, 403)),
    ("enterprises.new", "POST"): Route(nothing, expect(302, 200, 403, 200, 403), nothing),
    # Members.
    ("people.index", "GET"): Route(unit_query, PEOPLE_LIST),
    ("people.index", "POST"): Route(nothing, SEARCH_POST, nothing),
    ("people.detail", "GET"): Route(person_id, PERSON_PAGE),
    ("people.edit", "GET"): Route(person_id, PERSON_FORM),
    ("people.edit", "POST"): Route(person_id, PERSON_FORM, nothing),
    ("people.new", "GET"): Route(nothing, expect(302, 403, 403, 200, 200)),
    ("people.new", "POST"): Route(nothing, expect(302, 403, 403, 200, 200), nothing),
    # Plans and targets (the board); reported totals (the board and district officers).
    ("plans.index", "GET"): Route(nothing, expect(302, 403, 200, 200, 403)),
    ("plans.create", "GET"): Route(nothing, BOARD_ONLY),
    ("plans.create", "POST"): Route(nothing, BOARD_ONLY, nothing),
    ("plans.edit", "GET"): Route(plan, BOARD_PLAN),
    ("plans.edit", "POST"): Route(plan, BOARD_PLAN, nothing),
    ("plans.targets", "GET"): Route(plan, BOARD_PLAN),
    ("plans.targets", "POST"): Route(plan, expect(302, 403, (302, 404), 403, 403), nothing),
    ("plans.enterprise_targets", "GET"): Route(plan_unit, BOARD_ONLY),
    ("plans.enterprise_targets", "POST"): Route(plan_unit, expect(302, 403, 302, 403, 403),
                                                nothing),
    ("plans.reported", "GET"): Route(plan_unit, expect(302, 403, 200, (200, 404), 403)),
    ("plans.reported", "POST"): Route(plan_unit, expect(302, 403, 302, (302, 404), 403), nothing),
    # Imports: officers and the admin. With no upload in the session the pages send the
    # user back to the upload form (302) or have nothing to show (404).
    ("imports.index", "GET"): Route(nothing, IMPORTERS),
    ("imports.template", "GET"): Route(import_kind, expect(302, (404, 200), 403, 200, 200)),
    ("imports.upload", "POST"): Route(nothing, expect(302, (400, 302), 403, 302, 302),
                                         import_kind),
    ("imports.preview", "GET"): Route(nothing, expect(302, 302, 403, 302, 302)),
    ("imports.status", "GET"): Route(nothing, expect(302, 404, 403, 404, 404)),
    ("imports.confirm", "POST"): Route(nothing, expect(302, 302, 403, 302, 302), nothing),
    ("imports.errors", "GET"): Route(nothing, expect(302, 404, 403, 404, 404)),
    ("imports.discard", "POST"): Route(nothing, expect(302, 302, 403, 302, 302), nothing),
    # Reports (.xlsx): like the dashboards, a district officer asking for another unit gets
    # 404; an enterprise officer's progress and due reports are always their enterprise's.
    ("reports.index", "GET"): Route(nothing, PEOPLE_LIST),
    ("reports.progress", "GET"): Route(district_query, DASHBOARD),
    ("reports.due", "GET"): Route(district_query, DASHBOARD),
    ("reports.dossiers", "GET"): Route(district_query,
                                       expect(302, 403, 200, (200, 404), (200, 404))),
}


def routes_of(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, static files left out."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def url_for_case(app, endpoint: str, values: dict[str, Any]) -> str:
    """The URL of ``endpoint`` with ``values`` (extra values go in the query string)."""
    adapter = app.url_map.bind("localhost")
    return adapter.build(endpoint, values)
