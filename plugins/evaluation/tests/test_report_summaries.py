"""The reports' pre-aggregated table (nttlearn_evaluation/summaries.py) gives the figures a
computation over the whole event log gives, before the refresh job ran, after it, and with events
logged since; running the job again changes nothing.

| person | course | events                                                    |
| ------ | ------ | --------------------------------------------------------- |
| Ada    | A      | enrolled 100 days ago, a lesson 20 days ago              |
| Bo     | A      | enrolled 60 days ago, a lesson 40 days ago (not active)  |
| Cy     | B      | enrolled 400 days ago, nothing since                     |
| Bo     | B      | enrolled 10 days ago, a quiz 2 minutes ago (not settled) |
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from nttlearn import db
from nttlearn.api import EventRecord
from nttlearn.jobs.periodic import periodic_jobs
from nttlearn_evaluation.filters import LearnerFilters
from nttlearn_evaluation.models import CourseActivity
from nttlearn_evaluation.programme import programme_report
from nttlearn_evaluation.summaries import (
    active_pairs,
    course_activity_mark,
    refresh_report_summaries,
)


@pytest.fixture
def activity(data):
    a, b = data.course("A: Designing a network"), data.course("B: Renewable energy")
    ada, bo, cy = (
        data.person("Ada", "Comune di Bologna", "IT"),
        data.person("Bo"),
        data.person("Cy"),
    )
    data.enrol(ada, a, data.ago(100))
    data.event("lesson.completed", ada, a, data.ago(20), {"lesson_id": 1})
    data.enrol(bo, a, data.ago(60))
    data.event("lesson.completed", bo, a, data.ago(40), {"lesson_id": 1})
    data.enrol(cy, b, data.ago(400))
    data.event("events.meeting_held", None, None, data.ago(5), {"attendees": 12})
    data.enrol(bo, b, data.ago(10))
    data.event("quiz.attempt_submitted", bo, b, data.ago(2 / 1440), {"score": 40, "passed": False})
    data.commit()
    return {"a": a, "b": b, "ada": ada, "bo": bo, "cy": cy}


def live_pairs(since) -> set[tuple[int, int]]:
    """What the summary must equal: every (course, learner) with an event since ``since``."""
    return {
        tuple(row)
        for row in db.session.execute(
            db.select(EventRecord.course_id, EventRecord.user_id)
            .distinct()
            .where(
                EventRecord.created_at >= since,
                EventRecord.course_id.is_not(None),
                EventRecord.user_id.is_not(None),
            )
        )
    }


def summary_pairs(since) -> set[tuple[int, int]]:
    recent = active_pairs(since, course_activity_mark())
    return {
        tuple(row) for row in db.session.execute(db.select(recent.c.course_id, recent.c.user_id))
    }


def active_30() -> dict[str, int]:
    return {row.title: row.active_30 for row in programme_report(LearnerFilters()).courses}


def summary_rows() -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(
                CourseActivity.course_id, CourseActivity.user_id, CourseActivity.last_event_at
            ).order_by(CourseActivity.course_id, CourseActivity.user_id)
        )
    ]


SINCE_DAYS = (1, 15, 30, 50, 90, 1000)


def test_the_summary_equals_the_event_log_before_and_after_a_refresh(activity, data):
    before = {days: summary_pairs(data.ago(days)) for days in SINCE_DAYS}
    report_before = active_30()

    refresh_report_summaries()
    db.session.commit()

    for days in SINCE_DAYS:
        assert summary_pairs(data.ago(days)) == before[days] == live_pairs(data.ago(days)), days
    assert active_30() == report_before == {"A: Designing a network": 1, "B: Renewable energy": 1}


def test_the_refresh_folds_settled_events_only_and_the_rest_is_read_live(activity, data):
    refresh_report_summaries()
    db.session.commit()

    latest = {(course, user): at for course, user, at in summary_rows()}
    bo_in_b = (activity["b"].id, activity["bo"].id)
    assert latest[bo_in_b] == data.ago(10)  # the quiz of two minutes ago waits to settle
    assert latest[(activity["a"].id, activity["ada"].id)] == data.ago(20)
    assert (activity["b"].id, activity["cy"].id) in latest
    assert summary_pairs(data.ago(1)) == live_pairs(data.ago(1)) == {bo_in_b}


def test_events_logged_after_a_refresh_count_at_once(activity, data):
    refresh_report_summaries()
    db.session.commit()
    data.event("lesson.completed", activity["cy"], activity["b"], data.ago(0), {"lesson_id": 2})
    data.commit()

    assert summary_pairs(data.ago(1)) == live_pairs(data.ago(1))
    assert active_30()["B: Renewable energy"] == 2


def test_refreshing_again_changes_nothing(activity, data):
    refresh_report_summaries(now=data.now + timedelta(hours=1))
    db.session.commit()
    rows, mark = summary_rows(), course_activity_mark()

    again = refresh_report_summaries(now=data.now + timedelta(hours=1))
    db.session.commit()

    assert again == 0
    assert summary_rows() == rows and course_activity_mark() == mark
    assert len(rows) == 4  # Ada in A, Bo in A and B, Cy in B: the meeting has no course


def test_folding_the_same_events_twice_leaves_the_same_rows(activity, data):
    from nttlearn_evaluation.models import ReportSummaryState

    refresh_report_summaries(now=data.now + timedelta(hours=1))
    db.session.commit()
    rows = summary_rows()
    db.session.execute(
        db.update(ReportSummaryState).values(last_event_id=0)
    )  # a run cut short before its mark

    refresh_report_summaries(now=data.now + timedelta(hours=1))
    db.session.commit()

    assert summary_rows() == rows


def test_the_refresh_is_a_periodic_job(app):
    assert "evaluation.refresh-report-summaries" in {job.name for job in periodic_jobs()}


def test_the_course_report_shows_the_same_last_activity_before_and_after_a_refresh(activity, data):
    from nttlearn_evaluation.monitoring import course_report

    def figures():
        report = course_report(activity["a"], LearnerFilters())
        return (
            [(row.user_id, row.last_active_at, row.failed_attempts) for row in report.learners],
            (report.enrolled, report.active_7, report.active_30, report.at_risk),
        )

    data.event(
        "quiz.attempt_submitted",
        activity["ada"],
        activity["a"],
        data.ago(3),
        {"activity_id": 999_999, "score": 10, "passed": False},
    )  # an activity not completed
    data.commit()
    before = figures()

    refresh_report_summaries()
    db.session.commit()

    assert figures() == before
    assert {user: last for user, last, _failed in before[0]} == {
        activity["ada"].id: data.ago(3),
        activity["bo"].id: data.ago(40),
    }
    assert {user: failed for user, _last, failed in before[0]}[activity["ada"].id] == 1
