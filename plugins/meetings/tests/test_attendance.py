"""Check-in per day, the meetings.attended event once per person and day, and
meetings.meeting_held exactly once per meeting that has ended with attendees."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from nttlearn import db
from nttlearn.api import EventRecord
from nttlearn.testing import at_once, count_rows
from nttlearn_meetings import services
from nttlearn_meetings.models import Attendance


@pytest.fixture
def helsinki(make_meeting):
    """Helsinki, 10–11 May 2010, 09:00 to 13:00 the next day (Europe/Helsinki)."""
    return make_meeting(
        start=datetime(2010, 5, 10, 9, 0),
        hours=28,
        zone="Europe/Helsinki",
        kind="partnering",
        town="Helsinki",
        country="FI",
    )


def _register_before(meeting, person):
    services.register(meeting.id, person, now=meeting.starts_at - timedelta(days=10))


def test_a_two_day_meeting_has_two_check_in_days_on_its_own_clock(helsinki):
    assert services.meeting_days(helsinki) == [date(2010, 5, 10), date(2010, 5, 11)]


def test_checking_in_records_the_day_and_emits_attended(make_user, helsinki):
    person = make_user()
    _register_before(helsinki, person)

    services.check_in(
        helsinki.id, person, date(2010, 5, 10), now=datetime(2010, 5, 10, 7, 0).astimezone()
    )

    event = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "meetings.attended")
    ).scalar_one()
    assert event.user_id == person.id
    assert event.data == {
        "meeting_id": helsinki.id,
        "kind": "partnering",
        "day": "2010-05-10",
        "country": "FI",
        "town": "Helsinki",
    }


def test_a_second_check_in_the_same_day_is_refused_and_recorded_once(make_user, helsinki):
    person = make_user(name="Aino Virtanen")
    _register_before(helsinki, person)
    services.check_in(helsinki.id, person, date(2010, 5, 10))

    with pytest.raises(
        services.MeetingError, match="Aino Virtanen has already been checked in on May 10, 2010"
    ):
        services.check_in(helsinki.id, person, date(2010, 5, 10))
    db.session.commit()
    assert count_rows(Attendance, meeting_id=helsinki.id) == 1


def test_only_registered_people_on_the_meetings_days_are_checked_in(
    make_user, helsinki, make_meeting
):
    stranger, person = make_user(name="Stranger"), make_user()
    _register_before(helsinki, person)
    future = make_meeting()
    services.register(future.id, person)

    with pytest.raises(services.MeetingError, match="not registered"):
        services.check_in(helsinki.id, stranger, date(2010, 5, 10))
    with pytest.raises(services.MeetingError, match="is not a day of this meeting"):
        services.check_in(helsinki.id, person, date(2010, 5, 12))
    with pytest.raises(services.MeetingError, match="has not come yet"):
        services.check_in(future.id, person, services.meeting_days(future)[0])


def test_a_check_in_after_the_end_announces_the_meeting_once(make_user, helsinki):
    first, second = make_user(), make_user()
    for person in (first, second):
        _register_before(helsinki, person)

    services.check_in(helsinki.id, first, date(2010, 5, 10))
    services.check_in(helsinki.id, second, date(2010, 5, 11))
    services.check_in(helsinki.id, first, date(2010, 5, 11))

    held = (
        db.session.execute(
            db.select(EventRecord).where(EventRecord.name == "meetings.meeting_held")
        )
        .scalars()
        .all()
    )
    assert len(held) == 1
    assert held[0].user_id is None
    assert held[0].data == {
        "meeting_id": helsinki.id,
        "kind": "partnering",
        "starts_at": "2010-05-10T06:00:00+00:00",
        "ends_at": "2010-05-11T10:00:00+00:00",
        "country": "FI",
        "town": "Helsinki",
        "attendees": 1,
    }
    assert services.close_ended() == []


def test_check_ins_during_the_meeting_wait_for_close_ended(make_user, helsinki, make_meeting):
    person = make_user()
    _register_before(helsinki, person)
    during = datetime(2010, 5, 10, 8, 0).astimezone()
    services.check_in(helsinki.id, person, date(2010, 5, 10), now=during)
    services.check_in(helsinki.id, person, date(2010, 5, 11), now=during + timedelta(days=1))
    empty = make_meeting(
        start=datetime(2010, 4, 6, 9, 0), zone="Europe/Madrid"
    )  # ended, nobody came
    assert count_rows(EventRecord, name="meetings.meeting_held") == 0

    assert services.close_ended() == [helsinki.id]
    assert services.close_ended() == []
    held = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "meetings.meeting_held")
    ).scalar_one()
    assert held.data["attendees"] == 1 and empty.held_at is None


def test_close_ended_run_by_two_workers_at_once_announces_once(app, make_user, helsinki):
    person = make_user()
    _register_before(helsinki, person)
    services.check_in(
        helsinki.id, person, date(2010, 5, 10), now=datetime(2010, 5, 10, 8, 0).astimezone()
    )
    db.session.commit()

    errors = at_once(app, [services.close_ended, services.close_ended])

    assert count_rows(EventRecord, name="meetings.meeting_held") == 1
    assert all(
        "locked" in str(error).lower() for error in errors
    )  # SQLite may refuse the second writer
