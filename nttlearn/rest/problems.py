"""Errors of the REST API as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "about:blank"  # RFC 9457 §4.2.1: the title is the HTTP status phrase


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with the field errors of a rejected request in ``errors``."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.Dict(
        metadata={"description": "Per location and field, the reasons a value was refused"}
    )


def is_api_request() -> bool:
    return request.path == "/api/v1" or request.path.startswith("/api/v1/")


def problem(
    status: int, detail: str = "", errors: Any = None, headers: dict[str, str] | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": request.path,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_from_exception(error: HTTPException) -> Response:
    """The problem for an ``abort`` (flask-smorest's and webargs' carry ``data``) or a raised error."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or (error.description if status < 500 else "")
    if status == 422 and not data.get("message"):
        detail = "The request has values that are not valid; see errors."
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="nttlearn"')
    return problem(status, detail or "", errors, headers)
