"""Error pages that keep the site's layout and language."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .cohorts.pacing import ItemLocked
from .extensions import db
from .rest.problems import is_api_request, problem_from_exception


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired or was sent from another site. Please try again.")
        return _render(400, _("Bad request"), message)

    @app.errorhandler(401)
    def unauthorized(error):
        from flask import redirect, url_for

        if is_api_request():
            return problem_from_exception(error)

        return redirect(url_for("auth.login", next=request.path))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if (error.code or 500) >= 500:
            # The error page reads the database (user, plugin switches): not through a
            # transaction the failure left broken, and never keeping its half-done changes.
            db.session.rollback()
        if is_api_request():
            return problem_from_exception(error)
        messages = {
            400: _(
                "A value in the address or the form is not valid. Please go back and try again."
            ),
            403: _("You do not have permission to open this page."),
            404: _("This page does not exist, or is no longer available."),
            413: _("The file is too large."),
            429: _("Too many attempts. Please wait a few minutes and try again."),
        }
        titles = {400: _("Bad request")}
        if isinstance(error, ItemLocked):  # a release rule: say when and why it opens
            return _render(403, _("Not open yet"), error.description or "")
        return _render(
            error.code or 500,
            titles.get(error.code, error.name),
            messages.get(error.code, error.description or ""),
        )


def _render(code: int, title: str, message: str):
    if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
        return jsonify(error=message), code
    return render_template("error.html", code=code, title=title, message=message), code
