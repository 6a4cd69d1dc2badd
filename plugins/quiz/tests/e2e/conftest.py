"""A real server for the quiz's browser test: the run's demo server (gunicorn, two workers, on
127.0.0.1: ``nttlearn init`` and ``nttlearn demo``, the shipped quizzes included) with one enrolled
learner of its own; Debian's chromium driven by Playwright, a fresh context per test."""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer

LEARNER = ("quiz-learner@example.org", "harbour-lantern-quietly-2010")
COURSE = "designing-twinned-town-networks"


@pytest.fixture(scope="session")
def quiz_server(demo_server) -> LiveServer:
    """The run's demo server (shipped courses and their quizzes), with a learner of this test's own
    enrolled in the main course."""
    for args in (
        ["users", "create", LEARNER[0], "--name", "Quiz Learner", "--password", LEARNER[1]],
        ["users", "enrol", LEARNER[0], COURSE],
    ):
        result = demo_server.cli(*args)
        assert result.returncode == 0, result.stderr
    return demo_server


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
