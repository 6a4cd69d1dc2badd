"""Browser tests of the peer-review plugin against a real server, as the core's e2e tests run.

One gunicorn serves a fresh instance folder prepared by ``nttlearn init``, ``nttlearn demo`` and
``nttlearn peer_review demo --stage review`` (two cross-country teams have submitted, reviews
are open). Debian's chromium drives it through Playwright; each test gets a fresh browser
context (no cookies), the server and its database are shared by the session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from nttlearn.testing import LiveServer, live_server, run_nttlearn

LEARNER_PASSWORD = "learner-demo-2010"


@dataclass
class CapstoneServer(LiveServer):
    """The live server and what ``nttlearn peer_review demo --json`` made on it."""

    capstone: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="session", name="live_server")
def capstone_server(tmp_path_factory) -> Iterator[CapstoneServer]:
    capstone: dict[str, Any] = {}

    def prepare(env: dict[str, str]) -> None:
        run_nttlearn(env, "init")
        run_nttlearn(env, "demo")
        capstone.update(
            json.loads(run_nttlearn(env, "peer_review", "demo", "--stage", "review", "--json"))
        )

    with live_server(tmp_path_factory.mktemp("peer-review-e2e"), prepare) as server:
        yield CapstoneServer(**vars(server), capstone=capstone)


@pytest.fixture(scope="session")
def browser(e2e_browser):
    return e2e_browser


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()``: a page in a fresh context (no cookies), English UI."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    from playwright.sync_api import expect

    def submit(page, email: str, password: str = LEARNER_PASSWORD) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.locator("form:has(#password) [type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()
        # Demo officials prefer their own languages; the assertions read the English interface.
        if page.locator("html").get_attribute("lang") != "en":
            page.locator("#language-select").select_option("en")
            expect(page.locator("html")).to_have_attribute("lang", "en")

    return submit
