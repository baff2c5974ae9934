"""Report downloads (.xlsx in the official format), scoped to the user's area.

Endpoints other pages link to (with the same query strings as their own pages):
``reports.progress`` (``year``, ``as_of``, ``district`` or ``unit``: a unit code),
``reports.dossiers`` (``year``, ``year_of``, ``stage``, ``district``: a unit code, or
``unit`` / ``enterprise``: ids, as on the dossier list), ``reports.due`` (as progress), and
``reports.index``, a page offering all three. Every download is written to the audit log
with its filters and row count; none carries personal data in its URL or file name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from io import BytesIO
from typing import IO

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_login import current_user

from .. import access, audit, clock, listing
from ..dashboards import due as due_queries
from ..dashboards import queries
from ..dashboards.period import BadPeriod, Period, choose
from ..excel.reports import DossierFilters, build_dossiers, build_due, build_progress
from ..extensions import db
from ..models import Enterprise, Role, Unit
from ..workflow import counting
from ..workflow.rules import END_CODES, STAGE_CODES

bp = Blueprint("reports", __name__, url_prefix="/reports")

VIEWERS = (Role.BOARD, Role.DISTRICT, Role.ENTERPRISE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 256 * 1024  # bytes read from a report's file at a time
STAGES = (counting.NO_STAGE, *STAGE_CODES, *END_CODES)
YEAR_OF = ("admitted", "introduced", "identified")


def _period() -> Period:
    try:
        return choose(queries.plans(), request.args.get("year"), request.args.get("as_of"))
    except BadPeriod as error:
        abort(400, str(error))


def _unit_code() -> str | None:
    """The unit asked for (``district`` as in the API, or ``unit`` as on the dashboard
    pages); an enterprise officer's is always their own."""
    if current_user.role is Role.ENTERPRISE:
        return current_user.enterprise.unit.code
    code = (request.args.get("district") or request.args.get("unit") or "").strip()
    return code[:16] or None


class _FileBody:
    """A response body read from a file a chunk at a time; the file is closed once sent,
    when the response is closed, or when the response is dropped unread."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.file.read(CHUNK):
            yield chunk
        self.close()

    def close(self) -> None:
        self.file.close()

    __del__ = close


def _send(data: IO[bytes], name: str) -> Response:
    """The workbook as an attachment, never cached. A list written to a temporary file
    is streamed from it, a chunk at a time."""
    if isinstance(data, BytesIO):
        return send_file(data, mimetype=XLSX, as_attachment=True, download_name=name,
                         max_age=0)
    size = os.fstat(data.fileno()).st_size
    response = Response(_FileBody(data), mimetype=XLSX, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.expires = time.time()
    return response


def _exported(report: str, filters: dict, rows: int) -> None:
    audit.record(current_user, "export", None, {"report": report, "filters": filters,
                                                "rows": rows})
    db.session.commit()


@bp.get("/")
@access.roles_required(*VIEWERS)
def index():
    """The downloads, with the year and unit to choose."""
    period = _period()
    units = db.session.scalars(access.units(current_user).where(
        queries.territory_clause(period.plan)).order_by(Unit.code)).all()
    return render_template("reports/index.html", period=period, units=units,
                           stages=STAGES)


@bp.get("/progress.xlsx")
@access.roles_required(*VIEWERS)
def progress():
    """Progress by unit, or by enterprise within ``district``."""
    period = _period()
    code = _unit_code()
    result = queries.progress(current_user, period.year, period.as_of, code)
    data = build_progress(current_user, result, clock.today())
    rows = len(result.enterprises) if code else len(result.districts)
    _exported("progress", {"year": period.year, "as_of": period.as_of.isoformat(),
                           "district": code}, rows)
    return _send(data, f"progress-{period.year}{'-' + code if code else ''}.xlsx")


def _dossier_filters() -> tuple[DossierFilters, str]:
    """The list's filters, each checked against the user's scope (outside it: 404)."""
    unit = None
    code = (request.args.get("district") or "").strip()[:16]
    unit_id = listing.int_arg("unit")
    if code or unit_id:
        condition = Unit.code == code if code else Unit.id == unit_id
        unit = db.session.scalar(access.units(current_user).where(condition))
        if unit is None:
            abort(404)
    enterprise_id = listing.int_arg("enterprise")
    if enterprise_id and db.session.scalar(access.enterprises(current_user).where(
            Enterprise.id == enterprise_id)) is None:
        abort(404)
    stage = request.args.get("stage", "")
    year = listing.int_arg("year")
    year_of = request.args.get("year_of", "admitted")
    if stage and stage not in STAGES or year_of not in YEAR_OF:
        abort(400)
    if year is not None and not 1900 < year < 2200:
        abort(400)
    filters = DossierFilters(unit.id if unit else None, enterprise_id, stage, year, year_of)
    return filters, unit.name if unit else ""


@bp.get("/dossiers.xlsx")
@access.roles_required(*VIEWERS)
def dossiers():
    """The people on the path and every milestone date, in Vietnamese name order."""
    filters, unit_name = _dossier_filters()
    today = clock.today()
    data, rows = build_dossiers(current_user, filters, today, unit_name)
    _exported("dossiers", {"unit_id": filters.unit_id, "enterprise_id": filters.enterprise_id,
                           "stage": filters.stage, "year": filters.year,
                           "year_of": filters.year_of if filters.year else None}, rows)
    return _send(data, f"dossiers-{today:%Y%m%d}.xlsx")


@bp.get("/due.xlsx")
@access.roles_required(*VIEWERS)
def due():
    """What is due, overdue or stuck, as on the dashboards' page."""
    period = _period()
    code = _unit_code()
    # (the lists' day and unit only, as on the page: no progress figures to count)
    result = queries.progress_frame(current_user, period.year, period.as_of, code)
    # (the workbook has the lists, not the medians table: every unit together only)
    lists = due_queries.due_and_stuck(current_user, result, units_page=None)
    data, rows = build_due(current_user, result, lists, clock.today())
    _exported("due", {"year": period.year, "as_of": period.as_of.isoformat(),
                      "district": code}, rows)
    return _send(data, f"due-{period.as_of:%Y%m%d}.xlsx")
