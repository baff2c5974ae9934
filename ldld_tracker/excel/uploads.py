"""Uploaded workbooks waiting for their preview or confirmation, and the import jobs.

A file is stored under ``instance/uploads/`` as ``<token>.xlsx`` with a ``<token>.json``
state beside it; the token is random and travels only in the user's session, never in a
URL, and the officer's own file name is kept only for display. A large import takes
minutes, longer than a web request may, so outside the tests it runs in a background
thread that writes its progress into the state file; the page polls it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import User
from .importer import run_import

TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
KEEP_SECONDS = 24 * 60 * 60
# A job whose state has not moved for this long was interrupted (the server restarted).
STALE_SECONDS = 15 * 60
PROGRESS_SECONDS = 1.0


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_UPLOAD_FOLDER")
                  or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN.match(token or ""):
        raise ValueError("bad token")
    folder = _folder()
    return folder / f"{token}.xlsx", folder / f"{token}.json"


def workbook_path(token: str) -> Path:
    return _paths(token)[0]


def _write(path: Path, state: dict[str, Any]) -> None:
    state["updated"] = time.time()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)


def save_upload(upload: FileStorage, kind: str, user: User) -> str:
    """Store the file; returns its token."""
    sweep()
    token = secrets.token_urlsafe(33)
    workbook, state = _paths(token)
    upload.save(workbook)
    name = os.path.basename(upload.filename or "")[-120:]
    _write(state, {"user_id": user.id, "kind": kind, "filename": name, "state": "uploaded",
                   "mode": "", "done": 0, "total": 0, "result": None,
                   "created": datetime.now(UTC).isoformat()})
    return token


def load(token: str | None, user: User) -> dict[str, Any] | None:
    """The state of the user's upload, or None (unknown token, someone else's, expired)."""
    if not token or not TOKEN.match(token):
        return None
    _workbook, path = _paths(token)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("user_id") != user.id:
        return None
    if state["state"] == "running" and time.time() - state["updated"] > STALE_SECONDS:
        state["state"] = "failed"
    return state


def discard(token: str | None) -> None:
    if not token or not TOKEN.match(token):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


def sweep() -> None:
    """Remove uploads older than a day."""
    limit = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        if path.suffix in (".xlsx", ".json", ".tmp") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _job(app: Flask, token: str, user_id: int, apply: bool, locale: str) -> None:
    workbook, path = _paths(token)
    state = json.loads(path.read_text(encoding="utf-8"))
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS:
            last[0] = time.monotonic()
            _write(path, {**state, "done": done, "total": max(total, done)})

    try:
        with force_locale(locale):
            user = db.session.get(User, user_id)
            result = run_import(state["kind"], workbook, user, apply=apply, progress=progress)
        state.update(state="done", done=result.rows, total=result.rows, result=result.to_dict())
    except Exception as error:  # the page must say it failed, whatever happened
        app.logger.error("Import job failed: %s", type(error).__name__)
        db.session.rollback()
        state.update(state="failed")
    finally:
        _write(path, state)


def start(token: str, user: User, apply: bool, locale: str) -> None:
    """Run the preview (``apply=False``) or the import; in a thread unless testing or
    ``IMPORTS_IN_BACKGROUND`` is False."""
    _workbook, path = _paths(token)
    state = json.loads(path.read_text(encoding="utf-8"))
    state.update(state="running", mode="apply" if apply else "preview", done=0, total=0)
    _write(path, state)
    app = current_app._get_current_object()
    user_id = user.id
    if not app.config.get("IMPORTS_IN_BACKGROUND", not app.testing):
        _job(app, token, user_id, apply, locale)
        return

    def work() -> None:
        with app.app_context():
            try:
                _job(app, token, user_id, apply, locale)
            finally:
                db.session.remove()

    threading.Thread(target=work, name=f"import-{token[:6]}", daemon=True).start()
