"""The quiz's report panel and the course report count the same people: the learners enrolled
in the course now. A trainer trying the quiz out, or a learner who has left, is in neither."""

from __future__ import annotations

import pytest
from quiz_helpers import choice_position, enrol, page_form, slot_of, start

from nttlearn import db
from nttlearn.learn.services import unenrol
from nttlearn_evaluation.filters import LearnerFilters
from nttlearn_evaluation.monitoring import course_report
from nttlearn_quiz.analysis import course_quizzes

ONE_QUESTION = "::Coordinator::Which organisation coordinated NTT+?{=SERN ~Eurocities}\n"


@pytest.fixture
def app_plugins():
    return ["quiz", "evaluation"]


def take(browser, activity_id: int, answer: str) -> None:
    attempt_id, html = start(browser, activity_id)
    slot = slot_of(attempt_id, "Coordinator")
    response = browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, **{f"q{slot}": choice_position(html, slot, answer)}),
    )
    assert response.status_code == 302


def test_the_quiz_panel_s_passes_are_the_course_report_s_completions(
    make_quiz, make_user, client_for
):
    made = make_quiz(gift=ONE_QUESTION, pass_mark=50)
    passes, fails, leaves = make_user(), make_user(), make_user()
    for person in (passes, fails, leaves):
        enrol(person, made.course)
    take(client_for(passes), made.activity.id, "SERN")
    take(client_for(fails), made.activity.id, "Eurocities")
    take(client_for(leaves), made.activity.id, "SERN")
    take(client_for(made.trainer), made.activity.id, "SERN")  # trying it out, not enrolled
    unenrol(leaves.id, made.course)
    db.session.commit()

    [panel] = course_quizzes(made.course.id)
    [quiz_row] = [
        a for a in course_report(made.course, LearnerFilters()).activities if a.type_key == "quiz"
    ]

    assert (panel.attempts, panel.learners, panel.passed) == (2, 2, 1)
    assert quiz_row.completed == panel.passed == 1
    assert panel.mean == 50.0  # of 100 and 0: the two enrolled learners
