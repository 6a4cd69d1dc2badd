"""Fixtures for the certificates plugin's tests that need the app and a database.

The ``app``, ``client``, ``make_user``, ``make_course`` and ``login_as`` fixtures come from
nttlearn's pytest plugin. Here ``app`` is narrowed to this plugin alone, so that another
installed plugin cannot change what these tests see, plus a stand-in that declares the ``quiz``
activity type an assessment: the rule knows quizzes only through that declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from certificate_stand_ins import AssessedActivities
from certificate_test_site import BASE_URL
from flask.testing import FlaskClient

from nttlearn import db
from nttlearn.learn.services import complete_activity, enrol
from nttlearn.models import Activity, Course, Module, User
from nttlearn.testing import login
from nttlearn_certificates.rules import save_certificate_enabled


@pytest.fixture
def app_config():
    return {
        "BASE_URL": BASE_URL,
        "ORGANISATION_NAME": "SERN – Sweden-Emilia-Romagna Network",
        "ORGANISATION_URL": "https://www.sern.eu",
    }


@pytest.fixture
def app_plugins():
    return ["certificates", AssessedActivities()]


@pytest.fixture
def instance(app) -> Path:
    return Path(app.instance_path)


@pytest.fixture
def client_for(app) -> Callable[[User], FlaskClient]:
    """A separate logged-in browser per person: ``client_for(user)``."""

    def make(user: User) -> FlaskClient:
        browser = app.test_client()
        assert login(browser, user).status_code == 302
        return browser

    return make


@pytest.fixture
def quiz_course(make_course, make_user) -> Callable[..., Course]:
    """A published course whose only requirement is one quiz (so one call completes it)."""

    def make(trainer: User | None = None, certificate: bool = True, **fields) -> Course:
        fields.setdefault("title", "Designing a network of twinned towns")
        fields.setdefault(
            "outcomes",
            [
                "Analyse local needs with partners in Luleå",
                "Draft a network proposal with the Città di Bologna",
            ],
        )
        fields.setdefault("hours", 28)
        course = make_course(
            modules=1,
            lessons=0,
            trainer=trainer or make_user(role="trainer"),
            activities=[(0, "quiz", True)],
            **fields,
        )
        if not certificate:  # the plugin's course setting, as the course form saves it
            save_certificate_enabled(course.id, False)
            db.session.commit()
        return course

    return make


def first_quiz(course: Course) -> Activity:
    return (
        db.session.execute(db.select(Activity).join(Module).where(Module.course_id == course.id))
        .scalars()
        .first()
    )


@pytest.fixture
def quiz_of() -> Callable[[Course], Activity]:
    """The quiz a ``quiz_course`` asks for: ``quiz_of(course)``."""
    return first_quiz


@pytest.fixture
def complete(app) -> Callable[..., None]:
    """Enrol a learner and complete the course's quiz (with ``score``), then commit."""

    def do(learner: User, course: Course, score: float = 100.0, cohort: str = "") -> None:
        enrol(learner.id, course, cohort=cohort, by_staff=True)
        complete_activity(learner.id, first_quiz(course), score=score)
        db.session.commit()

    return do


@pytest.fixture
def cli(app):
    """Run ``nttlearn`` with arguments: ``cli("certificates", "verify", code)``."""
    from nttlearn.cli import main

    runner = app.test_cli_runner()

    def run(*args: str):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        db.session.expire_all()  # the command committed in a session of its own
        return result

    return run
