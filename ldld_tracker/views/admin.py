"""User administration and the reference-data lists: the administrator's screens.

Every account change goes through ``accounts`` (checked, audited, flushed); the view commits
once, or rolls back and shows the refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import accounts
from ..access import roles_required
from ..errors import OperationRefused
from ..extensions import db
from ..forms.admin import ROLE_LABELS, PasswordResetForm, UserCreateForm, UserEditForm
from ..listing import paginate
from ..models import EthnicGroup, IndustrialZone, Religion, Role, Unit, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@roles_required(Role.ADMIN)
def _admin_only() -> None:
    """Every page here is for administrators only (others get 403)."""


@bp.context_processor
def _labels() -> dict:
    return {"role_labels": ROLE_LABELS, "is_locked": accounts.is_locked}


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _edit_form(user: User, **kwargs) -> UserEditForm:
    """The edit form, filled from the account unless the request posted it."""
    return UserEditForm(data={
        "full_name": user.full_name, "role": user.role.value, "unit_id": user.unit_id,
        "enterprise_tax_code": user.enterprise.tax_code if user.enterprise else ""}, **kwargs)


@bp.get("/users")
def users():
    stmt = (select(User).options(selectinload(User.unit), selectinload(User.enterprise))
            .order_by(User.username))
    return render_template("admin/users.html", page=paginate(stmt))


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.username.data, form.password.data, Role(form.role.data),
                unit_id=form.unit_id.data, enterprise_id=form.enterprise_id,
                full_name=form.full_name.data or "", actor=current_user)
        except OperationRefused as refused:
            db.session.rollback()
            form.form_errors.extend(refused.messages)
        else:
            db.session.commit()
            flash(_("The account %(name)s has been created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = _edit_form(user)
    if form.validate_on_submit():
        try:
            accounts.update_user(user, full_name=form.full_name.data or "", role=Role(form.role.data),
                                 unit_id=form.unit_id.data, enterprise_id=form.enterprise_id,
                                 actor=current_user)
        except OperationRefused as refused:
            db.session.rollback()
            form.form_errors.extend(refused.messages)
        else:
            db.session.commit()
            flash(_("The account %(name)s has been saved.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=form,
                           password_form=PasswordResetForm(formdata=None))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data, current_user)
        except OperationRefused as refused:
            db.session.rollback()
            form.form_errors.extend(refused.messages)
        else:
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # the session version changed: stay signed in here
            flash(_("The password of %(name)s has been changed; their open sessions have ended.",
                    name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=_edit_form(user, formdata=None),
                           password_form=form), 422


def _account_action(user_id: int, operation: Callable[[User, User], None], done: str):
    """Run one button's operation (deactivate, reactivate, unlock) and come back."""
    user = _user_or_404(user_id)
    try:
        operation(user, current_user)
    except OperationRefused as refused:
        db.session.rollback()
        flash(refused.messages[0], "danger")
    else:
        db.session.commit()
        flash(done % {"name": user.username}, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    return _account_action(user_id, accounts.deactivate_user,
                           _("The account %(name)s is deactivated and signed out."))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    return _account_action(user_id, accounts.reactivate_user,
                           _("The account %(name)s is active again."))


@bp.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int):
    return _account_action(user_id, accounts.unlock_user, _("The account %(name)s is unlocked."))


@bp.get("/reference/units")
def units():
    rows = db.session.scalars(select(Unit).options(selectinload(Unit.parent)).order_by(Unit.code))
    return render_template("admin/units.html", rows=rows.all())


@bp.get("/reference/zones")
def zones():
    rows = db.session.scalars(select(IndustrialZone).options(selectinload(IndustrialZone.unit))
                              .order_by(IndustrialZone.name))
    return render_template("admin/zones.html", rows=rows.all())


@bp.get("/reference/ethnic-groups")
def ethnic_groups():
    rows = db.session.scalars(select(EthnicGroup).order_by(EthnicGroup.code))
    return render_template("admin/ethnic_groups.html", rows=rows.all())


@bp.get("/reference/religions")
def religions():
    rows = db.session.scalars(select(Religion).order_by(Religion.code))
    return render_template("admin/religions.html", rows=rows.all())
