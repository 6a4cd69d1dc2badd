"""Fixtures for the assignment plugin's tests: an app with this plugin alone, and a course with
one assignment built from its ``module.yaml`` settings exactly as a course package builds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from nttlearn.api import Activity, Enrolment, Module, db
from nttlearn_assignment.activity import import_definition
from nttlearn_assignment.models import Assignment
from nttlearn_assignment.plugin import HERE

TRANSLATIONS = HERE / "translations"


@pytest.fixture
def app(app_factory) -> Iterator[Flask]:
    app = app_factory(plugins=["assignment"])
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def make_assignment(app, make_course, make_user, tmp_path) -> Callable[..., SimpleNamespace]:
    """``make_assignment(**settings)``: a course with a trainer, an enrolled learner and one
    assignment with ``settings`` as in module.yaml."""

    def make(**settings: Any) -> SimpleNamespace:
        trainer = make_user(role="trainer", name="Tina Trainer")
        learner = make_user(name="Lauri Learner")
        course = make_course(
            modules=1, lessons=1, trainer=trainer, activities=[(0, "assignment", True)]
        )
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        activity = (
            db.session.execute(
                db.select(Activity)
                .join(Module)
                .where(Module.course_id == course.id, Activity.type_key == "assignment")
            )
            .scalars()
            .one()
        )
        activity.title = "Your problem tree"
        import_definition(
            activity, {"instructions": "Draw **your** problem tree.", **settings}, tmp_path
        )
        db.session.commit()
        return SimpleNamespace(
            course=course,
            activity=activity,
            trainer=trainer,
            learner=learner,
            assignment=db.session.get(Assignment, activity.id),
        )

    return make


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The catalogues compiled to ``.mo`` (as ``python -m nttlearn.i18n compile`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/assignment.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
    return TRANSLATIONS
