"""Helpers shared by the core's tests: installed plugins, small plugins made in tests, reading pages."""

from __future__ import annotations

import os
import re
from importlib import metadata

import pytest
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
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


REDIS_URL = os.environ.get("NTTLEARN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_url_or_skip() -> str:
    """The test Redis, or skip the test with a line saying why."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: this Redis test was skipped")
    return REDIS_URL
