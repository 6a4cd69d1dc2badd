"""Helpers shared by the core's tests: installed plugins, small plugins made in tests, reading pages."""

from __future__ import annotations

import re
from importlib import metadata

from route_table import PROBE_PLUGIN

from nttlearn.plugins import ENTRY_POINT_GROUP


def installed_plugin_names() -> set[str]:
    """The entry-point names of the plugins installed in this environment."""
    return {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


class RouteProbe:
    """A plugin without hooks: something for the admin to switch during the route walk."""

    name = PROBE_PLUGIN


def walk_plugins() -> list[object]:
    """Every installed plugin (what ``create_app()`` loads by default) plus the probe."""
    return [*sorted(installed_plugin_names()), RouteProbe()]


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)
