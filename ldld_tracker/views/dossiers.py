"""Dossier screens: the list, the page of one dossier (timeline, warnings, next steps) and
its actions. Each action loads the dossier in the user's scope, checks the version the
form was opened on, calls one operation and commits once; a refusal saves nothing and
shows its messages next to the form that was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from .. import access, clock, listing
from ..errors import EditConflict, OperationRefused
from ..extensions import db
from ..forms.dossiers import (
    DETAIL_LABELS,
    EDUCATION_LABELS,
    MILESTONE_FORMS,
    ROLE_CATEGORY_LABELS,
    EndForm,
    RemoveForm,
    ReopenForm,
    SettingsForm,
    recorded_values,
)
from ..models import Dossier, EndKind, Enterprise, Person, Role, Unit
from ..records._common import ensure_version
from ..workflow import alerts, counting, operations
from ..workflow.calendar import full_months
from ..workflow.checks import needs_of, recorded_on
from ..workflow.rules import END_CODES, MILESTONE_BY_CODE, MILESTONES, STAGE_CODES, Milestone
from ..workflow.rules import stage_label as rule_stage_label

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")

LIST_NAME = "dossiers"
YEAR_OF = ("admitted", "introduced", "identified")
STAGES = (counting.NO_STAGE, *STAGE_CODES, *END_CODES)


@bp.app_template_filter("stage_label")
def stage_label(code: str) -> object:
    return rule_stage_label(code)


@bp.route("/", methods=["GET", "POST"])
@access.roles_required(Role.BOARD, Role.DISTRICT, Role.ENTERPRISE)
def index():
    """Dossiers in scope, filtered (unit, enterprise, stage, year) and searched by name or
    citizen ID (the text travels by POST and the session, never in the URL)."""
    if request.method == "POST":
        return listing.handle_search_post(LIST_NAME)
    today = clock.today()
    filters = _list_filters()
    stage = counting.stage_expression(today)
    stmt = (
        access.dossiers(current_user).join(Enterprise.unit)
        .add_columns(stage.label("stage"))
        .options(contains_eager(Dossier.person).contains_eager(Person.enterprise)
                 .contains_eager(Enterprise.unit))
        .order_by(Person.sort_name, Person.id)
    )
    if filters["unit"]:
        stmt = stmt.where(Enterprise.unit_id == filters["unit"])
    if filters["enterprise"]:
        stmt = stmt.where(Person.enterprise_id == filters["enterprise"])
    if filters["stage"]:
        stmt = stmt.where(stage == filters["stage"])
    if filters["year"]:
        stmt = stmt.where(counting.reached_in_year(filters["year_of"], filters["year"], today))
    search = listing.search_text(LIST_NAME)
    stmt = listing.apply_search(stmt, search, Person.search_name, Person.citizen_id)
    units = db.session.scalars(access.units(current_user).order_by(Unit.code)).all()
    enterprises_stmt = access.enterprises(current_user).order_by(Enterprise.sort_name)
    if filters["unit"]:
        enterprises_stmt = enterprises_stmt.where(Enterprise.unit_id == filters["unit"])
    return render_template(
        "dossiers/index.html", page=listing.paginate_rows(stmt), filters=filters,
        args={k: v for k, v in filters.items() if v and not (k == "year_of" and not filters["year"])},
        search=search, units=units, enterprises=db.session.scalars(enterprises_stmt).all(),
        stages=STAGES, years=range(today.year, today.year - 6, -1), year_of_choices=YEAR_OF)


def _list_filters() -> dict[str, object]:
    stage = request.args.get("stage", "")
    year = listing.int_arg("year")
    year_of = request.args.get("year_of", "admitted")
    return {
        "unit": listing.int_arg("unit"),
        "enterprise": listing.int_arg("enterprise"),
        "stage": stage if stage in STAGES else "",
        "year": year if year and 1900 < year < 2200 else None,
        "year_of": year_of if year_of in YEAR_OF else "admitted",
    }


@bp.post("/open/<int:person_id>", endpoint="open")
@login_required
def open_dossier(person_id: int):
    """Start the file of a person in scope (a person has one file, kept across enterprises)."""
    person = access.load_or_404(Person, person_id)
    _officers_only()
    if person.dossier is not None:
        flash(_("This person already has a dossier."), "info")
        return redirect(url_for(".detail", dossier_id=person.dossier.id))
    dossier = operations.open_dossier(person, current_user)
    db.session.commit()
    flash(_("Dossier opened."), "success")
    return redirect(url_for(".detail", dossier_id=dossier.id))


@bp.get("/<int:dossier_id>")
@login_required
def detail(dossier_id: int):
    return _page(access.load_or_404(Dossier, dossier_id))


@bp.post("/<int:dossier_id>/milestones/<code>")
@login_required
def record(dossier_id: int, code: str):
    """Record a milestone, or correct a recorded one (then a reason is required)."""
    if code not in MILESTONE_BY_CODE:
        abort(404)
    dossier = _editable(dossier_id)
    form = MILESTONE_FORMS[code](prefix=code)
    return _perform(dossier, code, form, lambda: operations.record_milestone(
        dossier, form.entry(), current_user, clock.today(), form.reason.data or ""),
        _("“%(step)s” saved.", step=MILESTONE_BY_CODE[code].label))


@bp.post("/<int:dossier_id>/milestones/<code>/remove")
@login_required
def remove(dossier_id: int, code: str):
    if code not in MILESTONE_BY_CODE:
        abort(404)
    dossier = _editable(dossier_id)
    form = RemoveForm(prefix=f"remove_{code}")
    return _perform(dossier, f"remove_{code}", form, lambda: operations.remove_milestone(
        dossier, code, current_user, form.reason.data),
        _("“%(step)s” removed.", step=MILESTONE_BY_CODE[code].label))


@bp.post("/<int:dossier_id>/end")
@login_required
def end(dossier_id: int):
    dossier = _editable(dossier_id)
    form = EndForm(prefix="end")
    return _perform(dossier, "end", form, lambda: operations.end_dossier(
        dossier, EndKind(form.kind.data), form.on.data, form.reason.data, current_user,
        clock.today()), _("The dossier is closed."))


@bp.post("/<int:dossier_id>/reopen")
@login_required
def reopen(dossier_id: int):
    dossier = _editable(dossier_id)
    form = ReopenForm(prefix="reopen")
    return _perform(dossier, "reopen", form, lambda: operations.reopen_dossier(
        dossier, current_user, form.reason.data), _("The dossier is open again."))


@bp.post("/<int:dossier_id>/settings")
@login_required
def settings(dossier_id: int):
    dossier = _editable(dossier_id)
    form = SettingsForm(prefix="settings")
    return _perform(dossier, "settings", form, lambda: operations.update_dossier_settings(
        dossier, form.values(), current_user), _("Dossier settings saved."))


def _officers_only() -> None:
    if not access.can_edit_people(current_user):
        abort(403)


def _editable(dossier_id: int) -> Dossier:
    dossier = access.load_or_404(Dossier, dossier_id)
    _officers_only()
    return dossier


def _perform(dossier: Dossier, slot: str, form: FlaskForm, operation: Callable[[], object],
             done: str):
    """Validate ``form``, check the version, run ``operation``, commit once; on refusal
    roll back and show the page again with the messages next to the form in ``slot``."""
    if not form.validate():
        return _page(dossier, slot, form, [], 422)
    try:
        posted = request.form.get("version", "")
        ensure_version(dossier, int(posted) if posted.isdecimal() and len(posted) < 10 else -1)
        warnings = operation() or []
    except EditConflict as conflict:
        db.session.rollback()
        return _page(dossier, slot, form, conflict.messages, 409)
    except OperationRefused as refused:
        db.session.rollback()
        return _page(dossier, slot, form, refused.messages, 422)
    except StaleDataError:
        db.session.rollback()
        return _page(dossier, slot, form, [_(
            "Someone else saved this record while you were editing it. Your changes were not "
            "saved: reload the page to see their version, then make your changes again.")], 409)
    db.session.commit()
    flash(done, "success")
    for warning in warnings:
        flash(warning.message, "warning")
    return redirect(url_for(".detail", dossier_id=dossier.id))


@dataclass
class Step:
    """One milestone on the dossier page: what is recorded and what the user may do."""

    milestone: Milestone
    on: date | None
    applicable: bool
    missing: list[Milestone]
    details: list[tuple[object, object]]
    form: FlaskForm | None = None  # the next-step form, or the correction form
    remove_form: FlaskForm | None = None
    locked_by: list[Milestone] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    remove_messages: list[str] = field(default_factory=list)

    @property
    def offered(self) -> bool:
        return self.on is None and self.form is not None


def _page(dossier: Dossier, slot: str | None = None, posted: FlaskForm | None = None,
          messages: list[str] | tuple = (), status: int = 200):
    """The dossier page; ``posted`` (the form sent to ``slot``) replaces its blank twin."""
    today = clock.today()
    may_edit = access.can_edit_people(current_user)
    is_open = dossier.end_kind is None
    placed: set[str] = set()

    def form_for(cls: type[FlaskForm], prefix: str, data: dict | None = None) -> FlaskForm:
        placed.add(prefix)
        if prefix == slot and posted is not None:
            return posted
        return cls(formdata=None, prefix=prefix, data=data)

    steps = []
    for milestone in MILESTONES:
        code = milestone.code
        step = Step(milestone, recorded_on(dossier, code),
                    not (code == "committee_resolved" and dossier.cell_is_grassroots),
                    [MILESTONE_BY_CODE[n] for n in needs_of(milestone, dossier)
                     if recorded_on(dossier, n) is None],
                    _details(dossier, milestone))
        may_record = (may_edit and is_open and step.applicable
                      and current_user.role in milestone.recorded_by)
        if step.on is not None:
            step.locked_by = operations.dependents(dossier, code)
        if may_record and step.on is None and not step.missing:
            step.form = form_for(MILESTONE_FORMS[code], code)
        elif may_record and step.on is not None and not step.locked_by:
            step.form = form_for(MILESTONE_FORMS[code], code, recorded_values(dossier, code))
            step.remove_form = form_for(RemoveForm, f"remove_{code}")
        step.messages = list(messages) if slot == code else []
        step.remove_messages = list(messages) if slot == f"remove_{code}" else []
        steps.append(step)

    settings_data = {name: getattr(dossier, name) for name in operations.SETTINGS_FIELDS}
    forms = {
        "end": form_for(EndForm, "end") if may_edit and is_open else None,
        "reopen": form_for(ReopenForm, "reopen") if may_edit and not is_open else None,
        "settings": form_for(SettingsForm, "settings", settings_data) if may_edit else None,
    }
    person = dossier.person
    return render_template(
        "dossiers/detail.html", dossier=dossier, person=person, steps=steps, forms=forms,
        slot=slot, messages=list(messages),
        # Messages for a form the page does not show (e.g. a step this role cannot record).
        page_messages=list(messages) if slot not in placed else [],
        age=full_months(person.birth_date, today) // 12,
        role_label=ROLE_CATEGORY_LABELS.get(person.role_category),
        education_label=EDUCATION_LABELS.get(person.education),
        stage=counting.stage_of(dossier), alerts=alerts.dossier_alerts(dossier, today),
        introducers=[(i, full_months(i.worked_together_since, dossier.introduced_on)
                      if dossier.introduced_on else None) for i in dossier.introducers],
        offered=[s for s in steps if s.offered],
    ), status


def _details(dossier: Dossier, milestone: Milestone) -> list[tuple[object, object]]:
    """The recorded details of a milestone, as (label, value), votes as "x/y"."""
    if milestone.code in ("cell_resolved", "committee_resolved"):
        votes, members = (getattr(dossier, name) for name in milestone.detail_fields)
        return [(_("Votes in favour"), f"{votes}/{members}")] if votes is not None else []
    return [(DETAIL_LABELS[name], getattr(dossier, name)) for name in milestone.detail_fields
            if getattr(dossier, name)]
