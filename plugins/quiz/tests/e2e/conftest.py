"""A real server for the quiz's browser test: gunicorn (two workers) on 127.0.0.1 serving a fresh
instance made by ``nttlearn init`` (the shipped courses, their quizzes included) with one
enrolled learner; Debian's chromium driven by Playwright, a fresh context per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nttlearn.testing import LiveServer, live_server

LEARNER = ("quiz-learner@example.org", "harbour-lantern-quietly-2010")
COURSE = "designing-twinned-town-networks"


@pytest.fixture(scope="session")
def quiz_server(tmp_path_factory) -> Iterator[LiveServer]:
    prepare = [
        ["init"],
        ["users", "create", LEARNER[0], "--name", "Quiz Learner", "--password", LEARNER[1]],
        ["users", "enrol", LEARNER[0], COURSE],
    ]
    with live_server(tmp_path_factory.mktemp("quiz-e2e-instance"), prepare) as server:
        yield server


@pytest.fixture
def learner_account() -> tuple[str, str, str]:
    """(e-mail, password, course slug) of the learner the server was prepared with."""
    return (*LEARNER, COURSE)


@pytest.fixture(scope="session")
def chromium(e2e_browser):
    return e2e_browser


@pytest.fixture
def context(chromium, quiz_server):
    """A fresh browser context (its own cookies), English, on the quiz server."""
    context = chromium.new_context(base_url=quiz_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context
    context.close()
