"""Error pages: a clear Vietnamese page (or JSON for the API), never a stack trace."""

from __future__ import annotations

import traceback

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .access import wants_json
from .extensions import db


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have permission to do this."),
        404: _("Not found. It does not exist, or it is outside your area."),
        405: _("This action is not allowed here."),
        413: _("The file is too large (at most 20 MB)."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on the server. Nothing was saved; please try again."),
    }


def _render(code: int, message: str | None = None):
    db.session.rollback()
    message = message or _messages().get(code, _("Error"))
    if wants_json():
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, message=message), code


def _own_message(error: HTTPException) -> str | None:
    """The message the application gave the error (``abort(400, message)``, or an error
    class of its own such as "There is no plan for this year."), translated where it was
    written; None for werkzeug's own English descriptions."""
    if not error.description:
        return None
    if type(error).__module__.startswith("werkzeug.") and error.description == type(error).description:
        return None
    return str(error.description)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _render(400, _("The form has expired or was not sent from this site. "
                              "Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500, _own_message(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Only the type and the code location: messages can carry personal data.
        frames = traceback.extract_tb(error.__traceback__)
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames[-4:])
        app.logger.error("Unhandled %s at %s %s (%s)", type(error).__name__,
                         request.method, request.url_rule, where)
        return _render(500)
