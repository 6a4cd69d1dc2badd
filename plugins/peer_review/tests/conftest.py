"""Fixtures for the peer-review plugin's tests: an app with this plugin alone, a course whose
proposal activity is imported from a definition exactly as a course package imports it,
officials from Italy, Sweden, Spain and Finland enrolled in it, and a browser per user."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from nttlearn import db
from nttlearn.models import Activity, Enrolment, Module
from nttlearn_peer_review.activity import import_definition
from nttlearn_peer_review.services import settings_for

OFFICIALS = [
    ("Giulia Rossi", "Comune di Bologna", "IT"),
    ("Marco Bianchi", "Comune di Ferrara", "IT"),
    ("Åsa Lindqvist", "Luleå kommun", "SE"),
    ("Erik Nilsson", "Umeå kommun", "SE"),
    ("Lucía Fernández", "Concello da Coruña", "ES"),
    ("Xoán Rodríguez", "Concello de Vigo", "ES"),
    ("Aino Virtanen", "Helsingin kaupunki", "FI"),
    ("Mikko Korhonen", "Jyväskylän kaupunki", "FI"),
]


@pytest.fixture
def app_plugins():
    return ["peer_review"]


@pytest.fixture
def make_capstone(app, make_course, make_user, tmp_path) -> Callable[..., SimpleNamespace]:
    """A course with a trainer, a proposal activity imported from ``definition`` and the eight
    officials enrolled: ``make_capstone(**definition)`` → ``.course .activity .trainer
    .officials .settings``."""

    def make(**definition: Any) -> SimpleNamespace:
        trainer = make_user(role="trainer", name="Paolo Trainer")
        course = make_course(
            modules=1, lessons=1, trainer=trainer, activities=[(0, "proposal", True)]
        )
        activity = db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(Module.course_id == course.id, Activity.type_key == "proposal")
        ).scalar_one()
        import_definition(activity, definition, tmp_path)
        officials = []
        for name, org, country in OFFICIALS:
            user = make_user(name=name, org=org, country=country)
            db.session.add(Enrolment(user_id=user.id, course_id=course.id))
            officials.append(user)
        db.session.commit()
        return SimpleNamespace(
            course=course,
            activity=activity,
            trainer=trainer,
            officials=officials,
            settings=settings_for(activity),
        )

    return make
