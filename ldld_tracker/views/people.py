"""Union members (people): the scoped list, a member's page, and the create/edit forms.

A member's page shows ethnicity and religion: it is only ever reached inside the user's
scope (``access.load_or_404``). The dossier itself belongs to the dossiers blueprint; this
page links to it, or offers to open one, only when that blueprint is installed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import access, clock, listing
from ..errors import OperationRefused
from ..extensions import db
from ..forms.enterprises import attach_errors, conflict_message, enum_choices, unit_choices
from ..forms.people import (
    EDUCATION_LABELS,
    ROLE_LABELS,
    SEX_LABELS,
    PersonEditForm,
    PersonForm,
    enterprise_choices,
)
from ..models import Dossier, Enterprise, Person, Role, RoleCategory, Sex
from ..records import people as records
from ..workflow import rules
from ..workflow.counting import NO_STAGE, stage_expression, stage_of

bp = Blueprint("people", __name__, url_prefix="/members")

LIST = "people"
STAGES = (*rules.STAGE_CODES, *rules.END_CODES)


@bp.context_processor
def labels() -> dict[str, Any]:
    return {"sex_labels": SEX_LABELS, "role_labels": ROLE_LABELS,
            "education_labels": EDUCATION_LABELS, "stage_label": rules.stage_label}


def _choice_arg(name: str, allowed: tuple[str, ...] | set[str]) -> str | None:
    value = request.args.get(name)
    return value if value in allowed else None


def member_filters() -> dict[str, Any]:
    """The list's filters from the query string; anything unknown is ignored."""
    filters: dict[str, Any] = {
        "unit": listing.int_arg("unit"),
        "enterprise": listing.int_arg("enterprise"),
        "role": _choice_arg("role", {r.value for r in RoleCategory}),
        "sex": _choice_arg("sex", {s.value for s in Sex}),
        "dossier": _choice_arg("dossier", ("yes", "no")),
        "stage": _choice_arg("stage", (*STAGES, NO_STAGE)),
    }
    return {key: value for key, value in filters.items() if value is not None}


def member_rows(user: Any, filters: dict[str, Any], text: str = "") -> Select:
    """The user's members with their enterprise and dossier stage, in one query, in
    Vietnamese name order (given name first)."""
    stage = stage_expression(clock.today())
    stmt = (
        access.people(user)
        .add_columns(Enterprise.name.label("enterprise_name"), Dossier.id.label("dossier_id"),
                     stage.label("stage"))
        .outerjoin(Person.dossier)
    )
    if "unit" in filters:
        stmt = stmt.where(Enterprise.unit_id == filters["unit"])
    if "enterprise" in filters:
        stmt = stmt.where(Person.enterprise_id == filters["enterprise"])
    if "role" in filters:
        stmt = stmt.where(Person.role_category == RoleCategory(filters["role"]))
    if "sex" in filters:
        stmt = stmt.where(Person.sex == Sex(filters["sex"]))
    if filters.get("dossier") == "yes":
        stmt = stmt.where(Dossier.id.is_not(None))
    elif filters.get("dossier") == "no":
        stmt = stmt.where(Dossier.id.is_(None))
    if "stage" in filters:
        stmt = stmt.where(Dossier.id.is_not(None), stage == filters["stage"])
    stmt = listing.apply_search(stmt, text, Person.search_name, Person.citizen_id)
    return stmt.order_by(Person.sort_name, Person.id)


def has_dossier_pages() -> bool:
    return "dossiers.detail" in current_app.view_functions


@bp.route("/", methods=["GET", "POST"])
@login_required
@access.roles_required(Role.BOARD, Role.DISTRICT, Role.ENTERPRISE)
def index():
    if request.method == "POST":
        return listing.handle_search_post(LIST)
    filters = member_filters()
    text = listing.search_text(LIST)
    page = listing.paginate_rows(member_rows(current_user, filters, text))
    return render_template(
        "people/index.html", page=page, filters=filters, search=text,
        units=unit_choices(current_user),
        enterprises=enterprise_choices(current_user, filters.get("unit")),
        roles=enum_choices(ROLE_LABELS), sexes=enum_choices(SEX_LABELS),
        stages=[(code, rules.stage_label(code)) for code in STAGES],
        can_edit=access.can_edit_people(current_user), dossier_pages=has_dossier_pages())


