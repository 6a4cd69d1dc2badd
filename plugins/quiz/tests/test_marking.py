"""Grading beyond the automatic: essays graded by hand, regrading after a question is fixed,
overrides, reopened attempts, grading methods and when the activity counts as complete."""

from __future__ import annotations

import pytest
from quiz_helpers import (
    answers,
    attempt_row,
    choice_position,
    enrol,
    events,
    page_form,
    slot_of,
    start,
)

from nttlearn import db
from nttlearn.models import ActivityCompletion
from nttlearn_quiz import grades
from nttlearn_quiz.models import Attempt, AttemptAnswer, Question, QuestionVersion

ESSAY_GIFT = """::Coordinator::Which organisation coordinated NTT+?{=SERN ~Eurocities}

::Needs::Describe one need of your town that a network could answer.{}
"""


def completion(user, activity):
    db.session.expire_all()
    return db.session.execute(
        db.select(ActivityCompletion).filter_by(user_id=user.id, activity_id=activity.id)
    ).scalar()


def test_an_essay_waits_in_the_grading_queue_then_completes_the_grade(
    make_quiz, learner, client_for
):
    quiz = make_quiz(gift=ESSAY_GIFT, pass_mark=50)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    needs = slot_of(attempt_id, "Needs")
    browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, **{f"q{needs}": "Youth unemployment in the valley."}),
    )

    [submitted] = events("quiz.attempt_submitted")
    assert submitted.data["score"] is None and submitted.data["passed"] is None
    assert completion(learner, quiz.activity) is None
    review = browser.get(f"/quiz/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "Waiting for a trainer to grade the essays." in review

    trainer = client_for(quiz.trainer)
    queue = trainer.get(f"/quiz/{quiz.activity.id}/grading").get_data(as_text=True)
    answer_id = answers(attempt_id)[needs].id
    assert f"/quiz/answer/{answer_id}/grade" in queue
    assert "Youth unemployment in the valley." in trainer.get(
        f"/quiz/answer/{answer_id}/grade"
    ).get_data(as_text=True)
    response = trainer.post(
        f"/quiz/answer/{answer_id}/grade", data={"mark": "1", "comment": "Clear and local."}
    )

    assert response.status_code == 302
    [graded] = events("quiz.attempt_graded")
    assert graded.data == {
        "activity_id": quiz.activity.id,
        "attempt_id": attempt_id,
        "score": 50.0,
        "passed": True,
    }
    assert completion(learner, quiz.activity).score == 50.0
    review = browser.get(f"/quiz/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "Clear and local." in review and "50%" in review
    assert "No essay is waiting" in trainer.get(f"/quiz/{quiz.activity.id}/grading").get_data(
        as_text=True
    )


def test_a_mark_above_the_questions_mark_is_refused(make_quiz, learner, client_for):
    quiz = make_quiz(gift=ESSAY_GIFT)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    needs = slot_of(attempt_id, "Needs")
    browser.post(
        f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, **{f"q{needs}": "Text."})
    )

    response = client_for(quiz.trainer).post(
        f"/quiz/answer/{answers(attempt_id)[needs].id}/grade", data={"mark": "3"}
    )

    assert response.status_code == 400
    assert "between 0 and 1" in response.get_data(as_text=True)


def test_an_unanswered_essay_needs_no_grader(make_quiz, learner, client_for):
    quiz = make_quiz(gift=ESSAY_GIFT)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    assert attempt_row(attempt_id).percent == 0.0


def test_regrading_after_a_fix_gives_learners_the_marks_they_deserved(
    make_quiz, learner, client_for
):
    # The trainer marked the wrong answer right: learners who chose SERN lost a mark.
    gift = "::Coordinator::Which organisation coordinated NTT+?{~SERN =Eurocities}\n"
    quiz = make_quiz(gift=gift, pass_mark=100)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, q1=choice_position(html, 1, "SERN")),
    )
    assert attempt_row(attempt_id).percent == 0.0
    trainer = client_for(quiz.trainer)
    question = db.session.execute(db.select(Question).filter_by(name="Coordinator")).scalar_one()
    trainer.post(
        f"/quiz/course/{quiz.course.id}/questions/{question.id}/edit",
        data={
            "category": question.category_id,
            "name": "Coordinator",
            "text": "Which organisation coordinated NTT+?",
            "format": "moodle",
            "answers-0-text": "SERN",
            "answers-0-fraction": "100",
            "answers-1-text": "Eurocities",
            "answers-1-fraction": "0",
        },
    )
    db.session.expire_all()
    assert db.session.get(Question, question.id).latest_version == 2  # the used version is kept

    response = trainer.post(
        f"/quiz/{quiz.activity.id}/regrade", data={"to_latest": "y"}, follow_redirects=True
    )

    assert "1 grade(s) changed" in response.get_data(as_text=True)
    assert attempt_row(attempt_id).percent == 100.0
    [regraded] = events("quiz.attempt_regraded")
    assert regraded.data["score"] == 100.0 and regraded.data["passed"] is True
    assert completion(learner, quiz.activity).score == 100.0
    version = db.session.execute(
        db.select(QuestionVersion.number).join(
            AttemptAnswer, AttemptAnswer.question_version_id == QuestionVersion.id
        )
    ).scalar_one()
    assert version == 2


