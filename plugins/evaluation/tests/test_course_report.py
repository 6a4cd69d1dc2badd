"""The course report against a data set with known answers (times relative to now).

Six learners in a course of two modules; the quiz sits in module 1:

| learner | organisation     | cohort | enrolled | completed        | last activity | notes                      |
| ------- | ---------------- | ------ | -------- | ---------------- | ------------- | -------------------------- |
| Lia     | Bologna (IT)     | spring | 40 d ago | 10 days later    | 2 d ago       | quiz 80                    |
| Lars    | Luleå (SE)       | spring | 20 d ago | 4 days later     | 10 d ago      | quiz 60                    |
| Noor    | none             | autumn | 60 d ago | no               | 45 d ago      | inactive: at risk          |
| Bea     | Bologna (IT)     | autumn | 3 d ago  | no               | 1 d ago       | 2 failed attempts: at risk |
| Fede    | Ferrara (IT)     |        | 5 d ago  | no               | 4 d ago       | 2 failed, then passed      |
| Sven    | Luleå (SE)       |        | 100 d ago| 20 days later    | 80 d ago      | completed: not at risk     |
"""

from __future__ import annotations

import pytest

from nttlearn.testing import count_queries
from nttlearn_evaluation.filters import LearnerFilters, Period
from nttlearn_evaluation.monitoring import course_report


@pytest.fixture
def course_data(data):
    trainer = data.person("Tina Trainer", role="trainer")
    course = data.course(
        "Designing a network",
        modules=2,
        lessons=1,
        trainer=trainer,
        activities=[(0, "quiz", True), (1, "proposal", True)],
    )
    first, second = data.modules(course)
    quiz = data.activity(course, "quiz")
    people = {}

    def learner(name, org, country, cohort, enrolled, completed_after=None):
        person = data.person(name, org, country)
        completed = data.ago(enrolled - completed_after) if completed_after is not None else None
        data.enrol(person, course, data.ago(enrolled), cohort=cohort, completed_at=completed)
        people[name] = person
        return person

    lia = learner("Lia", "Comune di Bologna", "IT", "spring", 40, completed_after=10)
    lars = learner("Lars", "Luleå kommun", "SE", "spring", 20, completed_after=4)
    noor = learner("Noor", None, None, "autumn", 60)
    bea = learner("Bea", "Comune di Bologna", "IT", "autumn", 3)
    fede = learner("Fede", "Comune di Ferrara", "IT", "", 5)
    sven = learner("Sven", "Luleå kommun", "SE", "", 100, completed_after=20)
    for person, days, score in ((lia, 35, 80), (lars, 18, 60), (fede, 4, 100)):
        data.complete_activity(person, quiz, data.ago(days), score)
    for person, days in ((lia, 35), (lars, 18), (sven, 85)):
        data.complete_module(person, first, data.ago(days))
    for person, days in ((lia, 31), (lars, 16), (sven, 81), (fede, 4)):
        data.complete_module(person, second, data.ago(days))
    attempt = "quiz.attempt_submitted"
    for person, days in ((bea, 1.5), (bea, 1), (fede, 4.5), (fede, 4.2)):
        data.event(
            attempt,
            person,
            course,
            data.ago(days),
            {"activity_id": quiz.id, "score": 20, "passed": False},
        )
    data.event(
        attempt, fede, course, data.ago(4), {"activity_id": quiz.id, "score": 100, "passed": True}
    )
    data.event("lesson.completed", lia, course, data.ago(2), {"lesson_id": 0})
    data.event("lesson.completed", lars, course, data.ago(10), {"lesson_id": 0})
    data.event("lesson.completed", noor, course, data.ago(45), {"lesson_id": 0})
    data.event("lesson.completed", sven, course, data.ago(80), {"lesson_id": 0})
    data.commit()
    return {"course": course, "trainer": trainer, "people": people}


def test_overview_counts_enrolled_active_completed_and_at_risk(course_data):
    report = course_report(course_data["course"], LearnerFilters())

    assert report.enrolled == 6
    assert report.active_7 == 3  # Lia, Bea, Fede
    assert report.active_30 == 4  # and Lars
    assert report.completed == 3 and report.completion_percent == 50
    assert report.median_days == 10.0  # of 4, 10 and 20 days
    assert report.at_risk == 2  # Noor (inactive), Bea (failed twice)


def test_completion_per_module_and_activity(course_data):
    report = course_report(course_data["course"], LearnerFilters())

    assert [(m.title, m.completed, m.percent) for m in report.modules] == [
        ("Module 1", 3, 50),
        ("Module 2", 4, 67),
    ]
    by_type = {a.type_key: a for a in report.activities}
    assert (by_type["quiz"].completed, by_type["quiz"].mean_score) == (3, 80.0)
    assert by_type["proposal"].completed == 0 and by_type["proposal"].mean_score is None


