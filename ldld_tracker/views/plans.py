"""Plans and targets (the Organization Board) and monthly reported totals (the board and
district officers). Each form posts to one operation of ``records.plans``, committed once;
a refusal saves nothing and shows its messages next to the inputs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, Optional

from .. import access
from ..dashboards.queries import find_unit, plan_info
from ..errors import OperationRefused
from ..extensions import db
from ..forms.enterprises import WholeNumberField
from ..forms.fields import CleanStringField, DayField
from ..models import Plan, Role
from ..records import plans as records

bp = Blueprint("plans", __name__, url_prefix="/plans")

BOARD = (Role.BOARD,)
REPORTERS = (Role.BOARD, Role.DISTRICT)
MONTHS = range(1, 13)


class PlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    number = CleanStringField(_l("Number"), validators=[InputRequired()])
    issuing_body = CleanStringField(_l("Issued by"), validators=[InputRequired()])
    issued_on = DayField(_l("Issued on"), validators=[InputRequired()])
    # Typed as officials write it: "3.500" or "3 500".
    target = WholeNumberField(_l("Target: new party members in the year"),
                              validators=[InputRequired()])
    unit_id = SelectField(_l("Province"), coerce=int)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data
                for name in ("year", "number", "issuing_body", "issued_on", "target", "unit_id")}


for _month in MONTHS:
    setattr(PlanForm, f"profile_{_month}",
            IntegerField(_l("End of %(month)s", month=f"{_month:02d}"), validators=[Optional()]))


def _profile(form: PlanForm) -> list[int] | None:
    values = [getattr(form, f"profile_{m}").data for m in MONTHS]
    return None if all(v is None for v in values) else values


def _load_plan(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


def _refused(refused: OperationRefused, form: FlaskForm | None = None) -> None:
    """Nothing is saved; the messages go next to their inputs and at the top."""
    db.session.rollback()
    if form is not None:
        for name, message in refused.field_errors.items():
            target = name if name != "monthly_profile" else "profile_12"
            if target in form:
                form[target].errors = [*form[target].errors, message]
    flash(_("Nothing was saved. %(reasons)s", reasons=" ".join(refused.messages)), "danger")


@bp.route("/")
@access.roles_required(*REPORTERS)
def index():
    """The plans: the board edits them and their targets; both report monthly totals."""
    return render_template("plans/index.html", rows=records.plans_with_parts(),
                           can_manage=access.can_manage_plans(current_user))


def _plan_form(plan: Plan | None) -> PlanForm:
    form = PlanForm(obj=plan)
    form.unit_id.choices = [(u.id, u.name) for u in records.provinces()]
    if plan is not None and request.method == "GET":
        for month, value in zip(MONTHS, plan.monthly_profile or [None] * 12, strict=True):
            getattr(form, f"profile_{month}").data = value
    return form


@bp.route("/new", methods=["GET", "POST"])
@access.roles_required(*BOARD)
def create():
    form = _plan_form(None)
    if form.validate_on_submit():
        try:
            plan = records.create_plan({**form.values(), "monthly_profile": _profile(form)},
                                       current_user)
        except OperationRefused as refused:
            _refused(refused, form)
        else:
            db.session.commit()
            flash(_("The plan for %(year)s was created. Now split its target per unit.",
                    year=plan.year), "success")
            return redirect(url_for("plans.targets", plan_id=plan.id))
    return render_template("plans/edit.html", form=form, plan=None)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@access.roles_required(*BOARD)
def edit(plan_id: int):
    plan = _load_plan(plan_id)
    form = _plan_form(plan)
    if form.validate_on_submit():
        try:
            records.update_plan(plan, {**form.values(), "monthly_profile": _profile(form)},
                                current_user)
        except OperationRefused as refused:
            _refused(refused, form)
        else:
            db.session.commit()
            flash(_("The plan was saved."), "success")
            return redirect(url_for("plans.index"))
    return render_template("plans/edit.html", form=form, plan=plan)


@bp.route("/<int:plan_id>/targets", methods=["GET", "POST"])
@access.roles_required(*BOARD)
def targets(plan_id: int):
    """One input per unit of the plan's territory; a warning when the parts do not add up."""
    plan = _load_plan(plan_id)
    units = records.territory_units(plan)
    form = FlaskForm()
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if form.validate_on_submit():
        raw = {u.id: request.form.get(f"unit-{u.id}", "") for u in units}
        typed = {f"unit-{k}": v for k, v in raw.items()}
        try:
            records.set_unit_targets(plan, raw, current_user)
        except OperationRefused as refused:
            _refused(refused)
            errors = refused.field_errors
        else:
            db.session.commit()
            flash(_("The targets were saved."), "success")
            return redirect(url_for("plans.targets", plan_id=plan.id))
    current = {t.unit_id: t.target for t in plan.targets}
    parts = sum(current.values())
    return render_template("plans/targets.html", plan=plan, units=units, current=current,
                           parts=parts, form=form, errors=errors, typed=typed)


