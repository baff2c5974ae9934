"""Enterprises: the scoped list with member counts, an enterprise's page with its members,
and the create/edit forms.

District officers file enterprises under their own unit; the admin under any unit. An
enterprise officer may correct their own enterprise but not move it (unit) or re-identify
it (tax code). The board reads.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from .. import access, listing
from ..errors import OperationRefused
from ..extensions import db
from ..forms.enterprises import (
    OWNERSHIP_LABELS,
    EnterpriseEditForm,
    EnterpriseForm,
    attach_errors,
    conflict_message,
    enum_choices,
    unit_choices,
    zone_choices,
)
from ..models import Enterprise, Ownership, Person, Role
from ..records import enterprises as records
from .people import has_dossier_pages, member_rows
from .people import labels as people_labels

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

LIST = "enterprises"


@bp.context_processor
def labels() -> dict[str, Any]:
    """The enterprise's labels, and the people's for its members table."""
    return {"ownership_labels": OWNERSHIP_LABELS, **people_labels()}


def enterprise_filters() -> dict[str, Any]:
    """The list's filters from the query string; anything unknown is ignored."""
    ownership = request.args.get("ownership")
    party = request.args.get("party")
    filters: dict[str, Any] = {
        "unit": listing.int_arg("unit"),
        "zone": listing.int_arg("zone"),
        "ownership": ownership if ownership in {o.value for o in Ownership} else None,
        "party": party if party in ("yes", "no") else None,
    }
    return {key: value for key, value in filters.items() if value is not None}


def enterprise_rows(user: Any, filters: dict[str, Any], text: str = "") -> Select:
    """The user's enterprises with their number of members (one grouped subquery joined
    in, not a count per row), in Vietnamese order."""
    members = (select(Person.enterprise_id, func.count(Person.id).label("members"))
               .group_by(Person.enterprise_id).subquery())
    stmt = (
        access.enterprises(user)
        .add_columns(func.coalesce(members.c.members, 0).label("members"))
        .outerjoin(members, members.c.enterprise_id == Enterprise.id)
        .options(joinedload(Enterprise.unit), joinedload(Enterprise.zone))
    )
    if "unit" in filters:
        stmt = stmt.where(Enterprise.unit_id == filters["unit"])
    if "zone" in filters:
        stmt = stmt.where(Enterprise.zone_id == filters["zone"])
    if "ownership" in filters:
        stmt = stmt.where(Enterprise.ownership == Ownership(filters["ownership"]))
    if "party" in filters:
        stmt = stmt.where(Enterprise.has_party_org == (filters["party"] == "yes"))
    tax_code = records.normalise_tax_code(text)
    stmt = listing.apply_search(stmt, tax_code if tax_code.isdigit() else text,
                                Enterprise.search_name, Enterprise.tax_code)
    return stmt.order_by(Enterprise.sort_name, Enterprise.id)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "POST":
        return listing.handle_search_post(LIST)
    filters = enterprise_filters()
    text = listing.search_text(LIST)
    page = listing.paginate_rows(enterprise_rows(current_user, filters, text))
    return render_template(
        "enterprises/index.html", page=page, filters=filters, search=text,
        units=unit_choices(current_user), zones=zone_choices(current_user)[1:],
        ownerships=enum_choices(OWNERSHIP_LABELS),
        can_create=access.can_create_enterprise(current_user))


@bp.route("/<int:enterprise_id>")
@login_required
def detail(enterprise_id: int):
    enterprise = access.load_or_404(Enterprise, enterprise_id)
    sees_people = current_user.role is not Role.ADMIN
    members = (listing.paginate_rows(member_rows(current_user, {"enterprise": enterprise.id}))
               if sees_people else None)
    return render_template(
        "enterprises/detail.html", enterprise=enterprise, members=members,
        can_edit=access.can_edit_enterprise(current_user),
        can_add_member=access.can_edit_people(current_user), dossier_pages=has_dossier_pages())


def _form(form_class: type[EnterpriseForm], obj: Enterprise | None = None) -> EnterpriseForm:
    """The form with the user's choices. An enterprise officer cannot change the unit or
    the tax code, so those fields are not on their form at all."""
    form = form_class(obj=obj)
    if current_user.role is Role.ENTERPRISE:
        del form.unit_id
        del form.tax_code
    elif obj is None and current_user.unit_id is not None and not form.is_submitted():
        form.unit_id.data = current_user.unit_id
    form.fill_choices(current_user)
    return form


def _save(form: EnterpriseForm, save) -> tuple[Enterprise | None, list[str]]:
    """Run one record operation and commit; on refusal save nothing and say why."""
    values = {name: value for name, value in form.data.items() if name in records.FIELDS}
    try:
        enterprise = save(values)
        db.session.commit()
    except OperationRefused as refused:
        db.session.rollback()
        return None, attach_errors(form, refused)
    except StaleDataError:
        db.session.rollback()
        return None, [conflict_message()]
    except IntegrityError:
        db.session.rollback()
        return None, [_("The tax code is already used by another enterprise.")]
    return enterprise, []


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not access.can_create_enterprise(current_user):
        abort(403)
    form = _form(EnterpriseForm)
    messages: list[str] = []
    if form.validate_on_submit():
        enterprise, messages = _save(
            form, lambda values: records.create_enterprise(values, current_user))
        if enterprise is not None:
            flash(_("The enterprise has been recorded."), "success")
            return redirect(url_for(".detail", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=None, messages=messages)


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    enterprise = access.load_or_404(Enterprise, enterprise_id)
    if not access.can_edit_enterprise(current_user):
        abort(403)
    form = _form(EnterpriseEditForm, obj=enterprise)
    messages: list[str] = []
    if form.validate_on_submit():
        def update(values: dict[str, Any]) -> Enterprise:
            records.update_enterprise(enterprise, values, current_user,
                                      expected_version=form.version.data)
            return enterprise

        saved, messages = _save(form, update)
        if saved is not None:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for(".detail", enterprise_id=enterprise_id))
    return render_template("enterprises/form.html", form=form, enterprise=enterprise,
                           messages=messages)
