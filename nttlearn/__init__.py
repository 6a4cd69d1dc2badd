"""nttlearn: self-paced courses and peer-reviewed proposals for networks of twinned towns.

Plugins import the core only through :mod:`nttlearn.api` (documented in ``docs/plugins.md``).
``hookimpl`` and ``db`` stay here too, as the same objects, for plugins written before it.
"""

from __future__ import annotations

from typing import Any

from .extensions import db
from .hookspecs import hookimpl

__all__ = ["create_app", "db", "hookimpl"]


def create_app(test_config: dict[str, Any] | None = None, plugins: list[object] | None = None):
    """Create the app. ``plugins`` names the plugins to load (entry-point names or objects);
    by default every installed ``nttlearn.plugins`` entry point is loaded."""
    from .app import build_app

    return build_app(test_config, plugins)
