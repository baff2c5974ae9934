"""Uploads go to the test's own folder; the reports' data set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Plan, UnitTarget

from .. import factories
from ..dashboards.helpers import populate


@pytest.fixture(autouse=True)
def upload_folder(request, tmp_path_factory):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))


@pytest.fixture
def report_data(app):
    """The dashboards' varied data twice over, and targets for two units (600 in all,
    unlike the plan's 3,500)."""
    populate(2)
    plan = db.session.scalar(select(Plan).where(Plan.year == 2020))
    db.session.add(UnitTarget(plan=plan, unit=factories.unit("643"), target=400))
    db.session.add(UnitTarget(plan=plan, unit=factories.unit("644"), target=200))
    db.session.commit()
