"""The plugin host: discovers plugins, remembers which failed, honours the admin's switches.

One host per app (never a module global), so tests cannot leak plugins into each other.
"""

from __future__ import annotations

import logging
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

import pluggy
from flask import Flask, has_request_context
from markupsafe import Markup, escape
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import hookspecs
from .caching import request_cache
from .extensions import db
from .hooktrace import HookTrace
from .hooktypes import (  # Setting: also imported from here by older plugins
    ActivityType,
    EventType,
    Setting,
)
from .models import PluginState

ENTRY_POINT_GROUP = "nttlearn.plugins"
log = logging.getLogger(__name__)


class PluginLoadError(RuntimeError):
    """A plugin failed to load while ``NTTLEARN_STRICT_PLUGINS`` is on."""


@dataclass
class PluginInfo:
    name: str
    version: str = ""
    description: str = ""
    module: object | None = None
    error: str | None = None
    settings: list[Setting] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None


# How long a worker trusts its copy of the plugin switches: a switch made on one app node applies
# on every other node within this time (docs/architecture.md: why a read and not Redis pub/sub).
STATE_SECONDS = 0.5


class PluginHost:
    """Holds the app's pluggy manager and the state of every plugin."""

    def __init__(self, strict: bool = False, trace: bool = False) -> None:
        self.pm = pluggy.PluginManager("nttlearn")
        self.pm.add_hookspecs(hookspecs)
        self.trace = HookTrace(self.pm) if trace else None
        self.pm.hook.nttlearn_add_hookspecs.call_historic(kwargs={"pluginmanager": self.pm})
        self.strict = strict
        self.plugins: dict[str, PluginInfo] = {}
        self._activity_types: dict[str, ActivityType] = {}
        self._event_types: dict[str, EventType] = {}
        self._endpoints: dict[str, str] = {}
        self._disabled: tuple[float, frozenset[str]] | None = None  # (read at, names)
        self._switches = 0  # switches made in this worker: a read that began before one is not kept
        self._held = False  # holding_switches(): the copy is kept however old

    # -- loading -------------------------------------------------------------------------------
    def load(self, names_or_objects: Iterable[object] | None = None) -> None:
        """Register the given plugins, or every ``nttlearn.plugins`` entry point when None.

        Entry points load one by one inside try/except: one broken plugin cannot stop the others.
        """
        entry_points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        wanted: Iterable[object] = (
            entry_points.values() if names_or_objects is None else names_or_objects
        )
        for item in wanted:
            if isinstance(item, str):
                if item not in entry_points:
                    self._fail(item, f"no installed plugin named {item!r}")
                    continue
                item = entry_points[item]
            if isinstance(item, metadata.EntryPoint):
                self._load_entry_point(item)
            else:
                name = getattr(item, "name", None) or getattr(item, "__name__", repr(item))
                self._register(
                    str(name), item, version="", description=(item.__doc__ or "").strip()
                )
        self._refuse_unknown_hooks()

    def _refuse_unknown_hooks(self) -> None:
        """Fail a plugin implementing a hook nobody declared (a misspelt ``nttlearn_on_evnt`` would
        never be called). Checked once every plugin is in, since a plugin may declare hooks for
        others (``nttlearn_add_hookspecs``); ``@hookimpl(optionalhook=True)`` opts out."""
        for name, info in list(self.plugins.items()):
            plugin = info.module
            if info.failed or plugin is None or not self.pm.is_registered(plugin):
                continue
            unknown = sorted(
                caller.name
                for caller in self.pm.get_hookcallers(plugin) or []
                if caller.spec is None
                and any(
                    impl.plugin is plugin and not impl.optionalhook
                    for impl in caller.get_hookimpls()
                )
            )
            if unknown:
                self.pm.unregister(plugin)
                self.plugins.pop(name)
                self._fail(
                    name,
                    f"PluginValidationError: unknown hook {unknown[0]!r}: not declared in "
                    "nttlearn.hookspecs nor by another installed plugin",
                    info.version,
                    info.description,
                )

    def _load_entry_point(self, ep: metadata.EntryPoint) -> None:
        dist = ep.dist
        version = dist.version if dist else ""
        description = (dist.metadata.get("Summary") or "") if dist else ""
        mismatch = api_mismatch(dist)
        if mismatch is not None:  # not even imported: its code may not run on this API
            self._fail(ep.name, mismatch, version, description)
            return
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the site
            self._fail(ep.name, f"{type(exc).__name__}: {exc}", version, description)
            return
        self._register(ep.name, obj, version, description)

    def _register(self, name: str, obj: object, version: str, description: str) -> None:
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:  # noqa: BLE001
            if self.pm.is_registered(obj):
                self.pm.unregister(obj)
            self._fail(name, f"{type(exc).__name__}: {exc}", version, description)
            return
        if isinstance(obj, types.ModuleType) and not description:
            description = (obj.__doc__ or "").strip().splitlines()[0] if obj.__doc__ else ""
        self.plugins[name] = PluginInfo(name, version, description, obj)

    def _fail(self, name: str, error: str, version: str = "", description: str = "") -> None:
        log.error("plugin %s failed to load: %s", name, error)
        if self.strict:
            raise PluginLoadError(f"plugin {name}: {error}")
        self.plugins[name] = PluginInfo(name, version, description, None, error)

    def start(self, app: Flask) -> None:
        """Run the start-up hooks: blueprints, activity types, settings.

        The endpoints each plugin adds are remembered, so that a disabled plugin's routes answer
        404 whatever its blueprints are called.
        """
        for impl in self.pm.hook.nttlearn_register_blueprints.get_hookimpls():
            before = set(app.view_functions)
            self._guarded_startup(impl, lambda f: f(app=app))
            for endpoint in set(app.view_functions) - before:
                self._endpoints[endpoint] = impl.plugin_name
        for impl in self.pm.hook.nttlearn_activity_types.get_hookimpls():
            for activity_type in self._guarded_startup(impl, lambda f: f()) or []:
                self._activity_types[activity_type.key] = _with_plugin(
                    activity_type, impl.plugin_name
                )
        for impl in self.pm.hook.nttlearn_settings.get_hookimpls():
            self.plugins[impl.plugin_name].settings = list(
                self._guarded_startup(impl, lambda f: f()) or []
            )
        self.collect_event_types()

    def collect_event_types(self) -> dict[str, EventType]:
        """The core's event declarations and each plugin's (``nttlearn_event_types``), by name.

        A name declared twice, or a plugin's event not prefixed with the plugin's name, is a
        plugin error (raised when strict, logged otherwise), and the first declaration stays.
        """
        from .event_types import CORE_EVENT_TYPES

        self._event_types = {t.name: t for t in CORE_EVENT_TYPES}
        for impl in self.pm.hook.nttlearn_event_types.get_hookimpls():
            for event_type in self._guarded_startup(impl, lambda f: f()) or []:
                declared = replace(event_type, emitter=impl.plugin_name)
                problem = None
                if declared.name in self._event_types:
                    problem = f"event {declared.name!r} is already declared by {self._event_types[declared.name].emitter}"
                elif not declared.name.startswith(f"{impl.plugin_name}."):
                    problem = f"event {declared.name!r} is not prefixed with the plugin's name {impl.plugin_name!r}"
                if problem is None:
                    self._event_types[declared.name] = declared
                elif self.strict:
                    raise PluginLoadError(f"plugin {impl.plugin_name}: {problem}")
                else:
                    log.error("plugin %s: %s", impl.plugin_name, problem)
        return dict(self._event_types)

    def event_types(self) -> dict[str, EventType]:
        """Every declared event by name (the core's and every installed plugin's)."""
        return dict(self._event_types)

    def register_api_blueprints(self, app: Flask, register: Callable[[Any], None]) -> None:
        """Ask each plugin for its REST API blueprints (``nttlearn_api_blueprints``) and pass each to
        ``register``; their endpoints are the plugin's, so they answer 404 when it is disabled."""
        for impl in self.pm.hook.nttlearn_api_blueprints.get_hookimpls():
            before = set(app.view_functions)
            for blueprint in self._guarded_startup(impl, lambda f: f()) or []:
                register(blueprint)
            for endpoint in set(app.view_functions) - before:
                self._endpoints[endpoint] = impl.plugin_name

    def _guarded_startup(self, impl: pluggy.HookImpl, call: Callable[[Callable], Any]) -> Any:
        try:
            return self._traced(
                impl.opts.get("specname") or impl.function.__name__, impl, call, impl.function
            )
        except Exception as exc:  # noqa: BLE001
            log.exception("plugin %s failed at start-up", impl.plugin_name)
            if self.strict:
                raise
            self.plugins[impl.plugin_name].error = f"{type(exc).__name__}: {exc}"
            self.pm.unregister(name=impl.plugin_name)
            return None

    def endpoint_owner(self, endpoint: str | None) -> str | None:
        """The plugin that registered ``endpoint``, or None for the core's."""
        return self._endpoints.get(endpoint or "")

    # -- state -----------------------------------------------------------------------------------
    def disabled(self) -> frozenset[str]:
        """Names of installed plugins the admin switched off.

        Every page asks (slots, routes, activity types), so each worker keeps what it read for
        ``STATE_SECONDS``: a switch made in this worker applies at once, in the other workers
        and on the other app nodes of the site within that time.
        """
        cache = request_cache() if has_request_context() else {}
        if "disabled" in cache:
            return cache["disabled"]
        known = self._disabled
        if known is not None and (self._held or time.monotonic() - known[0] < STATE_SECONDS):
            result = known[1]
        else:
            switches = self._switches
            result = self._read_disabled()
            if switches == self._switches:
                self._disabled = (time.monotonic(), result)
        cache["disabled"] = result
        return result

    def _read_disabled(self) -> frozenset[str]:
        try:
            return frozenset(
                db.session.execute(
                    db.select(PluginState.name).where(PluginState.enabled.is_(False))
                ).scalars()
            )
        except SQLAlchemyError:  # before the first migration there is no table yet
            db.session.rollback()
            return frozenset()

    @contextmanager
    def holding_switches(self) -> Iterator[None]:
        """Keep the copy of the switches however old it gets inside the block (query counts)."""
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def forget_state(self) -> None:
        self._switches += 1
        self._disabled = None
        if has_request_context():
            request_cache().pop("disabled", None)

    def is_active(self, name: str) -> bool:
        info = self.plugins.get(name)
        return info is not None and not info.failed and name not in self.disabled()

    def set_enabled(self, name: str, enabled: bool) -> None:
        if name not in self.plugins:
            raise KeyError(name)
        state = db.session.get(PluginState, name) or PluginState(name=name)
        state.enabled = enabled
        db.session.add(state)
        db.session.flush()
        self.forget_state()
        # Other threads of this worker may read the old switches until the commit: forget them again then.
        db.session().info.setdefault("nttlearn_switched", set()).add(self)

    def status(self, name: str) -> str:
        info = self.plugins[name]
        if info.failed:
            return "failed"
        return "disabled" if name in self.disabled() else "enabled"

    # -- calling ---------------------------------------------------------------------------------
    def hook(self, name: str) -> Callable[..., list[Any]]:
        """The hook caller for ``name`` without the disabled plugins."""
        disabled = self.disabled()
        remove = [self.pm.get_plugin(n) for n in disabled if self.pm.get_plugin(n) is not None]
        caller = getattr(self.pm.hook, name)
        return self.pm.subset_hook_caller(name, remove) if remove else caller

    def call_each(
        self, name: str, *, include_disabled: bool = False, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call each enabled implementation separately; one that raises is logged and skipped.

        ``include_disabled`` also asks the plugins the admin switched off (their data stays, so a
        person's data export must still include it).
        """
        disabled = frozenset() if include_disabled else self.disabled()
        results = []
        for impl in reversed(getattr(self.pm.hook, name).get_hookimpls()):
            if impl.plugin_name in disabled:
                continue
            try:
                result = self._traced(
                    name, impl, impl.function, *[kwargs[arg] for arg in impl.argnames]
                )
            except Exception:  # noqa: BLE001 - rendering hooks must not break the page
                log.exception("plugin %s failed in %s", impl.plugin_name, name)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def _traced(
        self, hook: str, impl: pluggy.HookImpl, call: Callable[..., Any], *args: Any
    ) -> Any:
        """``call(*args)`` for one implementation of ``hook``, logged when ``NTTLEARN_TRACE_HOOKS`` is on."""
        if self.trace is None:
            return call(*args)
        return self.trace.call(hook, impl, lambda: call(*args))

    def render_slot(self, slot: str, context: dict[str, Any]) -> Markup:
        parts = self.call_each("nttlearn_template_slot", slot=slot, context=context)
        return Markup("\n").join(escape(html) for _, html in parts)  # a str is escaped, Markup kept

    def activity_types(self) -> dict[str, ActivityType]:
        disabled = self.disabled()
        return {k: t for k, t in self._activity_types.items() if t.plugin not in disabled}

    def all_activity_types(self) -> dict[str, ActivityType]:
        return dict(self._activity_types)

    def collect(self, name: str, **kwargs: Any) -> list[Any]:
        """Flatten the lists returned by a ``register``-style hook (enabled plugins only)."""
        items: list[Any] = []
        for result in self.hook(name)(**kwargs):
            items.extend(result or [])
        return items


@event.listens_for(Session, "after_commit")
def _forget_switches_after_commit(session: Session) -> None:
    for plugin_host in session.info.pop("nttlearn_switched", ()):
        plugin_host.forget_state()


def api_mismatch(dist: metadata.Distribution | None) -> str | None:
    """Why a plugin's distribution cannot run on this site's plugin API, or None when it can.

    Read from its metadata (``Requires-Dist: nttlearn>=1.0,<2``, from ``install_requires`` in its
    ``setup.cfg``) before any of its code is imported. A plugin that names no range is let in, as
    plugins were before the API had a version.
    """
    from .api import __version__ as running  # the host enforces the promise nttlearn.api makes

    for line in (dist.requires or []) if dist is not None else []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != "nttlearn":
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if not requirement.specifier.contains(running, prereleases=True):
            return f"needs nttlearn API {requirement.specifier}, this site runs {running}"
    return None


def call_hook(name: str, **kwargs: Any) -> list[Any]:
    """Call the hook ``name`` on every enabled plugin and return their answers (None left out).

    For a hook a plugin declares for other plugins (``nttlearn_add_hookspecs``), such as the
    quiz's ``nttlearn_quiz_question_types``. Answers come in pluggy's order (the last registered
    first); an implementation that raises propagates to the caller.
    """
    return host().hook(name)(**kwargs)


def _with_plugin(activity_type: ActivityType, plugin: str) -> ActivityType:
    from dataclasses import replace

    return replace(activity_type, plugin=plugin)


def host(app: Flask | None = None) -> PluginHost:
    from flask import current_app

    return (app or current_app).extensions["nttlearn"]
