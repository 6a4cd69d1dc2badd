"""Who may open which report, tried by URL tampering: only a course's trainers see its reports;
coordinators and admins see the programme, quality and impact; learners see only their own."""

from __future__ import annotations

import pytest

from nttlearn import db

VISITORS = ("anonymous", "learner", "outsider", "trainer", "other_trainer", "coordinator", "admin")


@pytest.fixture
def site(data, client_for, app):
    trainer = data.person("Tina", role="trainer")
    other_trainer = data.person("Otto", role="trainer")
    course = data.course(
        "Course A",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False), (0, "quiz", True)],
    )
    other = data.course(
        "Course B", modules=1, lessons=1, trainer=other_trainer, activities=[(0, "survey", False)]
    )
    learner = data.person("Lena", "Comune di Bologna", "IT")
    outsider = data.person("Olle", "Luleå kommun", "SE")
    data.enrol(learner, course, data.ago(2))
    data.enrol(outsider, other, data.ago(2))
    data.event("lesson.completed", outsider, other, data.ago(1), {"lesson_id": 0})
    data.commit()
    people = {
        "learner": learner,
        "outsider": outsider,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "coordinator": data.person("Karin", role="coordinator"),
        "admin": data.person("Ada", role="admin"),
    }
    browsers = {name: client_for(person) for name, person in people.items()}
    browsers["anonymous"] = app.test_client()
    return {
        "course": course,
        "other": other,
        "people": people,
        "browsers": browsers,
        "survey": data.activity(course, "survey"),
        "other_survey": data.activity(other, "survey"),
        "quiz": data.activity(course, "quiz"),
    }


def _statuses(site, url: str) -> dict[str, int]:
    return {name: site["browsers"][name].get(url).status_code for name in VISITORS}


def _course_urls(site) -> list[str]:
    c, learner, survey = site["course"].id, site["people"]["learner"].id, site["survey"].id
    return [
        f"/reports/courses/{c}",
        f"/reports/courses/{c}/summary.csv",
        f"/reports/courses/{c}/learners.csv",
        f"/reports/courses/{c}/learners/{learner}",
        f"/reports/courses/{c}/learners/{learner}/timeline.csv",
        f"/reports/courses/{c}/surveys/{survey}",
    ]


def test_course_reports_are_for_the_course_trainers_and_admins(site):
    for url in _course_urls(site):
        assert _statuses(site, url) == {
            "anonymous": 302,
            "learner": 403,
            "outsider": 403,
            "trainer": 200,
            "other_trainer": 403,
            "coordinator": 403,
            "admin": 200,
        }, url


@pytest.mark.parametrize(
    "url",
    [
        "/reports/programme",
        "/reports/programme/courses.csv",
        "/reports/programme/countries.csv",
        "/reports/quality",
        "/reports/quality/policy-areas.csv",
        "/reports/impact",
        "/reports/impact.pdf",
        "/reports/impact/figures.csv",
    ],
)
def test_programme_quality_and_impact_are_for_coordinators_and_admins(site, url):
    assert _statuses(site, url) == {
        "anonymous": 302,
        "learner": 403,
        "outsider": 403,
        "trainer": 403,
        "other_trainer": 403,
        "coordinator": 200,
        "admin": 200,
    }


def test_a_trainer_cannot_reach_another_course_through_their_own(site):
    c = site["course"].id
    trainer = site["browsers"]["trainer"]
    other_trainer = site["browsers"]["other_trainer"]

    assert trainer.get(f"/reports/courses/{c}/surveys/{site['other_survey'].id}").status_code == 404
    assert trainer.get(f"/reports/courses/{c}/surveys/{site['quiz'].id}").status_code == 404
    assert (
        trainer.get(f"/reports/courses/{c}/learners/{site['people']['outsider'].id}").status_code
        == 404
    )
    assert (
        other_trainer.get(
            f"/reports/courses/{site['other'].id}/learners/{site['people']['learner'].id}"
        ).status_code
        == 404
    )
    assert (
        trainer.get(
            f"/reports/courses/{site['other'].id}/learners/{site['people']['outsider'].id}"
        ).status_code
        == 403
    )
    assert trainer.get("/reports/courses/999999").status_code == 404


def test_learners_see_only_their_own_timeline(site):
    learner = site["browsers"]["learner"]
    outsider = site["people"]["outsider"]

    own = learner.get(f"/reports/me?user_id={outsider.id}").get_data(as_text=True)

    assert _statuses(site, "/reports/me")["anonymous"] == 302
    assert "Course A" in own and "Course B" not in own
    assert (
        learner.get(f"/reports/courses/{site['other'].id}/learners/{outsider.id}").status_code
        == 403
    )


def test_only_enrolled_learners_and_the_course_staff_open_a_survey(site):
    url = f"/evaluation/surveys/{site['survey'].id}"

    assert _statuses(site, url) == {
        "anonymous": 302,
        "learner": 200,
        "outsider": 403,
        "trainer": 200,
        "other_trainer": 403,
        "coordinator": 403,
        "admin": 200,
    }
    assert (
        site["browsers"]["learner"].get(f"/evaluation/surveys/{site['quiz'].id}").status_code == 404
    )
    assert site["browsers"]["outsider"].post(url, data={"relevance": "5"}).status_code == 403


def test_a_disabled_plugin_answers_404(site, app):
    app.extensions["nttlearn"].set_enabled("evaluation", False)
    db.session.commit()

    assert site["browsers"]["admin"].get("/reports/programme").status_code == 404
    assert (
        site["browsers"]["learner"].get(f"/evaluation/surveys/{site['survey'].id}").status_code
        == 404
    )
