"""nttlearn: self-paced courses and peer-reviewed proposals for networks of twinned towns.

Public API for plugins: :data:`hookimpl`, :data:`db`, :mod:`nttlearn.models`,
:mod:`nttlearn.events`, :mod:`nttlearn.auth` (``require_*``), :mod:`nttlearn.activities`,
:mod:`nttlearn.learn.services` (``complete_activity``), :mod:`nttlearn.request_args`
(``arg_int``, ``form_int``, ``parse_int``, ``next_url``) and the template macros.
"""

from __future__ import annotations

from typing import Any

import pluggy

from .extensions import db

hookimpl = pluggy.HookimplMarker("nttlearn")

__all__ = ["create_app", "db", "hookimpl"]


def create_app(test_config: dict[str, Any] | None = None, plugins: list[object] | None = None):
    """Create the app. ``plugins`` names the plugins to load (entry-point names or objects);
    by default every installed ``nttlearn.plugins`` entry point is loaded."""
    from .app import build_app

    return build_app(test_config, plugins)
