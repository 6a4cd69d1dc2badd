"""The quality page for coordinators: the end-of-course evaluation across courses and the needs
questionnaire per policy area, with anonymous figures withheld below the threshold."""

from __future__ import annotations

import pytest

from nttlearn import db
from nttlearn.testing import count_queries
from nttlearn_evaluation.definitions import import_definition
from nttlearn_evaluation.quality import quality_report
from nttlearn_evaluation.surveys import submit_response, survey_for


def _survey(data, title, definition, answers):
    course = data.course(title, modules=1, lessons=1, activities=[(0, "survey", False)])
    activity = data.activity(course, "survey")
    import_definition(activity, definition, None)
    survey = survey_for(activity)
    for i, values in enumerate(answers):
        person = data.person(f"{title} learner {i}")
        data.enrol(person, course, data.ago(1))
        db.session.flush()
        assert submit_response(survey, activity, person.id, values)
    data.commit()
    return course


def _eoc(relevance, clarity, methodology, peer, intention):
    return {
        "relevance": str(relevance),
        "clarity": str(clarity),
        "methodology": str(methodology),
        "peer_feedback": str(peer) if peer else "",
        "intention": intention,
    }


@pytest.fixture
def quality(data):
    anonymous = {"template": "end-of-course", "anonymous": True}
    _survey(
        data,
        "Alpha",
        anonymous,
        [_eoc(5, 4, 4, 5, "yes"), _eoc(4, 4, 3, None, "later"), _eoc(3, 2, 2, 3, "no")],
    )
    _survey(data, "Beta", anonymous, [_eoc(1, 1, 1, 1, "no"), _eoc(2, 2, 2, 2, "no")])
    _survey(
        data, "Gamma", {"template": "end-of-course", "anonymous": False}, [_eoc(5, 5, 5, 5, "yes")]
    )
    _survey(
        data,
        "Needs",
        {"template": "needs", "anonymous": False},
        [
            {"policy_areas": ["youth", "renewable-energy"], "eu_experience": "none"},
            {"policy_areas": ["youth"], "eu_experience": "partner"},
            {
                "policy_areas": ["youth", "family-gender", "integration-employment"],
                "eu_experience": "none",
            },
            {
                "policy_areas": ["social-enterprise"],
                "eu_experience": "coordinator",
                "expectations": "Write a proposal",
            },
        ],
    )


def test_end_of_course_means_per_course(quality):
    courses = {c.title: c for c in quality_report().courses}

    alpha = courses["Alpha"]
    assert alpha.responses == 3 and not alpha.withheld
    assert alpha.means == {
        "relevance": 4.0,
        "clarity": 3.33,
        "methodology": 3.0,
        "peer_feedback": 4.0,
    }
    assert (alpha.intending, alpha.intention_answers, alpha.intending_percent) == (2, 3, 67)
    assert courses["Gamma"].means["relevance"] == 5.0  # named: one answer is shown


def test_an_anonymous_survey_with_too_few_answers_is_withheld(quality):
    beta = {c.title: c for c in quality_report().courses}["Beta"]

    assert beta.withheld and beta.responses == 2
    assert beta.means == {} and beta.intending_percent is None


def test_needs_per_policy_area(quality):
    needs = quality_report().needs

    assert needs.respondents == 4
    assert needs.areas == {
        "youth": 3,
        "social-enterprise": 1,
        "renewable-energy": 1,
        "family-gender": 1,
        "integration-employment": 1,
    }
    assert needs.percent(needs.areas["youth"]) == 75
    assert needs.experience == {"none": 2, "partner": 1, "coordinator": 1}


def test_quality_page_and_csv(quality, data, client_for):
    browser = client_for(data.person("Karin", role="coordinator"))

    page = browser.get("/reports/quality").get_data(as_text=True)
    areas = browser.get("/reports/quality/policy-areas.csv").data.decode("utf-8-sig")
    courses = browser.get("/reports/quality/courses.csv").data.decode("utf-8-sig")

    assert "4 people answered the needs questionnaire." in page
    assert "Withheld: too few answers to an anonymous survey." in page
    assert "Youth and development" in page and "style=" not in page
    assert "youth,3,75\r\n" in areas
    assert "Alpha,3,4.0,3.33,3.0,4.0,67,no\r\n" in courses and "Beta,2,,,,,,yes\r\n" in courses


def test_quality_report_runs_a_constant_number_of_queries(data, app):
    def build(n: int) -> int:
        _survey(
            data,
            f"Course {n}",
            {"template": "end-of-course", "anonymous": True},
            [_eoc(4, 4, 4, 4, "yes")] * n,
        )
        with count_queries(app) as queries:
            quality_report()
        return len(queries)

    assert build(3) == build(12)
