"""``NTTLEARN_TRACE_HOOKS=1``: every hook call in the log, with its plugins and milliseconds.

For a plugin author asking "is my hook called, and what does it cost?" and an admin asking "which
plugin makes the dashboard slow?". Off by default: it costs two clock reads and a log line per call.

Hooks reach plugins two ways. The host calls rendering and start-up hooks one implementation at a
time (so one broken plugin cannot blank another's output): each such call is one line with its
plugin. Hooks dispatched by pluggy in one go (``nttlearn_on_event``, the ``register``-style
collections, a plugin's own hooks) are watched with pluggy's ``add_hookcall_monitoring``: one line
per call with every plugin that answered it, since pluggy times the call as a whole.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pluggy

log = logging.getLogger("nttlearn.hooks")


def _show_info_lines() -> None:
    """Trace lines are INFO; without any logging set up (``nttlearn run``, gunicorn) Python would
    drop them, so they then go to stderr."""
    log.setLevel(logging.INFO)
    if not log.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)


def _line(hook: str, plugins: Sequence[str], started: float) -> None:
    milliseconds = (time.perf_counter() - started) * 1000
    log.info("hook %s [%s] %.2f ms", hook, ", ".join(plugins) or "no plugin", milliseconds)


class HookTrace:
    """Logs the hook calls of one plugin manager (created by the host when tracing is on)."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        _show_info_lines()
        self._local = threading.local()  # a stack per thread: hooks may call hooks
        pm.add_hookcall_monitoring(self._before, self._after)

    def _stack(self) -> list[float]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def _before(
        self, hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        self._stack().append(time.perf_counter())

    def _after(
        self,
        outcome: pluggy.Result[Any],
        hook_name: str,
        hook_impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        started = self._stack().pop()
        _line(hook_name, [impl.plugin_name for impl in reversed(hook_impls)], started)

    @staticmethod
    def call(hook: str, impl: pluggy.HookImpl, call: Callable[[], Any]) -> Any:
        """Run ``call`` (one implementation of ``hook``) and log its plugin and time."""
        started = time.perf_counter()
        try:
            return call()
        finally:
            _line(hook, [impl.plugin_name], started)
