"""The home page: where each role starts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .. import clock
from ..models import Role, Setting

bp = Blueprint("main", __name__)


@bp.app_context_processor
def layout_context() -> dict:
    return {"is_demo": Setting.get("demo_data") == "1", "Role": Role, "today": clock.today()}


@bp.route("/")
@login_required
def home():
    return render_template("main/home.html", user=current_user)
