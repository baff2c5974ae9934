"""Signing in and out, the language switch and the password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, signin
from ..access import wants_json
from ..errors import OperationRefused
from ..extensions import db, login_manager
from ..forms.auth import LoginForm, PasswordChangeForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return jsonify({"error": _("Please sign in."), "status": 401}), 401
    flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only local paths: never send a user to another site after signing in."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.username.data, form.password.data,
                                       request.remote_addr)
        except OperationRefused as refused:
            db.session.commit()  # keep the failed-attempt count and the audit entry
            flash(refused.messages[0], "danger")
        else:
            db.session.commit()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language/<lang>")
def language(lang: str):
    if lang in ("vi", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except OperationRefused as refused:
            form.current.errors.append(refused.messages[0])
        else:
            db.session.commit()
            # The session version changed: sign in again here so only other sessions end.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
