"""Counting attempts in a time window: Redis when configured (shared by all workers), else memory."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from flask import Flask, current_app


class RateLimiter:
    """``hit(key)`` counts an attempt; ``blocked(key)`` tells whether the limit is reached."""

    def __init__(
        self, limit: int, window: int, redis_url: str | None = None, prefix: str = "rl"
    ) -> None:
        self.limit, self.window, self.prefix = limit, window, prefix
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)
        self._lock = threading.Lock()
        self._hits: dict[str, list[float]] = defaultdict(list)

    def _key(self, key: str) -> str:
        return f"nttlearn:{self.prefix}:{key}"

    def hit(self, key: str) -> None:
        if self._redis is not None:
            pipe = self._redis.pipeline()
            pipe.incr(self._key(key))
            pipe.expire(self._key(key), self.window, nx=True)
            pipe.execute()
            return
        now = time.monotonic()
        with self._lock:
            hits = [t for t in self._hits[key] if now - t < self.window]
            hits.append(now)
            self._hits[key] = hits

    def blocked(self, key: str) -> bool:
        if self._redis is not None:
            return int(self._redis.get(self._key(key)) or 0) >= self.limit
        now = time.monotonic()
        with self._lock:
            return len([t for t in self._hits.get(key, []) if now - t < self.window]) >= self.limit

    def reset(self, key: str) -> None:
        if self._redis is not None:
            self._redis.delete(self._key(key))
        with self._lock:
            self._hits.pop(key, None)


def limiter(name: str, limit: int, window: int, app: Flask | None = None) -> RateLimiter:
    """The app's limiter called ``name`` (created on first use)."""
    app = app or current_app
    limiters = app.extensions.setdefault("nttlearn_limiters", {})
    if name not in limiters:
        limiters[name] = RateLimiter(limit, window, app.config.get("REDIS_URL"), prefix=name)
    return limiters[name]
