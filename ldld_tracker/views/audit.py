"""The audit log, read-only: administrators and the Organization Board filter it.

Entries are only ever added (by ``ldld_tracker.audit``); this blueprint has GET routes only,
so no request can change or delete one. The filters (user, action, object type and id,
dates) carry no personal data, so they stay in the query string.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from wtforms import Form, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..access import roles_required
from ..extensions import db
from ..forms.fields import DayField
from ..listing import paginate
from ..models import AuditEntry, Role, User

bp = Blueprint("audit", __name__, url_prefix="/audit")

# Objects whose recorded values are personal data: only the board, whose scope holds every
# person, sees them; the administrator sees that a change happened, not what it was.
PERSONAL_OBJECTS = frozenset({"person", "dossier", "introducer"})
NO_USER = "none"


def local_time(value: datetime | None) -> str:
    """A stored (UTC) moment as dd/mm/yyyy HH:mm in the app's time zone."""
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""


bp.add_app_template_filter(local_time, "when")


def _distinct(column) -> list[str]:
    return [v for v in db.session.scalars(select(column).distinct().order_by(column)) if v]


class AuditFilterForm(Form):
    """The filters, read from the query string (a GET form: nothing to protect with CSRF)."""

    user = SelectField(_l("User"), validate_choice=False)
    action = SelectField(_l("Action"), validate_choice=False)
    object_type = SelectField(_l("Object"), validate_choice=False)
    object_id = IntegerField(_l("Object number"), validators=[Optional(), NumberRange(1, 2**31 - 1)])
    date_from = DayField(_l("From"))
    date_to = DayField(_l("To"))

    def __init__(self, formdata) -> None:
        super().__init__(formdata)
        users = db.session.execute(select(User.id, User.username).order_by(User.username))
        self.user.choices = ([SelectChoice("", _("Everyone")), SelectChoice(NO_USER, _("Nobody signed in"))]
                             + [SelectChoice(str(i), name) for i, name in users])
        self.action.choices = ([SelectChoice("", _("Every action"))]
                               + [SelectChoice(a) for a in _distinct(AuditEntry.action)])
        self.object_type.choices = ([SelectChoice("", _("Every object"))]
                                    + [SelectChoice(t) for t in _distinct(AuditEntry.object_type)])


def _start_of(day: date) -> datetime:
    """Local midnight at the start of ``day``, as a UTC moment (how entries are stored)."""
    tz = get_timezone()
    naive = datetime.combine(day, time())
    local = tz.localize(naive) if hasattr(tz, "localize") else naive.replace(tzinfo=tz)
    return local.astimezone(UTC)


def entries(form: AuditFilterForm) -> Select:
    """The entries matching the (valid) filters, newest first."""
    stmt = (select(AuditEntry).options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    user = form.user.data or ""
    if user == NO_USER:
        stmt = stmt.where(AuditEntry.user_id.is_(None))
    elif user.isdecimal() and len(user) < 10:
        stmt = stmt.where(AuditEntry.user_id == int(user))
    if form.action.data:
        stmt = stmt.where(AuditEntry.action == form.action.data[:40])
    if form.object_type.data:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data[:40])
    if form.object_id.data is not None and not form.object_id.errors:
        stmt = stmt.where(AuditEntry.object_id == form.object_id.data)
    if form.date_from.data and not form.date_from.errors:
        stmt = stmt.where(AuditEntry.at >= _start_of(form.date_from.data))
    if form.date_to.data and not form.date_to.errors:
        stmt = stmt.where(AuditEntry.at < _start_of(form.date_to.data + timedelta(days=1)))
    return stmt


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def describe(entry: AuditEntry) -> dict[str, Any]:
    """What the page shows of one entry: ``{"hidden": bool, "rows": [(field, before, after)],
    "reason": str}``; ``before`` is None for a plain value (not a change)."""
    if entry.object_type in PERSONAL_OBJECTS and current_user.role is not Role.BOARD:
        return {"hidden": True, "rows": [], "reason": ""}
    rows = []
    for field, value in (entry.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((field, _shown(value[0]), _shown(value[1])))
        else:
            rows.append((field, None, _shown(value)))
    return {"hidden": False, "rows": rows, "reason": entry.reason}


@bp.get("/")
@roles_required(Role.ADMIN, Role.BOARD)
def index():
    form = AuditFilterForm(request.args)
    form.validate()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", form=form, page=paginate(entries(form)),
                           args=args, describe=describe)
