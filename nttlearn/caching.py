"""Every cache nttlearn keeps, in one place, with one API.

**Per worker** (:func:`worker_cache`): immutable values keyed by what makes them true (a
course's ``content_version``, a session's token), in a bounded LRU map (cachetools) per app and
name: tests run many apps on many databases. A stale entry is never read: it is only not asked
for any more, and the least recently used entries make room for new ones. The caches and their
sizes are listed in :data:`WORKER_CACHES`.

**Invalidation**: the session listeners at the end of this module bump a course's
``content_version`` in the same transaction as any change to the course, its modules, lessons or
activities, so every worker's entries for the old version stop being asked for at once.

**Per request** (:func:`request_cache`): a dict that lives as long as one request (the plugin
switches as read, who manages which course, the translations, a session found ended); it is
dropped at the request's teardown, even where the app context outlives the request (tests, CLI).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import Any, TypeVar

from cachetools import LRUCache
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from .models import Activity, Course, Lesson, Module

T = TypeVar("T")

#: Each per-worker cache and how many entries it keeps.
WORKER_CACHES = {
    "structure": 512,  # learn.structure: a course's modules, lessons and activities
    "lesson_html": 1024,  # learn.fragments: a lesson's rendered text, by language
    "outline_sidebar": 512,  # learn.fragments: the lesson page's outline
    "release_rules": 512,  # cohorts.pacing: a course's release rules
    "translation_coverage": 256,  # content.coverage: how much of a course is translated
    "csrf_tokens": 10_000,  # app: a session's signed CSRF token
}

_ABSENT = object()


class WorkerCache:
    """A thread-safe LRU map; ``get_or_make`` builds a missing value outside the lock (two
    threads may both build it; either copy is right)."""

    def __init__(self, size: int) -> None:
        self._items: LRUCache[Hashable, Any] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            value = make()
            self.put(key, value)
        return value

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for ``key``, or ``default``."""
        with self._lock:
            return self._items.get(key, default)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def worker_cache(name: str, app: Flask | None = None) -> WorkerCache:
    """The app's per-worker cache called ``name`` (one of :data:`WORKER_CACHES`)."""
    caches = (app or current_app).extensions.setdefault("nttlearn_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, WorkerCache(WORKER_CACHES[name]))
    return cache


def clear_worker_caches(app: Flask | None = None) -> None:
    """Empty every per-worker cache of the app (tests; a worker never needs to)."""
    for cache in (app or current_app).extensions.get("nttlearn_caches", {}).values():
        cache.clear()


# -- per request ----------------------------------------------------------------------------------
_REQUEST_KEY = "nttlearn_request_cache"
# What Flask-Login and Flask-WTF keep in ``g`` for a request: dropped with the request cache.
_LIBRARY_KEYS = ("_login_user", "csrf_token")


def request_cache() -> dict[str, Any]:
    """This request's cache (a dict; outside an app context a new, empty one each call)."""
    if not has_app_context():
        return {}
    state = g.__dict__
    cache = state.get(_REQUEST_KEY)
    if cache is None:
        cache = state[_REQUEST_KEY] = {}
    return cache


def end_request() -> None:
    """Drop this request's cache (and the libraries' per-request values)."""
    for key in (_REQUEST_KEY, *_LIBRARY_KEYS):
        g.pop(key, None)


def init_app(app: Flask) -> None:
    """Drop the request cache at each request's teardown."""
    app.teardown_request(lambda _exc: end_request())


# -- invalidation: keeping content_version true ---------------------------------------------------------
CONTENT_MODELS = (Course, Module, Lesson, Activity)
_courses = Course.__table__


def _course_ids_changed(objects: Iterable[Any]) -> tuple[set[int], set[int], bool]:
    """(course ids, module ids, unknown) for the content objects among ``objects``; ``unknown``
    when a changed object no longer knows its parent (then every course is bumped)."""
    courses: set[int] = set()
    modules: set[int] = set()
    unknown = False
    for obj in objects:
        if not isinstance(obj, CONTENT_MODELS):
            continue
        loaded = inspect(obj).dict  # never load an attribute here: the row may be gone
        if isinstance(obj, Course):
            target, key = courses, loaded.get("id")
        elif isinstance(obj, Module):
            target, key = courses, loaded.get("course_id")
        else:
            target, key = modules, loaded.get("module_id")
        if key is None:
            unknown = True
        else:
            target.add(key)
    return courses, modules, unknown


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, flush_context: Any) -> None:
    courses, modules, unknown = _course_ids_changed(
        chain(session.new, session.dirty, session.deleted)
    )
    if not (courses or modules or unknown):
        return
    statement = update(_courses).values(content_version=_courses.c.content_version + 1)
    if not unknown:
        condition = _courses.c.id.in_(courses) if courses else None
        if modules:
            of_modules = _courses.c.id.in_(select(Module.course_id).where(Module.id.in_(modules)))
            condition = of_modules if condition is None else condition | of_modules
        statement = statement.where(condition)
    session.connection().execute(statement)
    session.info["nttlearn_bumped"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_bumped(session: Session, flush_context: Any) -> None:
    """The content_version of Course objects in this session is now stale: reload it when read."""
    if not session.info.pop("nttlearn_bumped", False):
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Course) and obj not in session.deleted:
            session.expire(obj, ["content_version"])


@event.listens_for(Session, "do_orm_execute")
def _bump_after_bulk_statement(state: ORMExecuteState) -> Any:
    """``session.execute(insert(Lesson), rows)`` and other bulk statements bypass the flush:
    after one on a content table, every course's version is bumped (imports and retirements are
    rare; the next page of each course rebuilds its structure)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, CONTENT_MODELS):
        return None
    result = state.invoke_statement()
    state.session.connection().execute(
        update(_courses).values(content_version=_courses.c.content_version + 1)
    )
    for obj in list(state.session.identity_map.values()):
        if isinstance(obj, Course):
            state.session.expire(obj, ["content_version"])
    return result
