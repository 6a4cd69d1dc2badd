"""The programme and impact reports count with aggregate SQL tuned for 200,000 enrolments
(one pass per course and month, people through EXISTS and hashed IN look-ups, medians with
``percentile_cont`` on PostgreSQL). Under every filter they must give the figures a plain
computation over the rows gives: this test does that computation in Python and compares.

| person | organisation   | enrolments                                                     |
| ------ | -------------- | -------------------------------------------------------------- |
| Ana    | Bologna (IT)   | A 2010-01-30 (cohort x) done in 4 days; B 2010-02-01; active A |
| Ben    | Bologna (IT)   | A 2010-02-03 done in 1 day; C (archived) 2010-02-04            |
| Cai    | Luleå (SE)     | B 2010-03-31 (cohort x) done in 9 days; active in B            |
| Dee    | none           | A 2010-04-01 done in 6 days                                    |
| Eva    | Vigo (ES)      | only checked in at a meeting on 2010-02-10                     |
| Fay    | Luleå (SE)     | A 2010-02-20, active in A 40 days ago (not in the last 30)     |
"""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from evaluation_testdata import day

from nttlearn import db
from nttlearn.api import Course, Enrolment, EventRecord, Organisation, User
from nttlearn_evaluation.filters import LearnerFilters, Period
from nttlearn_evaluation.impact import impact_report
from nttlearn_evaluation.programme import programme_report
from nttlearn_evaluation.summaries import refresh_report_summaries


@pytest.fixture
def people(data):
    a, b = data.course("A: Designing a network"), data.course("B: Renewable energy")
    c = data.course("C: Retired course", archived=True)
    ana, ben = (
        data.person("Ana", "Comune di Bologna", "IT"),
        data.person("Ben", "Comune di Bologna", "IT"),
    )
    cai, dee = data.person("Cai", "Luleå kommun", "SE"), data.person("Dee")
    eva, fay = (
        data.person("Eva", "Concello de Vigo", "ES"),
        data.person("Fay", "Luleå kommun", "SE"),
    )
    data.enrol(ana, a, day("2010-01-30 23:30"), cohort="x", completed_at=day("2010-02-03 23:30"))
    data.enrol(ana, b, day("2010-02-01 08:00"))
    data.event("lesson.completed", ana, a, data.ago(3), {"lesson_id": 1})
    data.enrol(ben, a, day("2010-02-03 08:00"), completed_at=day("2010-02-04 08:00"))
    data.enrol(ben, c, day("2010-02-04 08:00"))
    data.enrol(cai, b, day("2010-03-31 10:00"), cohort="x", completed_at=day("2010-04-09 10:00"))
    data.event("quiz.attempt_submitted", cai, b, data.ago(12), {"passed": True})
    data.enrol(dee, a, day("2010-04-01 08:00"), completed_at=day("2010-04-07 08:00"))
    data.event(
        "meetings.attended",
        eva,
        None,
        day("2010-02-10 09:00"),
        {"meeting_id": 1, "day": "2010-02-10"},
    )
    data.enrol(fay, a, day("2010-02-20 08:00"))
    data.event("lesson.completed", fay, a, data.ago(40), {"lesson_id": 1})
    data.commit()
    return {"bologna": ana.organisation_id}


def _rows():
    """Every enrolment with its person, their organisation and the course, as plain tuples."""
    return db.session.execute(
        db.select(
            Enrolment.user_id,
            Enrolment.course_id,
            Enrolment.created_at,
            Enrolment.completed_at,
            Enrolment.cohort,
            User.organisation_id,
            Organisation.name,
            Organisation.country,
            Course.archived,
        )
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .join(Course, Course.id == Enrolment.course_id)
    ).all()


def _counted(filters: LearnerFilters):
    period = filters.period
    return [
        r
        for r in _rows()
        if not r.archived
        and (period.lower is None or r.created_at >= period.lower)
        and (period.upper is None or r.created_at < period.upper)
        and (not filters.organisation_id or r.organisation_id == filters.organisation_id)
        and (not filters.country or r.country == filters.country)
        and (not filters.cohort or r.cohort == filters.cohort)
    ]


