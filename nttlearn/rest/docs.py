"""``/api/v1/docs``: the API reference, read from the OpenAPI document and rendered as a page
of the site (no JavaScript, no files from elsewhere, works with a keyboard and a screen reader)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, render_template

from ..auth.permissions import public

METHODS = ("get", "post", "put", "patch", "delete")

docs = Blueprint("api_docs", __name__, template_folder="templates")


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        section = node["$ref"].split("/")[-2]
        node = spec["components"][section][name]
    return node


def _fields(spec: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    schema = _resolve(spec, schema or {})
    if schema.get("type") == "array":
        schema = _resolve(spec, schema.get("items", {}))
    required = set(schema.get("required", []))
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(spec, prop)
        kind = prop.get("type", "object")
        if isinstance(kind, list):
            kind = " | ".join(kind)
        fields.append(
            {
                "name": name,
                "type": kind,
                "required": name in required,
                "description": prop.get("description", ""),
            }
        )
    return fields


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, grouped by its tag, in the document's order."""
    groups: dict[str, dict[str, Any]] = {
        t["name"]: {"name": t["name"], "description": t.get("description", ""), "operations": []}
        for t in spec.get("tags", [])
    }
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = (op.get("tags") or ["other"])[0]
            group = groups.setdefault(tag, {"name": tag, "description": "", "operations": []})
            body = (
                (op.get("requestBody") or {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            responses = []
            for status, response in op.get("responses", {}).items():
                response = _resolve(spec, response)
                content = response.get("content", {})
                schema = next(iter(content.values()), {}).get("schema") if content else None
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "fields": _fields(spec, schema)
                        if schema and status.startswith("2")
                        else [],
                    }
                )
            group["operations"].append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        _resolve(spec, p)
                        for p in op.get("parameters", []) + item.get("parameters", [])
                    ],
                    "body": _fields(spec, body) if body else [],
                    "responses": responses,
                }
            )
    return [g for g in groups.values() if g["operations"]]


@docs.route("/api/v1/docs")
@public
def reference():
    spec = current_app.extensions["nttlearn_rest"].spec.to_dict()
    return render_template("rest/docs.html", spec=spec, groups=operations(spec))


def register(app: Flask) -> None:
    app.register_blueprint(docs)
