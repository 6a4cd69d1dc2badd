"""A meeting as the seminar of cohorts: who may link a cohort, what the cohort's members get on
their to-do list and calendar, and what the cohort's page shows and lets its trainer send."""

from __future__ import annotations

import re
from datetime import date, datetime

import icalendar
import pytest

from nttlearn import db
from nttlearn.api import add_to_cohort
from nttlearn.cohorts.services import add_cohort_trainer, create_cohort
from nttlearn.learn.todo import todo_items
from nttlearn.models import Notification
from nttlearn.testing import count_rows
from nttlearn_meetings import services
from nttlearn_meetings.models import CohortLink, MeetingRevision

FORM = {
    "title": "Bologna seminar",
    "kind": "seminar",
    "format": "in_person",
    "status": "published",
    "town": "Bologna",
    "country": "IT",
    "time_zone": "Europe/Rome",
    "starts_at": "2030-05-10T09:00",
    "ends_at": "2030-05-10T17:00",
}


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def programme(make_user, make_course, make_meeting):
    """A course taught by ``trainer`` with the cohort Spring (``member`` in it), another course
    taught by ``stranger`` (a co-organiser of the meeting), and the trainer's meeting."""
    trainer = make_user(role="trainer", name="Teresa Trainer")
    stranger = make_user(role="trainer", name="Sven Stranger")
    member, outsider = make_user(name="Mia Member"), make_user(name="Otto Outsider")
    course = make_course(trainer=trainer, title="Networking")
    other = make_course(trainer=stranger, title="Energy")
    spring = create_cohort(course, "Spring", date(2030, 1, 1))
    autumn = create_cohort(other, "Autumn", date(2030, 1, 1))
    add_to_cohort(member, spring)
    db.session.commit()
    meeting = make_meeting(
        start=datetime(2030, 5, 10, 9, 0),
        zone="Europe/Rome",
        by=trainer,
        title="Bologna seminar",
        course_ids=[course.id, other.id],
    )
    services.add_co_organiser(meeting, stranger, by_id=trainer.id)
    db.session.commit()
    return {
        "trainer": trainer,
        "stranger": stranger,
        "member": member,
        "outsider": outsider,
        "course": course,
        "other": other,
        "spring": spring,
        "autumn": autumn,
        "meeting": meeting,
    }


def _edit(browser, p, **fields):
    data = {**FORM, "course_ids": [p["course"].id, p["other"].id], **fields}
    return browser.post(f"/meetings/{p['meeting'].id}/edit", data=data)


def test_a_trainer_links_a_cohort_of_their_course_and_its_members_are_asked_to_register(
    app, programme, client_for
):
    p = programme
    browser = client_for(p["trainer"])
    form = _html(browser.get(f"/meetings/{p['meeting'].id}/edit"))
    assert (
        "Networking: Spring" in form and "Energy: Autumn" not in form
    )  # only the cohorts of their courses

    assert _edit(browser, p, cohort_ids=[p["spring"].id]).status_code == 302

    assert count_rows(CohortLink, meeting_id=p["meeting"].id, cohort_id=p["spring"].id) == 1
    revision = (
        db.session.execute(
            db.select(MeetingRevision).where(
                MeetingRevision.meeting_id == p["meeting"].id, MeetingRevision.action == "edited"
            )
        )
        .scalars()
        .all()[-1]
    )
    assert revision.changes == {"cohorts": ["", "Networking: Spring"]}
    with app.test_request_context():
        mine = {i.key: i for i in todo_items(p["member"])}
        theirs = {i.key for i in todo_items(p["outsider"])}
    item = mine[f"meeting:{p['meeting'].id}:register"]
    assert item.title == "Register for Bologna seminar, your cohort's seminar on May 10, 2030"
    assert item.due_at == p["meeting"].starts_at and item.ends_at == p["meeting"].ends_at
    assert f"meeting:{p['meeting'].id}:register" not in theirs

    services.register(p["meeting"].id, p["member"])
    db.session.commit()
    with app.test_request_context():
        keys = {i.key for i in todo_items(p["member"])}
    assert (
        f"meeting:{p['meeting'].id}:attend" in keys
        and f"meeting:{p['meeting'].id}:register" not in keys
    )


def test_the_cohort_seminar_is_in_the_members_calendar_feed(app, programme, client):
    from nttlearn.calendar.services import new_feed_token

    p = programme
    db.session.add(CohortLink(meeting_id=p["meeting"].id, cohort_id=p["spring"].id))
    token = new_feed_token(p["member"])
    db.session.commit()

    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/feed/{token}.ics").get_data())

    [event] = [e for e in feed.walk("VEVENT") if "Bologna seminar" in str(e["summary"])]
    assert (
        event.decoded("dtstart") == p["meeting"].starts_at
        and event.decoded("dtend") == p["meeting"].ends_at
    )
    assert str(event["url"]).endswith(f"/meetings/{p['meeting'].id}")


