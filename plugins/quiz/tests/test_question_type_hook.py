"""Another plugin adds a question type through ``nttlearn_quiz_question_types``; a quiz uses it
like a built-in one: in the bank's editor, on the attempt page, in grading."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markupsafe import Markup, escape
from quiz_helpers import attempt_row, enrol, page_form, start

from nttlearn import db, hookimpl
from nttlearn.models import Activity, Module
from nttlearn_quiz import bank
from nttlearn_quiz.grading import Grade, QuestionType
from nttlearn_quiz.models import Category, Question
from nttlearn_quiz.quizzes import add_questions, ensure_quiz


class Ordering(QuestionType):
    """Put the items in order: full marks for the right order, nothing otherwise."""

    key = "ordering"
    label = "Ordering"

    def grade(self, question_data, response) -> Grade:
        return Grade(1.0 if response == question_data["items"] else 0.0)

    def shuffle(self, question_data, rng: random.Random):
        order = list(range(len(question_data["items"])))
        rng.shuffle(order)
        return order

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        items = data.get("items")
        return (
            []
            if isinstance(items, list) and len(items) >= 2
            else ["an ordering question needs two items"]
        )

    def render_input(self, question_data, response, name, choice_order) -> Markup:
        items = [
            question_data["items"][i] for i in choice_order or range(len(question_data["items"]))
        ]
        rows = Markup("").join(
            Markup('<li><label>{} <input type="number" name="{}-{}" min="1"></label></li>').format(
                escape(item), name, n
            )
            for n, item in enumerate(items)
        )
        return Markup('<ol class="ordering">{}</ol>').format(rows)

    def read_response(self, question_data, form, name, choice_order) -> Any:
        items = [
            question_data["items"][i] for i in choice_order or range(len(question_data["items"]))
        ]
        ranks = [(form.get(f"{name}-{n}", ""), item) for n, item in enumerate(items)]
        if not all(rank.isdigit() for rank, _item in ranks):
            return None
        return [item for _rank, item in sorted(ranks, key=lambda r: int(r[0]))]


class OrderingPlugin:
    """A partner's plugin adding one question type."""

    name = "ordering_questions"

    @staticmethod
    @hookimpl
    def nttlearn_quiz_question_types():
        return [Ordering]


@pytest.fixture
def app_plugins():
    # The quiz plugin first: it declares the hook the partner's plugin implements.
    return ["quiz", OrderingPlugin()]


PHASES = ["Identification", "Formulation", "Implementation"]


def test_a_question_type_from_another_plugin_is_written_answered_and_graded(
    app, make_user, make_course, client_for
):
    trainer, learner = make_user(role="trainer"), make_user()
    course = make_course(modules=1, lessons=1, trainer=trainer, activities=[(0, "quiz", True)])
    enrol(learner, course)
    browser = client_for(trainer)
    assert "Ordering" in browser.get(f"/quiz/course/{course.id}/questions/new").get_data(
        as_text=True
    )
    category = bank.ensure_category(course.id, ["Cycle"])
    db.session.commit()

    created = browser.post(
        f"/quiz/course/{course.id}/questions/new?type=ordering",
        data={
            "category": category.id,
            "name": "Phases",
            "text": "Put the phases in order.",
            "format": "moodle",
            "type_json": '{"items": ["Identification", "Formulation", "Implementation"]}',
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    question = db.session.execute(db.select(Question).filter_by(name="Phases")).scalar_one()
    assert question.qtype == "ordering"
    activity = db.session.execute(
        db.select(Activity).join(Module).where(Module.course_id == course.id)
    ).scalar_one()
    add_questions(ensure_quiz(activity), [question.id])
    db.session.commit()

    attempt_id, html = start(client_for(learner), activity.id)
    assert '<ol class="ordering">' in html
    shown = [item for item in PHASES if item in html]
    positions = sorted(PHASES, key=html.index)
    ranks = {f"q1-{n}": str(PHASES.index(item) + 1) for n, item in enumerate(positions)}
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, **ranks))

    assert len(shown) == 3
    assert attempt_row(attempt_id).percent == 100.0


def test_the_type_checks_its_own_settings(app, make_user, make_course, client_for):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    category = bank.ensure_category(course.id, ["Cycle"])
    db.session.commit()
    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/questions/new?type=ordering",
        data={
            "category": category.id,
            "name": "Phases",
            "text": "Order?",
            "format": "moodle",
            "type_json": '{"items": []}',
        },
    )
    assert response.status_code == 400
    assert "an ordering question needs two items" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Category.id))).scalar_one() == 1


def test_without_the_plugin_the_type_is_unknown(app_factory):
    app = app_factory(plugins=["quiz"])
    with app.app_context():
        from nttlearn_quiz.registry import question_types

        assert "ordering" not in question_types()
        assert "multichoice" in question_types()


def test_the_partners_plugin_may_be_loaded_before_the_quiz_plugin(app_factory):
    app = app_factory(plugins=[OrderingPlugin(), "quiz"])
    with app.app_context():
        from nttlearn_quiz.registry import question_types

        assert question_types()["ordering"] is Ordering
