"""A survey follows the core's pacing: a release rule locks it, a cohort's deadline closes it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nttlearn import db
from nttlearn.cohorts.services import (
    add_to_cohort,
    create_cohort,
    grant_extension,
    set_deadline,
    set_release_rule,
)
from nttlearn.models import utcnow
from nttlearn_evaluation.models import SurveyResponse

END_OF_COURSE = {
    "relevance": "5",
    "clarity": "4",
    "methodology": "4",
    "peer_feedback": "",
    "intention": "yes",
}


@pytest.fixture
def survey_course(data):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    activity = data.activity(course, "survey")
    learner = data.person("Lena")
    data.enrol(learner, course, data.ago(1))
    data.commit()
    return course, activity, learner


def responses() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse))


def test_a_locked_survey_refuses_answers_and_says_when_it_opens(survey_course, client_for):
    course, activity, learner = survey_course
    set_release_rule(course, ("a", activity.id), opens_at=utcnow() + timedelta(days=2))
    db.session.commit()
    browser = client_for(learner)

    page = browser.get(f"/evaluation/surveys/{activity.id}")
    answered = browser.post(f"/evaluation/surveys/{activity.id}", data=END_OF_COURSE)

    assert page.status_code == answered.status_code == 403
    assert "This opens on" in page.get_data(as_text=True)
    assert responses() == 0


def test_the_cohort_deadline_closes_the_survey_until_an_extension(survey_course, client_for):
    course, activity, learner = survey_course
    cohort = create_cohort(course, "Spring", date.today() - timedelta(days=10))
    add_to_cohort(learner, cohort)
    set_deadline(cohort, activity.id, utcnow() - timedelta(hours=1))
    db.session.commit()
    browser = client_for(learner)

    refused = browser.post(
        f"/evaluation/surveys/{activity.id}", data=END_OF_COURSE, follow_redirects=True
    )

    assert "This survey closed on" in refused.get_data(as_text=True)
    assert responses() == 0
    grant_extension(learner.id, activity.id, course, utcnow() + timedelta(days=1))
    db.session.commit()
    assert "Please answer by" in browser.get(f"/evaluation/surveys/{activity.id}").get_data(
        as_text=True
    )
    assert browser.post(f"/evaluation/surveys/{activity.id}", data=END_OF_COURSE).status_code == 302
    assert responses() == 1
