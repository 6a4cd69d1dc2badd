"""Attempt counting for login rate limits: in memory (one process) and in Redis (all workers)."""

import uuid

import pytest
from core_helpers import redis_url_or_skip

from nttlearn.ratelimit import RateLimiter

_redis_or_skip = redis_url_or_skip


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request):
    url = _redis_or_skip() if request.param == "redis" else None
    prefix = f"test-{uuid.uuid4().hex}"

    def make(limit: int, window: int = 60) -> RateLimiter:
        return RateLimiter(limit, window, url, prefix=prefix)

    return make


def test_a_key_is_blocked_once_it_reaches_the_limit(make_limiter):
    limiter = make_limiter(3)
    for _ in range(2):
        limiter.hit("asa@example.org")
    assert not limiter.blocked("asa@example.org")
    limiter.hit("asa@example.org")
    assert limiter.blocked("asa@example.org")


def test_one_key_reaching_the_limit_does_not_block_another(make_limiter):
    limiter = make_limiter(1)
    limiter.hit("asa@example.org")
    assert limiter.blocked("asa@example.org")
    assert not limiter.blocked("giulia@example.org")


def test_reset_unblocks_a_key(make_limiter):
    limiter = make_limiter(1)
    limiter.hit("asa@example.org")
    limiter.reset("asa@example.org")
    assert not limiter.blocked("asa@example.org")


def test_workers_sharing_redis_count_together():
    url = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    worker_a, worker_b = (
        RateLimiter(2, 60, url, prefix=prefix),
        RateLimiter(2, 60, url, prefix=prefix),
    )
    worker_a.hit("198.51.100.7")
    worker_b.hit("198.51.100.7")
    assert worker_a.blocked("198.51.100.7") and worker_b.blocked("198.51.100.7")


def test_redis_counts_expire_with_the_window():
    import redis

    url = _redis_or_skip()
    limiter = RateLimiter(5, 30, url, prefix=f"test-{uuid.uuid4().hex}")
    limiter.hit("asa@example.org")
    ttl = redis.Redis.from_url(url).ttl(limiter._key("asa@example.org"))
    assert 0 < ttl <= 30
