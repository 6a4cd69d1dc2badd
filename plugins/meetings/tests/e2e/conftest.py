"""A real server for the meetings browser test: gunicorn (two workers) on 127.0.0.1 serving a
fresh instance made by ``nttlearn init`` and ``nttlearn demo`` (the run's shared demo server) (the demo officials, NTT+'s
meetings); Debian's chromium driven by Playwright, a fresh context per page."""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer

PASSWORDS = {"learner@example.org": "learner-demo-2010", "trainer@example.org": "trainer-demo-2010",
             "admin@example.org": "admin-demo-2010"}


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    """The run's demo server (``nttlearn.testing.demo_server``), shared with the core's browser tests."""
    return demo_server


@pytest.fixture
def new_page(e2e_browser, live_server):
    """``new_page(width=1280, height=900)``: a page in a fresh context (no cookies), English UI."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = e2e_browser.new_context(base_url=live_server.url, locale="en-GB",
                                          viewport={"width": width, "height": height})
        context.set_default_timeout(30_000)  # a shared, busy machine: be patient
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    from playwright.sync_api import expect

    def submit(page, email: str) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(PASSWORDS[email])
        page.locator("form:has(#password) [type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()

    return submit
