"""Cohort trainers (``cohort_staff``): a course's trainer gives a trainer one cohort; that trainer
sees and manages only that cohort's learners, deadlines, extensions and messages. And cohort
messages in each member's notification list, as each member chose to be told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from nttlearn.cohorts.services import (
    add_cohort_trainer,
    add_to_cohort,
    create_cohort,
    grant_extension,
)
from nttlearn.extensions import db
from nttlearn.mail import outbox
from nttlearn.models import Activity, CohortStaff, Extension, Module, Notification
from nttlearn.notifications.services import set_preference
from nttlearn.testing import count_rows


@pytest.fixture
def school(make_user, make_course):
    """A course with its trainer, two cohorts (one learner each) and a trainer of the first only."""
    course_trainer = make_user(role="trainer", name="Course Trainer")
    course = make_course(
        modules=1, lessons=1, trainer=course_trainer, activities=((0, "survey", True),)
    )
    spring, autumn = (
        create_cohort(course, "Spring", date(2027, 3, 1)),
        create_cohort(course, "Autumn", date(2027, 9, 1)),
    )
    anna, bruno = make_user(name="Anna Spring"), make_user(name="Bruno Autumn")
    add_to_cohort(anna, spring)
    add_to_cohort(bruno, autumn)
    cohort_trainer = make_user(role="trainer", name="Cohort Trainer")
    db.session.commit()
    add_cohort_trainer(spring, cohort_trainer, added_by=course_trainer)
    db.session.commit()
    activity = (
        db.session.execute(db.select(Activity).join(Module).where(Module.course_id == course.id))
        .scalars()
        .first()
    )
    return {
        "course": course,
        "spring": spring,
        "autumn": autumn,
        "anna": anna,
        "bruno": bruno,
        "course_trainer": course_trainer,
        "cohort_trainer": cohort_trainer,
        "activity": activity,
    }


def _url(s, cohort: str | None = None, tail: str = "") -> str:
    base = f"/teach/courses/{s['course'].id}/cohorts"
    return base + (f"/{s[cohort].id}" if cohort else "") + tail


def test_a_course_trainer_gives_a_trainer_a_cohort_and_they_are_told(school, client_for, make_user):
    newcomer = make_user(role="trainer", name="New Trainer")
    browser = client_for(school["course_trainer"])

    added = browser.post(_url(school, "autumn", "/trainers"), data={"email": newcomer.email})
    twice = browser.post(_url(school, "autumn", "/trainers"), data={"email": newcomer.email})
    learner = browser.post(
        _url(school, "autumn", "/trainers"), data={"email": school["bruno"].email}
    )

    assert added.status_code == 302
    assert twice.status_code == 400 and "already a trainer of this cohort" in twice.get_data(
        as_text=True
    )
    assert learner.status_code == 400 and "is not a trainer" in learner.get_data(as_text=True)
    assert count_rows(CohortStaff, cohort_id=school["autumn"].id) == 1
    told = db.session.execute(
        db.select(Notification).where(Notification.user_id == newcomer.id)
    ).scalar_one()
    assert "Autumn" in told.title and told.url.endswith(_url(school, "autumn"))
    assert client_for(newcomer).get(_url(school, "autumn")).status_code == 200

    assert (
        browser.post(_url(school, "autumn", f"/trainers/{newcomer.id}/remove")).status_code == 302
    )
    assert client_for(newcomer).get(_url(school, "autumn")).status_code == 403


def test_a_cohort_trainer_sees_only_their_cohort(school, client_for):
    browser = client_for(school["cohort_trainer"])

    index = browser.get(_url(school)).get_data(as_text=True)
    page = browser.get(_url(school, "spring")).get_data(as_text=True)

    assert "Spring" in index and "Autumn" not in index and "New cohort" not in index
    assert "Anna Spring" in page and "Bruno Autumn" not in page
    assert "Delete cohort" not in page and '/trainers"' not in page
    assert browser.get(_url(school, "autumn")).status_code == 403


@pytest.mark.parametrize(
    ("method", "where"),
    [
        ("post", ""),  # create a cohort
        ("post", "spring"),  # change the cohort's settings
        ("post", "spring/delete"),
        ("post", "spring/trainers"),
        ("post", "autumn/members"),
        ("post", "autumn/deadlines"),
        ("post", "autumn/extensions"),
        ("post", "autumn/message"),
        ("get", "release"),
    ],
)
def test_a_cohort_trainer_may_not(school, client_for, method, where):
    browser = client_for(school["cohort_trainer"])
    course_id = school["course"].id
    if where == "release":
        url = f"/teach/courses/{course_id}/release"
    else:
        cohort, _sep, tail = where.partition("/")
        url = _url(school, cohort or None, f"/{tail}" if tail else "")

    response = getattr(browser, method)(
        url,
        data={
            "name": "Renamed",
            "starts_on": "2027-01-01",
            "emails": school["anna"].email,
            "email": "x@example.org",
            "subject": "S",
            "body": "B",
        },
    )

    assert response.status_code == 403
    assert db.session.get(type(school["spring"]), school["spring"].id).name == "Spring"


def test_a_cohort_trainer_manages_their_learners_deadlines_and_extensions(
    school, client_for, make_user
):
    browser = client_for(school["cohort_trainer"])
    newcomer = make_user(name="Carla New")
    activity = school["activity"]

    assert (
        browser.post(
            _url(school, "spring", "/members"), data={"emails": newcomer.email}
        ).status_code
        == 302
    )
    assert (
        browser.post(
            _url(school, "spring", "/deadlines"),
            data={f"due-close-{activity.id}": "2027-04-01T12:00"},
        ).status_code
        == 302
    )
    assert (
        browser.post(
            _url(school, "spring", "/extensions"),
            data={
                "learner": school["anna"].id,
                "activity": activity.id,
                "due_at": "2027-04-08T12:00",
            },
        ).status_code
        == 302
    )
    assert count_rows(Extension, user_id=school["anna"].id) == 1
    assert (
        browser.post(
            _url(school, "spring", f"/extensions/{school['anna'].id}/{activity.id}/remove")
        ).status_code
        == 302
    )
    assert count_rows(Extension, user_id=school["anna"].id) == 0


def test_a_cohort_trainer_takes_no_learner_out_of_another_cohort(school, client_for):
    browser = client_for(school["cohort_trainer"])
    activity = school["activity"]
    grant_extension(
        school["bruno"].id, activity.id, school["course"], datetime(2027, 10, 1, tzinfo=UTC)
    )
    db.session.commit()

    pulled = browser.post(
        _url(school, "spring", "/members"), data={"emails": school["bruno"].email}
    )
    extension = browser.post(
        _url(school, "spring", f"/extensions/{school['bruno'].id}/{activity.id}/remove")
    )
    moved = browser.post(
        _url(school, "spring", f"/members/{school['bruno'].id}/move"),
        data={"cohort": school["spring"].id},
    )
    removed = browser.post(_url(school, "spring", f"/members/{school['bruno'].id}/remove"))

    assert pulled.status_code == 400 and "In another cohort of the course" in pulled.get_data(
        as_text=True
    )
    assert extension.status_code == moved.status_code == removed.status_code == 404
    assert count_rows(Extension, user_id=school["bruno"].id) == 1
    from nttlearn.cohorts.services import cohort_of

    assert cohort_of(school["bruno"], school["course"]).id == school["autumn"].id


def test_a_cohort_trainer_demoted_to_learner_loses_the_cohort(school, client_for):
    school["cohort_trainer"].role = "learner"
    db.session.commit()

    assert client_for(school["cohort_trainer"]).get(_url(school, "spring")).status_code == 403


def test_a_learner_and_another_trainer_may_not_open_a_cohort(school, client_for, make_user):
    assert client_for(school["anna"]).get(_url(school, "spring")).status_code == 403
    assert client_for(make_user(role="trainer")).get(_url(school, "spring")).status_code == 403
    assert client_for(make_user(role="trainer")).get(_url(school)).status_code == 403


# -- cohort messages in the notification list --------------------------------------------------------
def test_a_cohort_message_is_in_each_members_notifications_as_each_chose(
    school, client_for, make_user
):
    quiet, digest = make_user(name="Quiet Member"), make_user(name="Digest Member", locale="fi")
    for person in (quiet, digest):
        add_to_cohort(person, school["spring"])
    set_preference(quiet.id, "course_message", "off")
    set_preference(digest.id, "course_message", "digest")
    db.session.commit()
    browser = client_for(school["cohort_trainer"])
    message = {"subject": "Seminar on Friday", "body": "Bring your draft."}

    first = browser.post(_url(school, "spring", "/message"), data=message, follow_redirects=True)
    again = browser.post(_url(school, "spring", "/message"), data=message, follow_redirects=True)

    assert "Message sent to 3 members." in first.get_data(as_text=True)
    assert "already sent to the cohort today" in again.get_data(as_text=True)
    rows = (
        db.session.execute(db.select(Notification).where(Notification.kind == "course_message"))
        .scalars()
        .all()
    )
    by_person = {row.user_id: row for row in rows}
    assert set(by_person) == {
        school["anna"].id,
        quiet.id,
        digest.id,
    }  # once each; Bruno is in Autumn
    assert all("Seminar on Friday" in row.title and "Bring your draft." in row.body for row in rows)
    assert by_person[school["anna"].id].mail == "sent" and by_person[quiet.id].mail == "none"
    assert by_person[digest.id].mail == "digest" and "Hei" in by_person[digest.id].body
    assert [m["To"] for m in outbox() if "Seminar on Friday" in m["Subject"]] == [
        school["anna"].email
    ]
    listed = client_for(quiet).get("/notifications").get_data(as_text=True)
    assert "Seminar on Friday" in listed


def test_the_same_message_can_be_sent_again_another_day(school, monkeypatch):
    from nttlearn.cohorts import services

    assert services.message_cohort(school["spring"], school["cohort_trainer"], "Hi", "Text") == 1
    later = datetime.now(UTC) + timedelta(days=1)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert services.message_cohort(school["spring"], school["cohort_trainer"], "Hi", "Text") == 1


def test_a_message_sent_twice_at_once_tells_each_member_once(app, school):
    from nttlearn.cohorts import services
    from nttlearn.models import Cohort, User
    from nttlearn.testing import at_once

    cohort_id, sender_id = school["spring"].id, school["cohort_trainer"].id

    def send():
        services.message_cohort(
            db.session.get(Cohort, cohort_id), db.session.get(User, sender_id), "Hi", "Text"
        )

    errors = at_once(app, [send, send])

    assert errors == []
    assert count_rows(Notification, user_id=school["anna"].id, kind="course_message") == 1