def test_a_trainer_of_another_course_cannot_link_its_cohort_and_keeps_the_links_of_others(
    programme, client_for
):
    p = programme
    db.session.add(CohortLink(meeting_id=p["meeting"].id, cohort_id=p["spring"].id))
    db.session.commit()
    browser = client_for(p["stranger"])  # a co-organiser, trainer of Energy only
    form = _html(browser.get(f"/meetings/{p['meeting'].id}/edit"))
    choices = re.search(r'<select[^>]*id="cohort_ids".*?</select>', form, re.S).group(0)
    assert "Energy: Autumn" in choices and "Spring" not in choices
    assert "linked by their courses' trainers" in form and "Networking: Spring" in form

    refused = _edit(browser, p, cohort_ids=[p["spring"].id, p["autumn"].id])
    assert refused.status_code == 400 and "is not a valid choice" in _html(refused)
    assert count_rows(CohortLink, meeting_id=p["meeting"].id, cohort_id=p["autumn"].id) == 0

    assert _edit(browser, p, cohort_ids=[p["autumn"].id]).status_code == 302
    assert count_rows(CohortLink, meeting_id=p["meeting"].id, cohort_id=p["autumn"].id) == 1
    assert count_rows(CohortLink, meeting_id=p["meeting"].id, cohort_id=p["spring"].id) == 1  # kept


def test_a_cohort_of_a_course_the_meeting_is_not_linked_to_is_refused(programme, client_for):
    p = programme
    browser = client_for(p["trainer"])

    refused = _edit(
        browser, p, course_ids=[p["other"].id], cohort_ids=[p["spring"].id], title="New title"
    )

    assert refused.status_code == 400
    assert "Spring is a cohort of “Networking”, which this meeting is not linked to" in _html(
        refused
    )
    assert 'value="New title"' in _html(refused)  # what was typed is shown again
    assert count_rows(CohortLink, meeting_id=p["meeting"].id) == 0
    db.session.refresh(p["meeting"])
    assert p["meeting"].title == "Bologna seminar"  # nothing half-saved


def test_the_cohort_page_lists_its_seminars_and_a_message_about_the_next_one(
    app, programme, client_for, make_user
):
    p = programme
    db.session.add(CohortLink(meeting_id=p["meeting"].id, cohort_id=p["spring"].id))
    services.register(p["meeting"].id, p["member"])
    cohort_trainer = make_user(role="trainer")
    add_cohort_trainer(p["spring"], cohort_trainer)
    db.session.commit()
    url = f"/teach/courses/{p['course'].id}/cohorts/{p['spring'].id}"

    page = _html(client_for(p["trainer"]).get(url))
    assert "Seminars of this cohort" in page and "Bologna seminar" in page
    assert "1 member of the cohort is registered." in page
    assert 'value="Next seminar: Bologna seminar, Friday, May 10, 2030"' in page
    assert "Plan a seminar" in page
    assert (
        client_for(p["stranger"]).get(url).status_code == 403
    )  # the core's permission still decides

    browser = client_for(
        cohort_trainer
    )  # a cohort's own trainer sees it and may message the cohort
    page = _html(browser.get(url))
    assert "Bologna seminar" in page and "Plan a seminar" not in page
    subject = "Next seminar: Bologna seminar, Friday, May 10, 2030"
    body = f"Our next seminar is Bologna seminar. Please register: http://localhost/meetings/{p['meeting'].id}"
    assert (
        browser.post(f"{url}/message", data={"subject": subject, "body": body}).status_code == 302
    )
    [note] = db.session.execute(
        db.select(Notification).where(
            Notification.user_id == p["member"].id, Notification.kind == "course_message"
        )
    ).scalars()
    assert subject in note.title and f"/meetings/{p['meeting'].id}" in note.body


def test_a_cohort_without_seminars_says_how_to_link_one(programme, client_for):
    p = programme
    page = _html(
        client_for(p["stranger"]).get(f"/teach/courses/{p['other'].id}/cohorts/{p['autumn'].id}")
    )
    assert "No seminar is linked to this cohort yet." in page and "Tell the cohort" not in page


def test_deleting_a_cohort_removes_its_links(programme):
    from nttlearn.cohorts.services import delete_cohort

    p = programme
    db.session.add(CohortLink(meeting_id=p["meeting"].id, cohort_id=p["spring"].id))
    db.session.commit()
    delete_cohort(p["spring"])
    db.session.commit()
    assert count_rows(CohortLink, meeting_id=p["meeting"].id) == 0


def test_the_cohort_deletion_page_lists_the_seminar_links_that_go(programme, client_for):
    p = programme
    db.session.add(CohortLink(meeting_id=p["meeting"].id, cohort_id=p["spring"].id))
    db.session.commit()
    url = f"/teach/courses/{p['spring'].course_id}/cohorts/{p['spring'].id}/delete"

    page = _html(client_for(p["trainer"]).get(url))

    assert (
        "The link to 1 seminar is removed (Bologna seminar); the seminar and its registrations stay."
        in page
    )
    assert count_rows(CohortLink, meeting_id=p["meeting"].id) == 1
