"""A real server for the assignment browser test: gunicorn (two workers) on 127.0.0.1 serving a
fresh instance made by ``nttlearn init`` and ``nttlearn demo`` (the shipped main course with its
problem-tree assignment, the demo officials); Debian's chromium driven by Playwright, a fresh
context per page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nttlearn.testing import LiveServer, live_server

PASSWORDS = {"learner@example.org": "learner-demo-2010", "trainer@example.org": "trainer-demo-2010",
             "admin@example.org": "admin-demo-2010"}


@pytest.fixture(scope="session", name="live_server")
def assignment_server(tmp_path_factory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("assignment-e2e"), [["init"], ["demo"]]) as server:
        yield server


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
