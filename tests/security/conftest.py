"""Uploaded workbooks go to the test's own folder, never under instance/."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def upload_folder(request, tmp_path_factory):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
