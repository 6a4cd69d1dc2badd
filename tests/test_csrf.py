"""With CSRF protection on (as in production), no state-changing request passes without a token."""

from __future__ import annotations

import pytest
from core_helpers import csrf_token, walk_plugins
from flask import url_for
from route_table import build_world, rows_by_key
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from nttlearn.auth.permissions import PERMISSION_ATTRIBUTE
from nttlearn.testing import TEST_PASSWORD


@pytest.fixture
def protected_app(app_factory):
    app = app_factory(config={"WTF_CSRF_ENABLED": True}, plugins=walk_plugins())
    with app.app_context():
        yield app


def login_with_token(client, user):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )


def placeholder_args(rule) -> dict:
    """Arguments that match ``rule`` (the token is checked before the view looks them up)."""
    args = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            args[name] = sorted(converter.items)[0]
        else:
            args[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    return args


def post_urls(app, world) -> dict[str, tuple[str, dict]]:
    """Every POST route of the url map, with real arguments where the route table has them."""
    rows = rows_by_key()
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            # The REST API takes a bearer token, never the session cookie, so there is nothing to
            # forge: its views are exempt (tests/test_rest_api.py shows a session gets 401).
            if str(getattr(app.view_functions[rule.endpoint], PERMISSION_ATTRIBUTE, "")).startswith(
                "token:"
            ):
                continue
            if "POST" in rule.methods:
                row = rows.get((rule.endpoint, "POST"))
                args, data = (
                    (row.args(world), row.data(world)) if row else (placeholder_args(rule), {})
                )
                urls[rule.endpoint] = (url_for(rule.endpoint, **args), data)
    return urls


@pytest.mark.parametrize("visitor", ["anonymous", "admin"])
def test_every_post_route_refuses_a_request_without_a_token(
    protected_app, make_user, make_course, visitor
):
    world = build_world(protected_app, make_user, make_course)
    client = protected_app.test_client()
    if visitor == "admin":
        assert login_with_token(client, world.admin).status_code == 302

    answers = {
        endpoint: client.post(url, data=data).status_code
        for endpoint, (url, data) in post_urls(protected_app, world).items()
    }

    assert answers and set(answers.values()) == {400}, {
        e: s for e, s in answers.items() if s != 400
    }


def test_a_refused_request_explains_what_happened(protected_app, make_user):
    response = protected_app.test_client().post(
        "/login", data={"email": "x@example.org", "password": "x"}
    )

    assert response.status_code == 400
    assert "Your form expired or was sent from another site" in response.get_data(as_text=True)


def test_login_form_works_with_its_token(protected_app, make_user):
    learner = make_user(name="Token Holder")
    client = protected_app.test_client()

    response = login_with_token(client, learner)

    assert response.status_code == 302
    assert "Welcome, Token Holder" in client.get("/dashboard").get_data(as_text=True)


def test_a_token_from_another_session_is_refused(protected_app, make_user):
    learner = make_user()
    stranger = protected_app.test_client()
    foreign_token = csrf_token(stranger.get("/login").get_data(as_text=True))

    response = protected_app.test_client().post(
        "/login",
        data={"email": learner.email, "password": TEST_PASSWORD, "csrf_token": foreign_token},
    )

    assert response.status_code == 400