@bp.route("/<int:person_id>")
@login_required
def detail(person_id: int):
    person = access.load_or_404(Person, person_id)
    dossier = person.dossier
    can_edit = access.can_edit_people(current_user)
    dossier_url = open_url = None
    if dossier is not None and has_dossier_pages():
        dossier_url = url_for("dossiers.detail", dossier_id=dossier.id)
    if dossier is None and can_edit and "dossiers.open" in current_app.view_functions:
        open_url = url_for("dossiers.open", person_id=person.id)
    return render_template(
        "people/detail.html", person=person, dossier=dossier, can_edit=can_edit,
        stage=stage_of(dossier, clock.today()) if dossier else None,
        dossier_url=dossier_url, open_url=open_url)


def _form(form_class: type[PersonForm], obj: Person | None = None) -> PersonForm:
    """The form with the user's choices; an enterprise officer's enterprise is fixed."""
    form = form_class(obj=obj)
    if current_user.enterprise_id is not None:
        del form.enterprise_id
    elif obj is None and not form.is_submitted():
        form.enterprise_id.data = listing.int_arg("enterprise")  # "Add a member" on its page
    form.fill_choices(current_user)
    return form


def _values(form: PersonForm) -> dict[str, Any]:
    return {name: value for name, value in form.data.items() if name in records.FIELDS}


def _refusal(form: PersonForm, refused: OperationRefused) -> tuple[list[str], Person | None]:
    """Roll back and show why. A duplicate citizen ID names and links the person already
    recorded only when the user may see them; otherwise it says no more than "elsewhere"."""
    existing_id = refused.existing.id if isinstance(refused, records.DuplicateCitizenId) else None
    db.session.rollback()
    if existing_id is None:
        return attach_errors(form, refused), None
    duplicate = db.session.scalar(access.people(current_user).where(Person.id == existing_id))
    if duplicate is not None:
        message = _("This citizen ID is already recorded for %(name)s.", name=duplicate.full_name)
    else:
        message = _("This citizen ID is already recorded for a member outside your area. Ask the "
                    "federation that manages their enterprise, or the provincial federation, to "
                    "move them to yours.")
    form.citizen_id.errors = [*form.citizen_id.errors, message]
    return [], duplicate


def _save(form: PersonForm, save) -> tuple[Person | None, list[str], Person | None]:
    """Run one record operation and commit; on refusal save nothing and say why."""
    try:
        person = save(_values(form))
        db.session.commit()
    except OperationRefused as refused:
        return None, *_refusal(form, refused)
    except StaleDataError:
        db.session.rollback()
        return None, [conflict_message()], None
    except IntegrityError:
        db.session.rollback()
        form.citizen_id.errors = [*form.citizen_id.errors, _(
            "This citizen ID is already recorded for another person.")]
        return None, [], None
    return person, [], None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not access.can_edit_people(current_user):
        abort(403)
    form = _form(PersonForm)
    messages: list[str] = []
    duplicate = None
    if form.validate_on_submit():
        def create(values: dict[str, Any]) -> Person:
            values.setdefault("enterprise_id", current_user.enterprise_id)
            return records.create_person(values, current_user)

        person, messages, duplicate = _save(form, create)
        if person is not None:
            flash(_("The member has been recorded."), "success")
            return redirect(url_for(".detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=None, messages=messages,
                           duplicate=duplicate)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(person_id: int):
    person = access.load_or_404(Person, person_id)
    if not access.can_edit_people(current_user):
        abort(403)
    form = _form(PersonEditForm, obj=person)
    messages: list[str] = []
    duplicate = None
    if form.validate_on_submit():
        def update(values: dict[str, Any]) -> Person:
            records.update_person(person, values, current_user, expected_version=form.version.data)
            return person

        saved, messages, duplicate = _save(form, update)
        if saved is not None:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for(".detail", person_id=person_id))
    return render_template("people/form.html", form=form, person=person, messages=messages,
                           duplicate=duplicate)