def test_editing_a_used_question_keeps_the_attempts_version(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    question = db.session.execute(db.select(Question).filter_by(name="Year")).scalar_one()
    client_for(quiz.trainer).post(
        f"/quiz/course/{quiz.course.id}/questions/{question.id}/edit",
        data={
            "category": question.category_id,
            "name": "Year",
            "text": "NTT+ ended in 2011.",
            "format": "moodle",
            "correct": "false",
        },
    )

    review = browser.get(f"/quiz/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "NTT+ ran in 2010." in review and "NTT+ ended in 2011." not in review
    second_id, html = start(browser, quiz.activity.id)
    assert "NTT+ ended in 2011." in html


def test_an_override_wins_over_the_attempts(make_quiz, learner, client_for):
    quiz = make_quiz(pass_mark=80)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    assert completion(learner, quiz.activity) is None

    client_for(quiz.trainer).post(
        f"/quiz/{quiz.activity.id}/override",
        data={"user_id": learner.id, "grade": "90", "comment": "Oral exam instead."},
    )

    assert grades.grade_row(quiz.activity.id, learner.id).effective == 90
    assert completion(learner, quiz.activity).score == 90
    assert "Your grade: 90%" in browser.get(f"/quiz/{quiz.activity.id}").get_data(as_text=True)


def test_a_reopened_attempt_can_be_changed_and_submitted_again(make_quiz, learner, client_for):
    quiz = make_quiz(attempts=1)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))

    assert client_for(quiz.trainer).post(f"/quiz/attempt/{attempt_id}/reopen").status_code == 302

    assert attempt_row(attempt_id).state == "in_progress"
    _same, html = start(browser, quiz.activity.id)
    assert _same == attempt_id
    browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, **{f"q{slot_of(attempt_id, 'Year')}": "true"}),
    )
    assert attempt_row(attempt_id).percent == pytest.approx(100 / 3)
    assert [e.data["score"] for e in events("quiz.attempt_submitted")] == [
        0.0,
        pytest.approx(100 / 3),
    ]


@pytest.mark.parametrize(
    "method,expected", [("highest", 100.0), ("average", 50.0), ("first", 0.0), ("last", 100.0)]
)
def test_grading_methods(make_quiz, learner, client_for, method, expected):
    quiz = make_quiz(gift="::Year::NTT+ ran in 2010.{T}\n", grading_method=method, attempts=0)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    for answer in ("false", "true"):
        attempt_id, html = start(browser, quiz.activity.id)
        browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, q1=answer))
    assert grades.grade_row(quiz.activity.id, learner.id).effective == expected


def test_completion_on_attempt_does_not_need_a_pass(make_quiz, learner, client_for):
    quiz = make_quiz(pass_mark=90, completion="attempt")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    assert completion(learner, quiz.activity).score == 0.0


def test_completion_on_pass_waits_for_the_pass_mark(make_quiz, learner, client_for):
    quiz = make_quiz(gift="::Year::NTT+ ran in 2010.{T}\n", pass_mark=60)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    first_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{first_id}/submit", data=page_form(html, q1="false"))
    assert completion(learner, quiz.activity) is None
    second_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{second_id}/submit", data=page_form(html, q1="true"))
    assert completion(learner, quiz.activity).score == 100.0
    assert [e.data["passed"] for e in events("quiz.attempt_submitted")] == [False, True]


def test_each_new_quiz_grade_is_announced_as_the_core_s_activity_graded(
    make_quiz, learner, client_for
):
    quiz = make_quiz(
        gift="::Year::NTT+ ran in 2010.{T}\n", pass_mark=60
    )  # graded by the highest attempt
    enrol(learner, quiz.course)
    browser = client_for(learner)
    for answer in ("false", "true", "false"):
        attempt_id, html = start(browser, quiz.activity.id)
        browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, q1=answer))

    graded = events("activity.graded")
    assert [(e.user_id, e.course_id, e.data) for e in graded] == [
        (
            learner.id,
            quiz.course.id,
            {"activity_id": quiz.activity.id, "score": 0.0, "passed": False},
        ),
        (
            learner.id,
            quiz.course.id,
            {"activity_id": quiz.activity.id, "score": 100.0, "passed": True},
        ),
    ]  # the third attempt left the grade at 100: nothing new to announce
    assert graded[1].id > events("activity.completed")[0].id  # after the completion it earned


def test_trainers_see_every_attempt(make_quiz, make_user, client_for):
    quiz = make_quiz()
    anna, bruno = make_user(name="Anna Anders"), make_user(name="Bruno Berg")
    for learner in (anna, bruno):
        enrol(learner, quiz.course)
        attempt_id, html = start(client_for(learner), quiz.activity.id)
        client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    page = client_for(quiz.trainer).get(f"/quiz/{quiz.activity.id}/attempts").get_data(as_text=True)
    assert "Anna Anders" in page and "Bruno Berg" in page
    attempt = db.session.execute(db.select(Attempt).filter_by(user_id=bruno.id)).scalar_one()
    review = (
        client_for(quiz.trainer).get(f"/quiz/attempt/{attempt.id}/review").get_data(as_text=True)
    )
    assert "Bruno Berg" in review and "The right answer is: SERN" in review
