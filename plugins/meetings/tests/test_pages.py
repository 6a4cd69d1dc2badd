"""The learner's and the organiser's pages: what each sees, in whose time zone, and what they may do."""

from __future__ import annotations

import io
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

from pypdf import PdfReader

from nttlearn import db
from nttlearn.api import EventRecord, Organisation
from nttlearn.testing import count_rows
from nttlearn_meetings import calendar, services
from nttlearn_meetings.models import Attendance, Meeting, Registration


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_a_helsinki_meeting_at_nine_shows_eight_oclock_to_a_learner_in_bologna(
    make_user, make_meeting, client_for
):
    learner = make_user(org="Comune di Bologna", country="IT", town="Bologna")
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), hours=8, zone="Europe/Helsinki")

    page = _html(client_for(learner).get(f"/meetings/{meeting.id}"))

    assert "08:00" in page and "(Rome)" in page
    assert "09:00" in page and "in Helsinki" in page  # the meeting's own clock, named


def test_a_learner_reads_times_on_the_clock_of_their_account_page(
    make_user, make_meeting, client_for
):
    learner = make_user(org="Comune di Bologna", country="IT")
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), zone="Europe/Helsinki")
    browser = client_for(learner)
    learner.timezone = "Europe/Helsinki"  # as the account page saves it
    db.session.commit()

    page = _html(browser.get(f"/meetings/{meeting.id}"))
    mine = _html(browser.get("/meetings/mine"))

    assert "09:00" in page and "(Helsinki)" in page and "in Helsinki" not in page
    assert (
        "Your clock: Helsinki." in mine
        and 'href="/account"' in mine
        and 'name="time_zone"' not in mine
    )
    assert (
        browser.post("/meetings/mine").status_code == 405
    )  # the plugin has no time-zone setting of its own


def test_a_learner_registers_from_the_dashboard(make_user, make_meeting, client_for):
    learner = make_user()
    meeting = make_meeting()
    browser = client_for(learner)

    dashboard = _html(browser.get("/dashboard"))
    assert meeting.title in dashboard and f"/meetings/{meeting.id}/register" in dashboard
    response = browser.post(f"/meetings/{meeting.id}/register", data={"from": "dashboard"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert (
        count_rows(Registration, meeting_id=meeting.id, user_id=learner.id, state="registered") == 1
    )
    assert count_rows(EventRecord, name="meetings.registered", user_id=learner.id) == 1
    assert "You are registered" in _html(browser.get("/dashboard"))


def test_a_learner_cannot_organise(make_user, make_meeting, client_for):
    learner = make_user()
    meeting = make_meeting()
    browser = client_for(learner)

    assert browser.get("/meetings/new").status_code == 403
    assert browser.get(f"/meetings/{meeting.id}/check-in").status_code == 403
    assert (
        browser.post(f"/meetings/{meeting.id}/check-in", data={"user_id": learner.id}).status_code
        == 403
    )
    assert browser.get(f"/meetings/{meeting.id}/participants.csv").status_code == 403
    assert browser.post(f"/meetings/{meeting.id}/cancel").status_code == 403


def test_a_draft_is_hidden_from_learners_and_from_the_public_feed(
    make_user, make_meeting, client_for, client
):
    meeting = make_meeting(status="draft", title="Secret draft")

    assert client_for(make_user()).get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    assert b"Secret draft" not in client.get("/meetings/calendar.ics").data
    assert client_for(make_user(role="trainer")).get(f"/meetings/{meeting.id}").status_code == 200


def test_the_organiser_creates_a_meeting_and_bad_input_is_refused_with_a_message(
    make_user, client_for
):
    browser = client_for(make_user(role="coordinator"))
    form = {
        "title": "Seminar in Umeå",
        "kind": "seminar",
        "format": "in_person",
        "status": "published",
        "town": "Umeå",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "starts_at": "2030-03-11T09:00",
        "ends_at": "2030-03-10T17:00",
        "capacity": "0",
    }

    refused = browser.post("/meetings/new", data=form)
    assert refused.status_code == 400
    assert "Number must be at least 1" in _html(refused) or "at least 1" in _html(refused)
    form["capacity"] = "20"
    refused = browser.post("/meetings/new", data=form)
    assert refused.status_code == 400 and "The meeting must end after it starts." in _html(refused)
    assert count_rows(Meeting) == 0

    form["ends_at"] = "2030-03-11T17:00"
    created = browser.post("/meetings/new", data=form)

    assert created.status_code == 302
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.starts_at.isoformat() == "2030-03-11T08:00:00+00:00"  # 09:00 in Stockholm (CET)
    assert meeting.capacity == 20


def test_editing_keeps_a_history_and_raises_the_calendar_sequence(
    make_user, make_meeting, client_for
):
    trainer = make_user(role="trainer", name="Paolo Trainer")
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), by=trainer)
    browser = client_for(trainer)
    form = {
        "title": "Seminar on youth",
        "kind": "seminar",
        "format": "in_person",
        "status": "published",
        "town": "Helsinki",
        "country": "FI",
        "time_zone": "Europe/Helsinki",
        "starts_at": "2030-05-10T10:00",
        "ends_at": "2030-05-10T17:00",
    }

    assert browser.post(f"/meetings/{meeting.id}/edit", data=form).status_code == 302

    db.session.refresh(meeting)
    assert meeting.sequence == 1 and meeting.title == "Seminar on youth"
    history = _html(browser.get(f"/meetings/{meeting.id}/history"))
    assert (
        "Seminar on renewable energy" in history
        and "Seminar on youth" in history
        and "Paolo Trainer" in history
    )


