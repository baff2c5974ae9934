"""The JSON API: the dashboards' figures for other systems, behind the same session login,
with its OpenAPI description written by hand next to the view it describes.

Without login: 401 JSON (the login manager answers so under /api/). A unit outside the
user's scope or a year without a plan: 404 JSON. A malformed year or day: 400 JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..dashboards import queries
from ..dashboards.period import BadPeriod, choose
from ..dashboards.queries import CURRENT_CODES, MILESTONE_CODES
from ..models import Role

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The answer's list comes a page at a time: the units (the country's board sees 900) or,
# with a district, its enterprises (a district has hundreds).
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 50, 1000, 100_000


def _counts(codes: tuple[str, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {code: {"type": "integer", "minimum": 0} for code in codes},
        "required": list(codes),
    }


def _page_of(description: str, total_description: str) -> dict[str, Any]:
    """Which page of a list the answer holds: its number and size, the pages, the total."""
    return {
        "type": "object",
        "description": description,
        "properties": {"page": {"type": "integer"}, "per_page": {"type": "integer"},
                       "pages": {"type": "integer"},
                       "total": {"type": "integer", "description": total_description}},
    }


def _figures(extra: dict[str, Any], target_description: str) -> dict[str, Any]:
    properties = {
        **extra,
        "target": {"type": "integer", "nullable": True, "description": target_description},
        "admitted": {"type": "integer", "description": "admitted_tracked + admitted_reported"},
        "admitted_tracked": {"type": "integer",
                             "description": "Admission decisions (milestone 8) dated in the year, "
                                            "tracked person by person."},
        "admitted_reported": {"type": "integer",
                              "description": "Admissions reported as monthly totals (months "
                                             "ended by as_of); 0 for an enterprise."},
        "introduced": {"type": "integer",
                       "description": "Introduced by the union (milestone 5) in the year."},
        "reached": {"$ref": "#/components/schemas/Reached"},
        "current": {"$ref": "#/components/schemas/Current"},
    }
    return {"type": "object", "properties": properties, "required": list(properties)}


def openapi_document() -> dict[str, Any]:
    """The document served at ``/api/v1/openapi.json``."""
    error = {"description": "Error", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ldld_tracker API",
            "version": "1",
            "description": "Progress of party-member development from the trade unions of "
                           "Đắk Lắk's enterprises toward the year's plan. Sign in with the "
                           "application's session (the same login as the pages); every figure "
                           "is limited to the signed-in user's area.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/progress": {
                "get": {
                    "summary": "Progress toward the target of a year's plan",
                    "operationId": "getProgress",
                    "parameters": [
                        {"name": "year", "in": "query", "required": False,
                         "description": "The plan's year (default: the current year's plan).",
                         "schema": {"type": "integer", "example": 2020}},
                        {"name": "district", "in": "query", "required": False,
                         "description": "A unit's code: its figures and its enterprises.",
                         "schema": {"type": "string", "example": "643"}},
                        {"name": "page", "in": "query", "required": False,
                         "description": "Which page of the units in scope (in code order) "
                                        "or, with district, of its enterprises (in name "
                                        "order); default 1. The total counts them all.",
                         "schema": {"type": "integer", "minimum": 1, "default": 1}},
                        {"name": "per_page", "in": "query", "required": False,
                         "description": "Units (or, with district, enterprises) per page.",
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                    "default": PER_PAGE}},
                        {"name": "as_of", "in": "query", "required": False,
                         "description": "Count only what is dated on or before this day "
                                        "(default: today, or 31 December of a past year).",
                         "schema": {"type": "string", "format": "date"}},
                    ],
                    "responses": {
                        "200": {"description": "The figures", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Progress"}}}},
                        "400": error, "401": error, "403": error, "404": error,
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {
                "Error": {"type": "object", "properties": {
                    "error": {"type": "string"}, "status": {"type": "integer"}}},
                "Reached": _counts(MILESTONE_CODES, "Milestone code -> dossiers that reached it "
                                                    "with a date in the year (up to as_of)."),
                "Current": _counts(CURRENT_CODES, "Stage code (or off-path end) -> dossiers at "
                                                  "that stage on as_of."),
                "Figures": _figures({}, "The target (the plan's for the whole province)."),
                "District": _figures({"code": {"type": "string"}, "name": {"type": "string"}},
                                     "The unit's share of the target, if set."),
                "Enterprise": _figures(
                    {"tax_code": {"type": "string"}, "name": {"type": "string"}},
                    "The enterprise's optional target of introductions."),
                "Progress": {
                    "type": "object",
                    "required": ["year", "as_of", "plan", "total", "districts"],
                    "properties": {
                        "year": {"type": "integer"},
                        "as_of": {"type": "string", "format": "date"},
                        "plan": {"type": "object", "properties": {
                            "number": {"type": "string"}, "target": {"type": "integer"}}},
                        "total": {"$ref": "#/components/schemas/Figures"},
                        "districts": {"type": "array",
                                      "description": "Without the district parameter: one "
                                                     "page of the units in scope; with it: "
                                                     "that unit.",
                                      "items": {"$ref": "#/components/schemas/District"}},
                        "districts_page": _page_of("Only without the district parameter.",
                                                   "The units in the user's scope."),
                        "enterprises": {"type": "array",
                                        "description": "Only with the district parameter: "
                                                       "one page of the unit's enterprises.",
                                        "items": {"$ref": "#/components/schemas/Enterprise"}},
                        "enterprises_page": _page_of("Only with the district parameter.",
                                                     "The unit's enterprises in the user's scope."),
                    },
                },
            },
        },
        "security": [{"session": []}],
    }


@bp.get("/progress")
@access.roles_required(Role.BOARD, Role.DISTRICT, Role.ENTERPRISE)
def progress():
    """``?year=2020[&district=643][&as_of=YYYY-MM-DD][&page=1&per_page=50]``: progress
    toward the plan's target, with one page of the units (or of the district's enterprises)."""
    try:
        period = choose(queries.plans(), request.args.get("year"), request.args.get("as_of"))
    except BadPeriod as error:
        return jsonify({"error": str(error), "status": 400}), 400
    district = request.args.get("district", "").strip()[:16] or None
    page = _whole_number("page", 1, MAX_PAGE)
    per_page = _whole_number("per_page", PER_PAGE, MAX_PER_PAGE)
    if page is None or per_page is None:
        message = _("page must be a whole number from 1 to %(most)d and per_page from 1 to "
                    "%(per_page)d.", most=MAX_PAGE, per_page=MAX_PER_PAGE)
        return jsonify({"error": message, "status": 400}), 400
    listed = (page, per_page)
    result = queries.progress(current_user, period.year, period.as_of, district,
                              listed if district else None, unit_page=None if district else listed)
    data = result.as_json()
    key, count = ("enterprises_page", result.enterprise_count) if district \
        else ("districts_page", result.district_count)
    data[key] = {"page": page, "per_page": per_page, "pages": -(-count // per_page), "total": count}
    return jsonify(data)


def _whole_number(name: str, default: int, most: int) -> int | None:
    """A query-string number from 1 to ``most`` (``default`` when absent); None if not."""
    value = request.args.get(name)
    if value is None:
        return default
    return int(value) if value.isascii() and value.isdecimal() and len(value) <= 7 \
        and 1 <= int(value) <= most else None


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI description of this API (public: it holds no data, only the shape)."""
    return jsonify(openapi_document())