@bp.route("/<int:plan_id>/enterprise-targets", methods=["GET", "POST"])
@access.roles_required(*BOARD)
def enterprise_targets(plan_id: int):
    """Optional targets of introductions for the enterprises of one unit."""
    plan = _load_plan(plan_id)
    units = records.territory_units(plan)
    code = request.args.get("unit") or (units[0].code if units else "")
    unit = find_unit(current_user, plan_info(plan), code)
    enterprises = records.unit_enterprises(current_user, unit)
    form = FlaskForm()
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if form.validate_on_submit():
        raw = {e.id: request.form.get(f"enterprise-{e.id}", "") for e in enterprises}
        typed = {f"enterprise-{k}": v for k, v in raw.items()}
        try:
            records.set_enterprise_targets(plan, raw, enterprises, current_user)
        except OperationRefused as refused:
            _refused(refused)
            errors = refused.field_errors
        else:
            db.session.commit()
            flash(_("The enterprise targets were saved."), "success")
            return redirect(url_for("plans.enterprise_targets", plan_id=plan.id, unit=unit.code))
    current = records.enterprise_targets(plan, [e.id for e in enterprises])
    return render_template("plans/enterprise_targets.html", plan=plan, units=units, unit=unit,
                           enterprises=enterprises, current=current, form=form, errors=errors,
                           typed=typed)


@bp.route("/<int:plan_id>/reported", methods=["GET", "POST"])
@access.roles_required(*REPORTERS)
def reported(plan_id: int):
    """A unit's monthly totals of admissions outside the tracked enterprises (a district
    officer: their own unit only; another unit answers 404)."""
    plan = _load_plan(plan_id)
    if current_user.role is Role.DISTRICT:
        code = request.args.get("unit") or current_user.unit.code
        units = []
    else:
        units = records.territory_units(plan)
        code = request.args.get("unit") or (units[0].code if units else "")
    unit = find_unit(current_user, plan_info(plan), code)
    form = FlaskForm()
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if form.validate_on_submit():
        raw = {m: {part: request.form.get(f"{part}-{m}", "") for part in records.REPORTED_PARTS}
               for m in MONTHS}
        typed = {f"{part}-{m}": v for m, parts in raw.items() for part, v in parts.items()}
        try:
            records.set_reported_totals(unit, plan.year, raw, current_user)
        except OperationRefused as refused:
            _refused(refused)
            errors = refused.field_errors
        else:
            db.session.commit()
            flash(_("The reported totals were saved."), "success")
            return redirect(url_for("plans.reported", plan_id=plan.id, unit=unit.code))
    rows = records.reported_totals(unit, plan.year)
    return render_template("plans/reported.html", plan=plan, unit=unit, units=units, rows=rows,
                           form=form, errors=errors, typed=typed, months=MONTHS)
