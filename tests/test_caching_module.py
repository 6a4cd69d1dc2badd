"""One caching module (issue 17): per-worker LRU caches on cachetools, one per app and name, and
a request cache that drops itself when the request ends."""

from __future__ import annotations

from flask import g

from nttlearn.caching import WORKER_CACHES, WorkerCache, request_cache, worker_cache


def test_a_worker_cache_forgets_the_least_recently_used_entry_first():
    cache = WorkerCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert cache.get_or_make("b", lambda: 20) == 20 and cache.get_or_make("b", lambda: 200) == 20


def test_each_app_has_its_own_caches_of_the_listed_sizes(app, app_factory):
    other = app_factory()
    mine = worker_cache("structure", app)
    mine.put("key", "value")

    assert worker_cache("structure", app) is mine
    assert worker_cache("structure", other).get("key") is None
    assert set(WORKER_CACHES) >= {
        "structure",
        "lesson_html",
        "outline_sidebar",
        "release_rules",
        "translation_coverage",
        "csrf_tokens",
    }


def test_the_request_cache_is_dropped_when_the_request_ends(app, make_user, login_as):
    client = login_as(make_user())
    with app.test_request_context("/"):
        request_cache()["probe"] = "this request"
        assert request_cache()["probe"] == "this request"
        app.do_teardown_request()
        assert "probe" not in request_cache()

    assert client.get("/dashboard").status_code == 200  # fills it: plugin switches, translations…
    assert "nttlearn_request_cache" not in g.__dict__  # the test's app context outlives the request


def test_outside_an_app_context_the_request_cache_keeps_nothing():
    request_cache()["x"] = 1

    assert request_cache() == {}
