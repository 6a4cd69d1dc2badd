"""Caches each worker process keeps in memory, one set per app.

Values are immutable and keyed by what makes them true (a course's ``content_version``, a
session's token), so a stale entry is never read: it is only not asked for any more, and the
least recently used entries make room for new ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app

T = TypeVar("T")


_ABSENT = object()


class BoundedCache:
    """A small thread-safe LRU map; ``get_or_make`` builds a missing value outside the lock (two
    threads may both build it; either copy is right)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
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
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return default

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def app_cache(name: str, size: int, app: Flask | None = None) -> BoundedCache:
    """The app's cache called ``name`` (one per app: tests run many apps on many databases)."""
    caches = (app or current_app).extensions.setdefault("nttlearn_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, BoundedCache(size))
    return cache
