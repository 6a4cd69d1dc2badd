"""Helpers for the xAPI plugin's tests: reading statements back."""

from __future__ import annotations

import json


def by_verb(statements: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for statement in statements:
        found.setdefault(statement["verb"]["id"].rsplit("/", 1)[-1], []).append(statement)
    return found


def dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True)