def test_learners_at_risk_are_listed_first_with_the_reason(course_data):
    report = course_report(course_data["course"], LearnerFilters())
    rows = {r.name: r for r in report.learners}

    assert [r.name for r in report.learners[:2]] == ["Bea", "Noor"]
    assert rows["Noor"].at_risk and rows["Noor"].inactive
    assert rows["Bea"].at_risk and rows["Bea"].failed_attempts == 2 and not rows["Bea"].inactive
    assert rows["Fede"].failed_attempts == 0 and not rows["Fede"].at_risk  # passed since
    assert not rows["Sven"].at_risk  # inactive, but completed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "IT"}, {"Lia", "Bea", "Fede"}),
        ({"cohort": "autumn"}, {"Noor", "Bea"}),
        ({"organisation": "Luleå kommun"}, {"Lars", "Sven"}),
        ({"period_days": 30}, {"Lars", "Bea", "Fede"}),
    ],
)
def test_filters_narrow_every_figure(course_data, data, filters, expected):
    from nttlearn import db
    from nttlearn.models import Organisation

    args = {}
    if "organisation" in filters:
        args["organisation_id"] = db.session.execute(
            db.select(Organisation.id).filter_by(name=filters["organisation"])
        ).scalar()
    if "period_days" in filters:
        args["period"] = Period(data.ago(filters["period_days"]).date(), data.now.date())
    args.update({k: v for k, v in filters.items() if k in ("country", "cohort")})
    report = course_report(course_data["course"], LearnerFilters(**args))

    assert {r.name for r in report.learners} == expected
    assert report.enrolled == len(expected)
    assert sum(m.completed for m in report.modules) <= 2 * len(expected)


def test_page_shows_figures_filters_and_links_to_timelines(course_data, client_for):
    course = course_data["course"]
    page = (
        client_for(course_data["trainer"])
        .get(f"/reports/courses/{course.id}?country=IT")
        .get_data(as_text=True)
    )

    assert "Course report" in page
    assert ">3</span>" in page  # enrolled: Lia, Bea, Fede
    assert f"/reports/courses/{course.id}/learners/{course_data['people']['Bea'].id}" in page
    assert "Noor" not in page
    assert "style=" not in page and "<script>" not in page


def test_a_bad_date_is_ignored_and_explained(course_data, client_for):
    course = course_data["course"]
    response = client_for(course_data["trainer"]).get(
        f"/reports/courses/{course.id}?from=yesterday&to=2010-01-01"
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Not a valid date value." in page


@pytest.mark.parametrize("organisation", ["²", "١", str(2**63)])
def test_an_organisation_that_is_not_a_number_is_ignored_like_a_bad_date(
    course_data, client_for, organisation
):
    course = course_data["course"]

    response = client_for(course_data["trainer"]).get(
        f"/reports/courses/{course.id}?organisation={organisation}"
    )

    assert response.status_code == 200
    assert "Course report" in response.get_data(as_text=True)


def test_learners_csv_has_every_learner_with_a_bom_and_defused_formulas(
    course_data, data, client_for
):
    course = course_data["course"]
    attacker = data.person('=HYPERLINK("http://evil.example")', "@SUM(A1)", "IT")
    data.enrol(attacker, course, data.ago(1), cohort="+cmd")
    data.commit()
    response = client_for(course_data["trainer"]).get(f"/reports/courses/{course.id}/learners.csv")
    text = response.data.decode("utf-8")

    assert response.mimetype == "text/csv"
    assert text.startswith("\ufeffname,organisation,country,cohort,")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'+cmd" in text
    assert len(text.strip().splitlines()) == 1 + 7


@pytest.mark.parametrize("table", ["summary", "modules", "activities"])
def test_every_table_downloads_as_csv(course_data, client_for, table):
    course = course_data["course"]
    response = client_for(course_data["trainer"]).get(
        f"/reports/courses/{course.id}/{table}.csv?cohort=spring"
    )

    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="{course.slug}-{table}.csv"'
    )
    if table == "summary":
        assert "enrolled,2\r\n" in response.data.decode("utf-8-sig")


def test_course_report_runs_a_constant_number_of_queries(data, app, client_for):
    trainer = data.person("Tina", role="trainer")
    browser = client_for(trainer)

    def build(n: int) -> int:
        course = data.course(
            f"Course {n}", modules=3, lessons=1, trainer=trainer, activities=[(0, "quiz", True)]
        )
        quiz = data.activity(course, "quiz")
        first = data.modules(course)[0]
        for i in range(n):
            person = data.person(f"L{n}-{i}", f"Org {i % 4}", ["IT", "SE", "ES", "FI"][i % 4])
            data.enrol(
                person,
                course,
                data.ago(i + 1),
                cohort=f"c{i % 2}",
                completed_at=data.ago(i / 2) if i % 3 == 0 else None,
            )
            data.complete_module(person, first, data.ago(i / 2))
            data.complete_activity(person, quiz, data.ago(i / 2), 50)
            data.event(
                "quiz.attempt_submitted",
                person,
                course,
                data.ago(i / 3),
                {"activity_id": quiz.id, "passed": False},
            )
        data.commit()
        browser.get(f"/reports/courses/{course.id}")  # a warm worker: plugin switches cached
        with count_queries(app) as queries:
            assert browser.get(f"/reports/courses/{course.id}").status_code == 200
        return len(queries)

    small, large = build(3), build(30)
    assert small == large, (small, large)


def test_a_swedish_trainer_s_report_and_export_name_modules_and_activities_in_swedish(
    make_user, make_course, client_for
):
    trainer = make_user(role="trainer", locale="sv")
    course = make_course(
        modules=1,
        lessons=1,
        trainer=trainer,
        title="Designing a network",
        languages=["en", "sv"],
        activities=[(0, "survey", False)],
    )
    browser = client_for(trainer)

    page = browser.get(f"/reports/courses/{course.id}").get_data(as_text=True)
    modules = browser.get(f"/reports/courses/{course.id}/modules.csv").get_data(as_text=True)
    activities = browser.get(f"/reports/courses/{course.id}/activities.csv").get_data(as_text=True)

    assert "[sv] Designing a network" in page.split("</title>")[0]
    assert "[sv] Module 1" in page and "[sv] survey 0" in page
    assert "\r\n[sv] Module 1,0,0,0\r\n" in modules
    assert "[sv] survey 0" in activities and "[sv] Module 1" in activities
