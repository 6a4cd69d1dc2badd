"""Meetings on the core's to-do list: "Attend …" for a seat, "Register for …" when registration
for a meeting of one's course closes soon."""

from __future__ import annotations

from datetime import datetime, timedelta

from nttlearn import db
from nttlearn.api import Enrolment, utcnow
from nttlearn.learn.todo import todo_items
from nttlearn_meetings import services


def _meetings(items):
    return {item.key: item for item in items if item.kind == "meeting"}


def test_an_upcoming_meeting_with_a_seat_is_to_attend_on_its_date(app, make_user, make_meeting):
    learner = make_user()
    learner.timezone = "Europe/Rome"
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), title="Helsinki seminar")
    waiting_for = make_meeting(title="Full seminar", capacity=1)
    services.register(meeting.id, learner)
    services.register(waiting_for.id, make_user())
    services.register(waiting_for.id, learner)  # on the waiting list: nothing to attend yet
    db.session.commit()

    with app.test_request_context():
        items = _meetings(todo_items(learner))

    item = items[f"meeting:{meeting.id}:attend"]
    assert item.title == "Attend Helsinki seminar on May 10, 2030" and item.state == "upcoming"
    assert item.due_at == meeting.starts_at and item.ends_at == meeting.ends_at
    assert item.url == f"/meetings/{meeting.id}" and item.plugin == "meetings"
    assert f"meeting:{waiting_for.id}:attend" not in items


def test_registration_closing_soon_for_a_meeting_of_ones_course(
    app, make_user, make_meeting, make_course
):
    learner, outsider = make_user(), make_user()
    course = make_course()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    soon = make_meeting(
        title="Seminar for the course",
        course_ids=[course.id],
        registration_deadline=utcnow() + timedelta(days=2),
    )
    later = make_meeting(
        title="Seminar later",
        course_ids=[course.id],
        registration_deadline=utcnow() + timedelta(days=12),
    )
    unrelated = make_meeting(
        title="Another seminar", registration_deadline=utcnow() + timedelta(days=2)
    )

    with app.test_request_context():
        items = _meetings(todo_items(learner))
        outsiders = _meetings(todo_items(outsider))

    item = items[f"meeting:{soon.id}:register"]
    assert item.title.startswith("Register for Seminar for the course (registration closes on ")
    assert item.due_at == soon.registration_deadline and item.state == "due_soon"
    assert (
        f"meeting:{later.id}:register" not in items
        and f"meeting:{unrelated.id}:register" not in items
    )
    assert not outsiders

    services.register(soon.id, learner)
    db.session.commit()
    with app.test_request_context():
        items = _meetings(todo_items(learner))
    assert f"meeting:{soon.id}:register" not in items and f"meeting:{soon.id}:attend" in items


def test_the_items_take_a_constant_number_of_queries(app, make_user, make_meeting, make_course):
    from datetime import date

    from nttlearn.api import add_to_cohort
    from nttlearn.cohorts.services import create_cohort
    from nttlearn.testing import count_queries
    from nttlearn_meetings.models import CohortLink
    from nttlearn_meetings.todo import todo_items as meeting_items

    learner = make_user()
    course = make_course()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    cohort = create_cohort(course, "Spring", date(2020, 1, 1))
    add_to_cohort(learner, cohort)
    for n in range(6):
        meeting = make_meeting(
            title=f"Seminar {n}",
            course_ids=[course.id],
            registration_deadline=utcnow() + timedelta(days=1),
        )
        if n % 2:
            services.register(meeting.id, learner)
        if n < 4:  # the seminars of the learner's cohort: asked as such, in the same queries
            db.session.add(CohortLink(meeting_id=meeting.id, cohort_id=cohort.id))
    db.session.commit()
    db.session.refresh(learner)  # the page has the person loaded already

    with app.test_request_context(), count_queries(app) as queries:
        items = meeting_items(learner)

    assert len(items) == 6 and len(queries) <= 4, queries
    assert sum("your cohort's seminar" in item.title for item in items) == 2
