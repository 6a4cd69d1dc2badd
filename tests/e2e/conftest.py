"""Browser tests against the real server.

One gunicorn (two workers, so state that must be shared between processes really is) serves a
fresh instance folder prepared by ``nttlearn init`` and ``nttlearn demo``, exactly as ``make run``
prepares a laptop: ``nttlearn.testing``'s ``demo_server``, which the plugins' browser tests share. Debian's chromium drives it through Playwright; every test gets a fresh
browser context (no cookies), the server and its database are shared by the session.
"""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer

DEMO_PASSWORDS = {
    "learner@example.org": "learner-demo-2010",
    "trainer@example.org": "trainer-demo-2010",
    "admin@example.org": "admin-demo-2010",
}


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    return demo_server


@pytest.fixture(scope="session")
def browser(e2e_browser):
    return e2e_browser


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=1280, height=900)``: a page in a fresh context (no cookies), English UI."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": height},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in():
    """``log_in(page, email, password=None)`` through the login form (demo passwords by default)."""
    from playwright.sync_api import expect

    def submit(page, email: str, password: str | None = None) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password or DEMO_PASSWORDS[email])
        page.locator("form:has(#password) [type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()

    return submit
