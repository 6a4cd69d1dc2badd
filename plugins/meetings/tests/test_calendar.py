"""The iCalendar feeds, read back with the icalendar library as a calendar program reads them."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from nttlearn import db
from nttlearn_meetings import calendar, services


def _events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_a_helsinki_meeting_is_at_nine_with_its_time_zone(client, make_meeting):
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), zone="Europe/Helsinki")

    response = client.get(f"/meetings/{meeting.id}.ics")

    assert response.mimetype == "text/calendar"
    parsed = Calendar.from_ical(response.data)
    [event] = parsed.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event.decoded("DTSTART").strftime("%H:%M") == "09:00"
    assert b"DTSTART;TZID=Europe/Helsinki:20300510T090000" in response.data
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert (
        str(event["UID"]) == meeting.uid
        and event["SEQUENCE"] == 0
        and str(event["STATUS"]) == "CONFIRMED"
    )


def test_an_edit_keeps_the_uid_and_raises_the_sequence_and_a_cancellation_says_so(
    client, make_meeting
):
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0))
    details = services.details_of(meeting)
    details.venue = "Helsingin kaupungintalo"
    services.update_meeting(meeting, details)
    db.session.commit()
    [edited] = _events(client.get(f"/meetings/{meeting.id}.ics").data)

    services.cancel_meeting(meeting)
    db.session.commit()
    [cancelled] = _events(client.get(f"/meetings/{meeting.id}.ics").data)

    assert str(edited["UID"]) == str(cancelled["UID"]) == meeting.uid
    assert (edited["SEQUENCE"], cancelled["SEQUENCE"]) == (1, 2)
    assert "Helsingin kaupungintalo" in str(edited["LOCATION"])
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_the_public_feed_lists_published_meetings_with_one_time_zone_each(client, make_meeting):
    make_meeting(title="Helsinki", zone="Europe/Helsinki")
    make_meeting(title="Bologna", zone="Europe/Rome")
    make_meeting(title="Rome draft", zone="Europe/Rome", status="draft")

    parsed = Calendar.from_ical(client.get("/meetings/calendar.ics").data)

    assert sorted(str(e["SUMMARY"]) for e in parsed.walk("VEVENT")) == ["Bologna", "Helsinki"]
    assert sorted(str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")) == [
        "Europe/Helsinki",
        "Europe/Rome",
    ]


def test_a_personal_feed_holds_the_persons_meetings_and_a_new_token_ends_the_old(
    client, make_user, make_meeting
):
    person = make_user()
    mine, other = make_meeting(title="Mine"), make_meeting(title="Not mine")
    services.register(mine.id, person)
    old = calendar.new_feed_token(person.id)
    new = calendar.new_feed_token(person.id)
    db.session.commit()

    assert client.get(f"/meetings/calendar/{old}.ics").status_code == 404
    assert [
        str(e["SUMMARY"]) for e in _events(client.get(f"/meetings/calendar/{new}.ics").data)
    ] == ["Mine"]
    assert client.get("/meetings/calendar/not-a-token.ics").status_code == 404
    assert other.id != mine.id
