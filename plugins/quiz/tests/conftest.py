"""Fixtures for the quiz plugin's tests: an app with the quiz plugin alone, a course with a quiz
built from GIFT text exactly as a course package builds it, and a browser per user."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from nttlearn import db
from nttlearn.models import Activity, Module
from nttlearn_quiz.activity import import_definition
from nttlearn_quiz.models import Quiz

SAMPLE_GIFT = """$CATEGORY: Networks

::Coordinator::Which organisation coordinated NTT+?{
=SERN#Right: the Sweden-Emilia-Romagna Network.
~Eurocities#No, SERN coordinated it.
~CEMR#No.
####SERN coordinated the project.
}

::Year::NTT+ ran in 2010.{T#Check the dates.#Yes, January to November 2010.}

::Partners::How many countries took part?{#4:0#Right, Italy, Sweden, Spain and Finland.}
"""


@pytest.fixture
def app_plugins():
    return ["quiz"]


@pytest.fixture
def make_quiz(app, make_course, make_user, tmp_path) -> Callable[..., SimpleNamespace]:
    """A course with a trainer and one quiz built from GIFT text and package settings:
    ``make_quiz(gift=SAMPLE_GIFT, **settings)`` (settings as in module.yaml)."""
    counter = {"n": 0}

    def make(
        gift: str = SAMPLE_GIFT, course=None, trainer=None, **settings: Any
    ) -> SimpleNamespace:
        counter["n"] += 1
        if course is None:
            trainer = trainer or make_user(role="trainer")
            course = make_course(
                modules=1, lessons=1, trainer=trainer, activities=[(0, "quiz", True)]
            )
        activity = (
            db.session.execute(
                db.select(Activity)
                .join(Module)
                .where(Module.course_id == course.id, Activity.type_key == "quiz")
                .order_by(Activity.id)
            )
            .scalars()
            .first()
        )
        folder = tmp_path / f"module-{counter['n']}"
        folder.mkdir()
        (folder / "quiz.gift").write_text(gift, encoding="utf-8")
        import_definition(activity, {"file": "quiz.gift", **settings}, folder)
        db.session.commit()
        return SimpleNamespace(
            course=course,
            activity=activity,
            trainer=trainer,
            folder=folder,
            quiz=db.session.get(Quiz, activity.id),
        )

    return make


@pytest.fixture
def learner(make_user):
    return make_user(name="Anna Learner")
