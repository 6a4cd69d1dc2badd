"""A quiz follows the core's pacing: a release rule locks every route of it, and a cohort's
deadline (or a learner's extension) is the quiz's close date for that learner."""

from __future__ import annotations

from datetime import date, timedelta

from quiz_helpers import enrol, start

from nttlearn import db
from nttlearn.cohorts.services import (
    add_to_cohort,
    create_cohort,
    grant_extension,
    set_deadline,
    set_release_rule,
)
from nttlearn.models import utcnow
from nttlearn.testing import count_rows
from nttlearn_quiz import services
from nttlearn_quiz.models import Attempt


def test_a_locked_quiz_refuses_its_page_and_starting_and_says_when_it_opens(
    make_quiz, learner, client_for
):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    set_release_rule(quiz.course, ("a", quiz.activity.id), opens_at=utcnow() + timedelta(days=3))
    db.session.commit()
    browser = client_for(learner)

    page = browser.get(f"/quiz/{quiz.activity.id}")
    started = browser.post(f"/quiz/{quiz.activity.id}/start")

    assert page.status_code == started.status_code == 403
    assert "This opens on" in page.get_data(as_text=True)
    assert count_rows(Attempt) == 0
    assert (
        client_for(quiz.trainer).get(f"/quiz/{quiz.activity.id}").status_code == 200
    )  # trainers see it
    set_release_rule(quiz.course, ("a", quiz.activity.id))
    db.session.commit()
    assert browser.get(f"/quiz/{quiz.activity.id}").status_code == 200


def test_a_locked_quiz_refuses_saving_and_submitting_an_attempt_begun_before(
    make_quiz, learner, client_for
):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)
    set_release_rule(quiz.course, ("a", quiz.activity.id), opens_at=utcnow() + timedelta(days=3))
    db.session.commit()

    assert browser.post(f"/quiz/attempt/{attempt_id}/save", data={"nav": "save"}).status_code == 403
    assert browser.post(f"/quiz/attempt/{attempt_id}/submit", data={}).status_code == 403
    assert db.session.get(Attempt, attempt_id).state == "in_progress"


def test_the_cohort_deadline_closes_the_quiz_and_an_extension_reopens_it(
    make_quiz, learner, client_for
):
    quiz = make_quiz(closes="2099-01-01 09:00")
    cohort = create_cohort(quiz.course, "Spring", date.today() - timedelta(days=30))
    add_to_cohort(learner, cohort)
    set_deadline(cohort, quiz.activity.id, utcnow() - timedelta(hours=1))
    db.session.commit()
    browser = client_for(learner)

    refused = browser.post(f"/quiz/{quiz.activity.id}/start", follow_redirects=True)

    assert "This quiz closed on" in refused.get_data(as_text=True)
    assert count_rows(Attempt) == 0
    due = utcnow() + timedelta(days=2)
    grant_extension(learner.id, quiz.activity.id, quiz.course, due)
    db.session.commit()
    assert services.closes_at(quiz.quiz, learner.id) == due
    attempt_id, _html = start(browser, quiz.activity.id)
    assert (
        db.session.get(Attempt, attempt_id).deadline == due
    )  # the attempt ends at the learner's date


def test_without_a_cohort_deadline_the_quiz_keeps_its_own_close_date(make_quiz, learner):
    quiz = make_quiz(closes="2099-01-01 09:00")
    enrol(learner, quiz.course)

    assert services.closes_at(quiz.quiz, learner.id) == quiz.quiz.closes_at
