"""Redirects that take their target from the request (``next`` after logging in or switching
the language) stay on this site, whatever the target hides: tabs and line breaks that browsers
drop, backslashes they read as slashes, another host."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from nttlearn.request_args import safe_redirect_target
from nttlearn.testing import TEST_PASSWORD, login

OFF_SITE = [
    "/\t/evil.example",  # the tab is dropped: //evil.example
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "http://localhost.evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\r\nSet-Cookie: stolen=1",
    "/account\r\n",
    "/%0d%0aSet-Cookie:%20stolen=1",
    "/\u202e/evil.example",
    "http://[::1/",
]
ON_SITE = {
    "/account": "/account",
    "/catalogue?q=energy#top": "/catalogue?q=energy#top",
    "http://localhost/account?tab=1": "/account?tab=1",
    "/courses/caf%C3%A9": "/courses/caf%C3%A9",
}


def ids(values):
    return [repr(v) for v in values]


@pytest.mark.parametrize("target", OFF_SITE, ids=ids(OFF_SITE))
def test_logging_in_never_sends_the_person_off_site(client, make_user, target):
    user = make_user()

    response = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"email": user.email, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", OFF_SITE, ids=ids(OFF_SITE))
def test_a_logged_in_person_opening_the_login_page_is_not_sent_off_site(client, make_user, target):
    assert login(client, make_user()).status_code == 302

    response = client.get(f"/login?next={quote(target, safe='')}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", OFF_SITE, ids=ids(OFF_SITE))
def test_switching_the_language_never_sends_the_visitor_off_site(client, target):
    response = client.post("/language", data={"code": "it", "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize(("target", "path"), ON_SITE.items(), ids=list(ON_SITE))
def test_logging_in_sends_the_person_to_the_page_of_this_site_they_asked_for(
    client, make_user, target, path
):
    user = make_user()

    response = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"email": user.email, "password": TEST_PASSWORD},
    )

    assert response.headers["Location"] == path


def test_a_target_is_judged_by_this_request_s_origin(app):
    with app.test_request_context("/", base_url="https://learn.example.org"):
        assert safe_redirect_target("https://learn.example.org/account") == "/account"
        assert safe_redirect_target("http://learn.example.org/account") is None
        assert safe_redirect_target("https://learn.example.org:8443/account") is None
