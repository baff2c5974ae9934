"""Importing officers' workbooks: templates, upload, preview, confirmation, error workbook.

The upload is stored under a random token kept in the session (never in a URL); the
preview is a full dry run of the import (every rule, nothing written); "Import" runs it
again for real, all rows in one transaction or none. Large files run in the background
while the page shows their progress.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, audit
from ..excel import uploads
from ..excel.error_workbook import build_error_workbook
from ..excel.importer import KINDS, may_import
from ..excel.result import ImportResult
from ..excel.safety import UnsafeWorkbook, check_workbook_file
from ..excel.templates import build_template
from ..extensions import db
from ..models import Role

bp = Blueprint("imports", __name__, url_prefix="/imports")

IMPORTERS = (Role.DISTRICT, Role.ENTERPRISE, Role.ADMIN)
SESSION_KEY = "import_token"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 500


def _state() -> dict | None:
    return uploads.load(session.get(SESSION_KEY), current_user)


def _kinds() -> list[str]:
    return [kind for kind in KINDS if may_import(current_user, kind)]


@bp.get("/")
@access.roles_required(*IMPORTERS)
def index():
    return render_template("imports/index.html", kinds=_kinds(), state=_state())


@bp.get("/templates/<kind>.xlsx")
@access.roles_required(*IMPORTERS)
def template(kind: str):
    if kind not in _kinds():
        abort(404)
    return send_file(build_template(kind, current_user), mimetype=XLSX, as_attachment=True,
                     download_name=f"mau-nhap-{'doanh-nghiep' if kind == 'enterprises' else 'ho-so'}.xlsx",
                     max_age=0)


@bp.post("/upload")
@access.roles_required(*IMPORTERS)
def upload():
    kind = request.form.get("kind", "")
    file = request.files.get("file")
    if kind not in _kinds():
        abort(400)
    if file is None or not file.filename:
        flash(_("Choose a workbook (.xlsx) to upload."), "danger")
        return redirect(url_for(".index"))
    uploads.discard(session.pop(SESSION_KEY, None))
    token = uploads.save_upload(file, kind, current_user)
    try:
        check_workbook_file(uploads.workbook_path(token))
    except UnsafeWorkbook as unsafe:
        uploads.discard(token)
        flash(unsafe.message, "danger")
        return redirect(url_for(".index"))
    session[SESSION_KEY] = token
    uploads.start(token, current_user, apply=False, locale=str(get_locale()))
    return redirect(url_for(".preview"))


@bp.get("/preview")
@access.roles_required(*IMPORTERS)
def preview():
    state = _state()
    if state is None:
        return redirect(url_for(".index"))
    result = ImportResult.from_dict(state["result"]) if state.get("result") else None
    return render_template("imports/preview.html", state=state, result=result,
                           shown=SHOWN_PROBLEMS)


@bp.get("/status")
@access.roles_required(*IMPORTERS)
def status():
    state = _state()
    if state is None:
        return jsonify({"state": "none"}), 404
    return jsonify({key: state[key] for key in ("state", "mode", "done", "total")})


@bp.post("/confirm")
@access.roles_required(*IMPORTERS)
def confirm():
    state = _state()
    previewed = state and state["state"] == "done" and state["mode"] == "preview"
    if not previewed or not ImportResult.from_dict(state["result"]).ok:
        flash(_("Only a workbook whose preview found no error can be imported."), "danger")
        return redirect(url_for(".preview" if state else ".index"))
    uploads.start(session[SESSION_KEY], current_user, apply=True, locale=str(get_locale()))
    return redirect(url_for(".preview"))


@bp.get("/errors.xlsx")
@access.roles_required(*IMPORTERS)
def errors():
    """The uploaded rows with their problems (the officer's own data, sent back)."""
    state = _state()
    if state is None or not state.get("result"):
        abort(404)
    result = ImportResult.from_dict(state["result"])
    if not result.rows_with_errors:
        abort(404)
    try:
        data = build_error_workbook(uploads.workbook_path(session[SESSION_KEY]), result)
    except UnsafeWorkbook:
        abort(404)
    audit.record(current_user, "export", None, {"report": "import_errors",
                                                "filters": {"kind": result.kind},
                                                "rows": result.rows})
    db.session.commit()
    return send_file(data, mimetype=XLSX, as_attachment=True, download_name="loi-nhap.xlsx",
                     max_age=0)


@bp.post("/discard")
@access.roles_required(*IMPORTERS)
def discard():
    uploads.discard(session.pop(SESSION_KEY, None))
    return redirect(url_for(".index"))
