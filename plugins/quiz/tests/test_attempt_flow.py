"""A learner takes a quiz through its pages: start, answer, resume, submit, see the grade,
complete the activity; the events the evaluation plugin reads are recorded once."""

from __future__ import annotations

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
from nttlearn_quiz.models import QuizGrade


def test_learner_answers_resumes_submits_and_sees_the_grade(make_quiz, learner, client_for):
    quiz = make_quiz(pass_mark=60, review={"correct_answers": "immediately"})
    enrol(learner, quiz.course)
    browser = client_for(learner)

    attempt_id, html = start(browser, quiz.activity.id)
    coordinator, year, partners = (
        slot_of(attempt_id, n) for n in ("Coordinator", "Year", "Partners")
    )
    form = page_form(
        html,
        **{
            f"q{coordinator}": choice_position(html, coordinator, "SERN"),
            f"q{year}": "true",
            "nav": "save",
        },
    )
    assert browser.post(f"/quiz/attempt/{attempt_id}/save", data=form).status_code == 302

    resumed = browser.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    assert page_form(resumed)[f"q{year}"] == "true"
    response = browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(resumed, **{f"q{partners}": "4 countries"}),
    )
    assert response.status_code == 302

    review = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in review
    assert "Right: the Sweden-Emilia-Romagna Network." in review
    attempt = attempt_row(attempt_id)
    assert (attempt.state, attempt.percent) == ("finished", 100.0)
    assert answers(attempt_id)[partners].response == "4 countries"
    completion = db.session.execute(
        db.select(ActivityCompletion).filter_by(user_id=learner.id, activity_id=quiz.activity.id)
    ).scalar_one()
    assert completion.score == 100.0
    [submitted] = events("quiz.attempt_submitted")
    assert submitted.data == {
        "activity_id": quiz.activity.id,
        "attempt_id": attempt_id,
        "score": 100.0,
        "passed": True,
    }
    assert db.session.execute(db.select(QuizGrade.grade)).scalar_one() == 100.0