def test_cancelling_tells_each_registrant_in_their_own_language(
    app, compiled_translations, make_user, make_meeting, client_for
):
    giulia = make_user(name="Giulia Rossi", locale="it")
    aino = make_user(name="Aino Virtanen", locale="fi")
    trainer = make_user(role="trainer")
    meeting = make_meeting(title="Seminario", by=trainer)
    for person in (giulia, aino):
        services.register(meeting.id, person)
    db.session.commit()

    response = client_for(trainer).post(
        f"/meetings/{meeting.id}/cancel", data={"reason": "Sciopero dei trasporti"}
    )

    assert response.status_code == 302
    sent = [
        message_from_bytes(p.read_bytes())
        for p in sorted((Path(app.instance_path) / "mail").glob("*.eml"))
    ]
    subjects = {
        str(make_header(decode_header(m["To"]))): str(make_header(decode_header(m["Subject"])))
        for m in sent
    }
    assert subjects[giulia.email].startswith("Annullato") and subjects[aino.email].startswith(
        "Peruttu"
    )
    db.session.refresh(meeting)
    assert meeting.status == "cancelled" and meeting.sequence == 1


def test_duplicating_makes_a_draft_copy_with_the_agenda(make_user, make_meeting, client_for):
    trainer = make_user(role="trainer")
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), by=trainer)
    services.add_agenda_item(
        meeting, title="Welcome", starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    db.session.commit()

    response = client_for(trainer).post(f"/meetings/{meeting.id}/duplicate")

    assert response.status_code == 302
    copy = db.session.execute(db.select(Meeting).where(Meeting.id != meeting.id)).scalar_one()
    assert (
        copy.status == "draft" and copy.uid != meeting.uid and len(services.agenda_of(copy.id)) == 1
    )


def test_the_organiser_checks_a_person_in_once_from_the_phone_list(
    make_user, make_meeting, client_for
):
    learner = make_user(name="Aino Virtanen")
    trainer = make_user(role="trainer")
    meeting = make_meeting(
        start=datetime.now().replace(hour=0, minute=1), hours=23.9, zone="UTC", by=trainer
    )
    services.register(meeting.id, learner)
    db.session.commit()
    browser = client_for(trainer)

    page = _html(browser.get(f"/meetings/{meeting.id}/check-in"))
    assert "Aino Virtanen" in page and "0 of 1 checked in" in page
    first = browser.post(
        f"/meetings/{meeting.id}/check-in", data={"user_id": learner.id}, follow_redirects=True
    )
    second = browser.post(
        f"/meetings/{meeting.id}/check-in", data={"user_id": learner.id}, follow_redirects=True
    )

    assert "1 of 1 checked in" in _html(first)
    assert "has already been checked in" in _html(second)
    assert count_rows(Attendance, meeting_id=meeting.id) == 1
    assert count_rows(EventRecord, name="meetings.attended") == 1


def test_the_participant_list_csv_defuses_formulas(make_user, make_meeting, client_for):
    trainer = make_user(role="trainer")
    meeting = make_meeting(by=trainer)
    services.register(meeting.id, make_user(name='=HYPERLINK("http://evil")'))
    db.session.commit()

    response = client_for(trainer).get(f"/meetings/{meeting.id}/participants.csv")

    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_the_attendance_sheet_is_a_pdf_with_a_signature_column(make_user, make_meeting, client_for):
    organisation = Organisation(name="Luleå kommun", town="Luleå", country="SE")
    db.session.add(organisation)
    person = make_user(name="Åsa Lindqvist")
    person.organisation = organisation
    db.session.commit()
    trainer = make_user(role="trainer")
    meeting = make_meeting(
        start=datetime(2030, 3, 11, 9, 0), hours=28, zone="Europe/Stockholm", by=trainer
    )
    services.register(meeting.id, person)
    db.session.commit()

    response = client_for(trainer).get(f"/meetings/{meeting.id}/attendance-2030-03-12.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in (
        "Attendance sheet",
        "Åsa Lindqvist",
        "Luleå kommun",
        "Luleå",
        "SE",
        "Signature",
    ):
        assert expected in text


def test_documents_go_through_the_media_allow_list(make_user, make_meeting, client_for):
    trainer = make_user(role="trainer")
    meeting = make_meeting(by=trainer)
    browser = client_for(trainer)

    refused = browser.post(
        f"/meetings/{meeting.id}/documents",
        data={
            "kind": "minutes",
            "title": "Minutes",
            "file": (io.BytesIO(b"<html>not a pdf</html>"), "minutes.pdf"),
        },
    )
    accepted = browser.post(
        f"/meetings/{meeting.id}/documents",
        data={
            "kind": "minutes",
            "title": "Minutes",
            "file": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), "minutes.pdf"),
        },
    )

    assert refused.status_code == 400 and "not a valid .pdf file" in _html(refused)
    assert accepted.status_code == 302
    learner_view = client_for(make_user()).get(f"/meetings/{meeting.id}")
    assert "Minutes" in _html(learner_view)


def test_the_personal_feed_address_is_shown_once_and_can_be_revoked(
    make_user, make_meeting, client_for, client
):
    learner = make_user()
    meeting = make_meeting(title="My seminar")
    services.register(meeting.id, learner)
    db.session.commit()
    browser = client_for(learner)

    page = _html(browser.post("/meetings/mine/calendar"))
    url = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = url.split("localhost", 1)[-1]
    assert b"My seminar" in client.get(path).data
    assert calendar.feed_owner(path.rsplit("/", 1)[-1].removesuffix(".ics")) == learner.id

    browser.post("/meetings/mine/calendar/revoke")
    assert client.get(path).status_code == 404
