"""Registration: seats, the waiting list promoted in order, the deadline, double clicks and two
people racing for the last seat."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nttlearn import db
from nttlearn.api import EventRecord, User, utcnow
from nttlearn.testing import at_once, count_rows
from nttlearn_meetings import services
from nttlearn_meetings.models import Registration


def test_a_full_meeting_puts_people_on_a_waiting_list_promoted_in_order(make_user, make_meeting):
    meeting = make_meeting(capacity=1)
    first, second, third = (
        make_user(name="First"),
        make_user(name="Second"),
        make_user(name="Third"),
    )

    states = [services.register(meeting.id, person).state for person in (first, second, third)]
    assert states == ["registered", "waiting", "waiting"]

    promoted = services.cancel_registration(meeting.id, first)

    assert promoted == [second.id]
    assert services.registration_of(meeting.id, third.id).state == "waiting"
    registered_events = (
        db.session.execute(
            db.select(EventRecord.user_id)
            .where(EventRecord.name == "meetings.registered")
            .order_by(EventRecord.id)
        )
        .scalars()
        .all()
    )
    assert registered_events == [first.id, second.id]


def test_the_registered_event_names_the_meeting_and_its_kind(make_user, make_meeting):
    meeting = make_meeting(kind="partnering")
    person = make_user()

    services.register(meeting.id, person)

    event = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "meetings.registered")
    ).scalar_one()
    assert event.user_id == person.id and event.data == {
        "meeting_id": meeting.id,
        "kind": "partnering",
    }


def test_raising_the_capacity_gives_seats_to_the_waiting_list(make_user, make_meeting):
    meeting = make_meeting(capacity=1)
    services.register(meeting.id, make_user())
    waiting = make_user()
    services.register(meeting.id, waiting)
    details = services.details_of(meeting)
    details.capacity = 2

    services.update_meeting(meeting, details)

    assert services.registration_of(meeting.id, waiting.id).state == "registered"


def test_the_capacity_cannot_drop_below_the_people_registered(make_user, make_meeting):
    meeting = make_meeting(capacity=3)
    for _ in range(2):
        services.register(meeting.id, make_user())
    details = services.details_of(meeting)
    details.capacity = 1

    with pytest.raises(services.MeetingError, match="2 people are already registered"):
        services.update_meeting(meeting, details)


def test_a_registration_after_the_deadline_is_refused_but_the_organiser_may_still_register(
    make_user, make_meeting
):
    meeting = make_meeting(registration_deadline=utcnow() - timedelta(hours=1))
    learner, organiser = make_user(), make_user(role="trainer")

    with pytest.raises(services.MeetingError, match="Registration for this meeting has closed"):
        services.register(meeting.id, learner)
    assert services.register(meeting.id, learner, by_id=organiser.id).state == "registered"


def test_registering_twice_is_refused_with_a_message_and_one_row(make_user, make_meeting):
    meeting = make_meeting()
    learner = make_user(name="Giulia Rossi")
    services.register(meeting.id, learner)

    with pytest.raises(services.MeetingError, match="Giulia Rossi is already registered"):
        services.register(meeting.id, learner)
    db.session.commit()
    assert count_rows(Registration, meeting_id=meeting.id) == 1


def test_cancelling_and_registering_again_reuses_the_row(make_user, make_meeting):
    meeting = make_meeting()
    learner = make_user()
    services.register(meeting.id, learner)
    services.cancel_registration(meeting.id, learner)

    assert services.register(meeting.id, learner).state == "registered"
    db.session.commit()
    assert count_rows(Registration, meeting_id=meeting.id) == 1


def test_nobody_registers_for_a_cancelled_or_ended_meeting(make_user, make_meeting):
    cancelled = make_meeting()
    services.cancel_meeting(cancelled)
    ended = make_meeting(start=(utcnow() - timedelta(days=3)).replace(tzinfo=None), zone="UTC")

    with pytest.raises(services.MeetingError, match="cancelled"):
        services.register(cancelled.id, make_user())
    with pytest.raises(services.MeetingError, match="already ended"):
        services.register(ended.id, make_user())


def test_two_people_racing_for_the_last_seat_get_one_seat_and_one_waiting_place(
    app, make_user, make_meeting
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row lock is PostgreSQL's")
    meeting = make_meeting(capacity=1)
    ids = [make_user().id, make_user().id]

    def take_seat(user_id: int):
        return lambda: services.register(meeting.id, db.session.get(User, user_id))

    errors = at_once(app, [take_seat(user_id) for user_id in ids])

    assert errors == []
    assert count_rows(Registration, meeting_id=meeting.id, state="registered") == 1
    assert count_rows(Registration, meeting_id=meeting.id, state="waiting") == 1


def test_a_double_click_makes_one_registration(app, make_user, make_meeting):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row lock is PostgreSQL's")
    meeting = make_meeting()
    user_id = make_user().id

    errors = at_once(
        app,
        [lambda: services.register(meeting.id, db.session.get(User, user_id)) for _ in range(2)],
    )

    assert len(errors) == 1 and "already registered" in str(errors[0])
    assert count_rows(Registration, meeting_id=meeting.id) == 1
    assert count_rows(EventRecord, name="meetings.registered") == 1