def _expected_programme(filters: LearnerFilters, since):
    counted = _counted(filters)
    recent = {
        (course, user)
        for course, user in db.session.execute(
            db.select(EventRecord.course_id, EventRecord.user_id).where(
                EventRecord.created_at >= since
            )
        )
    }
    courses = {}
    for course_id in sorted({r.course_id for r in counted}):
        mine = [r for r in counted if r.course_id == course_id]
        days = [
            (r.completed_at - r.created_at).total_seconds() / 86400 for r in mine if r.completed_at
        ]
        courses[course_id] = (
            len(mine),
            len(days),
            sum((course_id, r.user_id) in recent for r in mine),
            round(statistics.median(days), 1) if days else None,
        )
    organisations = {}
    for _user, org, name, country in {
        (r.user_id, r.organisation_id, r.name, r.country) for r in counted
    }:
        key = (str(org or ""), name or "", country or "")
        organisations[key] = organisations.get(key, 0) + 1
    months = {}
    for r in counted:
        months[r.created_at.strftime("%Y-%m")] = months.get(r.created_at.strftime("%Y-%m"), 0) + 1
    return courses, organisations, sorted(months.items())


FILTERS = [
    LearnerFilters(),
    LearnerFilters(Period(day("2010-02-01").date(), day("2010-03-31").date())),
    LearnerFilters(country="IT"),
    LearnerFilters(country="SE", period=Period(day("2010-02-15").date())),
    LearnerFilters(cohort="x"),
    LearnerFilters(country="ES"),
]


@pytest.mark.parametrize("index", range(len(FILTERS) + 1))
def test_programme_figures_equal_a_computation_over_the_rows(people, data, index):
    filters = (
        FILTERS[index]
        if index < len(FILTERS)
        else LearnerFilters(organisation_id=people["bologna"])
    )
    refresh_report_summaries(
        now=data.now + timedelta(hours=1)
    )  # the activity from the summary table
    db.session.commit()

    report = programme_report(filters)
    courses, organisations, months = _expected_programme(filters, data.now - timedelta(days=30))

    assert {
        c.id: (c.enrolled, c.completed, c.active_30, c.median_days)
        for c in report.courses
        if c.enrolled
    } == courses
    assert {
        (o.key, o.label, o.country): o.participants for o in report.by_organisation
    } == organisations
    assert report.participants == sum(organisations.values())
    assert report.by_month == months


IMPACT_PERIODS = [
    Period(),
    Period(day("2010-02-01").date(), day("2010-02-28").date()),
    Period(day("2010-03-01").date()),
    Period(None, day("2010-01-31").date()),
]


@pytest.mark.parametrize("period", IMPACT_PERIODS)
def test_impact_participants_equal_a_computation_over_the_rows(people, period):
    people_in = {
        (r.user_id, r.organisation_id, r.country)
        for r in _rows()
        if (period.lower is None or r.created_at >= period.lower)
        and (period.upper is None or r.created_at < period.upper)
    }
    meeting = day("2010-02-10")  # the day Eva was checked in
    if (period.lower is None or period.lower <= meeting) and (
        period.upper is None or period.upper > meeting
    ):
        eva = db.session.execute(
            db.select(User.id, User.organisation_id, Organisation.country)
            .join(Organisation)
            .where(User.name == "Eva")
        ).one()
        people_in.add(tuple(eva))
    by_country = {}
    for _user, org, country in people_in:
        people_n, orgs = by_country.get(country, (0, set()))
        by_country[country] = (people_n + 1, orgs | ({org} if org else set()))

    report = impact_report(period)

    assert report.participants == len(people_in)
    assert report.organisations == sum(len(orgs) for _n, orgs in by_country.values())
    assert {(c.country, c.participants, c.organisations) for c in report.by_country} == {
        (country, n, len(orgs)) for country, (n, orgs) in by_country.items() if country is not None
    }
