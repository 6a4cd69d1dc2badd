"""Behind nginx the visitor's address comes from X-Forwarded-For, and only when configured."""

from __future__ import annotations

from flask import request

from nttlearn.auth import public


def _address_seen(app, headers: dict[str, str]) -> str:
    @app.route("/_remote-addr")
    @public
    def remote_addr() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return (
        app.test_client()
        .get("/_remote-addr", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        .get_data(as_text=True)
    )


def test_behind_one_proxy_the_visitors_address_and_scheme_come_from_its_headers(app_factory):
    app = app_factory({"PROXY_COUNT": 1})

    seen = _address_seen(app, {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})

    assert seen == "203.0.113.7 https"


def test_without_a_configured_proxy_forwarded_headers_are_ignored(app_factory):
    app = app_factory()

    seen = _address_seen(app, {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})

    assert seen == "127.0.0.1 http"
