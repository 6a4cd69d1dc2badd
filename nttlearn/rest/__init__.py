"""The REST API, ``/api/v1``: flask-smorest blueprints, an OpenAPI 3.1 document at
``/api/v1/openapi.json`` and its reference at ``/api/v1/docs``.

Off by default (``NTTLEARN_API_ENABLED``). Callers authenticate with personal access tokens
(:mod:`.tokens`), never with the site's cookie session, so the API has no CSRF surface. Errors
are RFC 9457 problem details (:mod:`.problems`). Plugins add resources with the
``nttlearn_api_blueprints`` hook; their paths join the same document.
"""

from __future__ import annotations

import functools
import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.routing import BaseConverter, UnicodeConverter

from ..extensions import csrf
from ..plugins import PluginHost
from .account import account
from .problems import ProblemSchema

PROBLEM_CONTENT_TYPE = "application/problem+json"


class RestApi(Api):
    """flask-smorest's ``Api`` with problem details, and without its app-wide error handler:
    the site's pages keep theirs (``nttlearn.errors`` answers API paths with problems)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_pagination_header(self) -> None:
        # A header is a string: flask-smorest documents this one as an object, which validators
        # (and clients generated from the document) reject.
        self.spec.components.header("PAGINATION", PAGINATION_HEADER, lazy=True)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {
            "description": "An error, as RFC 9457 problem details",
            "schema": self.ERROR_SCHEMA,
        }
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


PAGINATION_HEADER = {
    "description": 'Pagination, as a JSON object: {"total", "total_pages", "first_page", "last_page", '
    '"page", "previous_page", "next_page"} (the last two only where there is such a page)',
    "schema": {"type": "string"},
}


def _path_text(converter) -> dict:
    return {"type": "string", "minLength": 1, "pattern": r"^[^\x00/]+$"}


def _as_function(method):
    """A plain function calling a bound method, so that a permission can be declared on it."""

    @functools.wraps(method)
    def view(*args, **kwargs):
        return method(*args, **kwargs)

    return view


def init_rest(app: Flask, host: PluginHost) -> RestApi:
    """Register the API's blueprints: the core's, then each plugin's (``nttlearn_api_blueprints``)."""
    from ..api import __version__
    from . import cohorts, courses, docs, people, progress

    app.config.update(
        {
            "API_TITLE": "nttlearn",
            "API_VERSION": f"v1 ({__version__})",
            "OPENAPI_VERSION": "3.1.0",
            "OPENAPI_URL_PREFIX": "/api/v1",
            "OPENAPI_JSON_PATH": "openapi.json",
            "API_SPEC_OPTIONS": {
                "security": [{"bearerAuth": []}],
                "info": {
                    "description": "Courses, people, enrolments, progress and reports of this nttlearn "
                    "site. Authenticate with a personal access token from your account "
                    "page: 'Authorization: Bearer ntt_…'. Lists are paginated "
                    "(page, page_size; metadata in the X-Pagination header); errors "
                    "are RFC 9457 problem details."
                },
            },
        }
    )
    rest = RestApi(app)
    # Path segments: never empty, never a NUL (refused with 400 before any view runs).
    for converter in (BaseConverter, UnicodeConverter):
        rest.register_converter(converter, _path_text)
    rest.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal access token (ntt_…)"},
    )
    # The spec document itself is public (it describes; it discloses no data): declared as such.
    from ..auth.permissions import public

    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(rest._make_doc_blueprint_name() + "."):
            app.view_functions[endpoint] = public(_as_function(view))

    def register(blueprint) -> None:
        csrf.exempt(blueprint)
        rest.register_blueprint(blueprint)

    for blueprint in [
        *courses.blueprints(),
        *cohorts.blueprints(),
        *people.blueprints(),
        *progress.blueprints(),
    ]:
        register(blueprint)
    host.register_api_blueprints(app, register)
    docs.register(app)
    app.register_blueprint(account)
    app.extensions["nttlearn_rest"] = rest
    return rest
