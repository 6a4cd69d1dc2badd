"""Who organises a meeting: its owner (the trainer who planned it, coordinators, admins), the
co-organisers the owner adds, and nobody else; and what each of them may do, route by route."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from nttlearn import db
from nttlearn.testing import count_rows
from nttlearn_meetings import services
from nttlearn_meetings.models import CoOrganiser, Meeting, MeetingRevision


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def team(make_user, make_meeting):
    """A meeting planned by a trainer, one co-organiser, another trainer, a coordinator and a learner."""
    owner = make_user(role="trainer", name="Paolo Owner")
    helper = make_user(role="trainer", name="Aino Helper")
    meeting = make_meeting(start=datetime(2030, 5, 10, 9, 0), by=owner)
    services.add_co_organiser(meeting, helper, by_id=owner.id)
    db.session.commit()
    return {
        "meeting": meeting,
        "owner": owner,
        "helper": helper,
        "stranger": make_user(role="trainer"),
        "coordinator": make_user(role="coordinator"),
        "learner": make_user(),
    }


# Every organiser's GET page of a meeting: the co-organiser opens it, another trainer may not.
ORGANISER_PAGES = (
    "edit",
    "history",
    "agenda",
    "participants",
    "participants.csv",
    "check-in",
    "attendance.csv",
    "attendance-2030-05-10.pdf",
    "documents",
    "organisers",
)


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_a_co_organiser_opens_every_organiser_page_and_another_trainer_none(team, client_for, page):
    meeting = team["meeting"]
    url = f"/meetings/{meeting.id}/{page}"

    assert client_for(team["helper"]).get(url).status_code == 200
    assert client_for(team["owner"]).get(url).status_code == 200
    assert client_for(team["coordinator"]).get(url).status_code == 200
    assert client_for(team["stranger"]).get(url).status_code == 403
    assert client_for(team["learner"]).get(url).status_code == 403


def test_a_co_organiser_edits_checks_in_and_manages_the_agenda_and_documents(
    team, client_for, make_user
):
    meeting, browser = team["meeting"], client_for(team["helper"])
    person = make_user(email="aino@example.fi")
    form = {
        "title": "Seminar on youth",
        "kind": "seminar",
        "format": "in_person",
        "status": "published",
        "town": "Helsinki",
        "country": "FI",
        "time_zone": "Europe/Helsinki",
        "starts_at": "2030-05-10T09:00",
        "ends_at": "2030-05-10T17:00",
    }

    assert browser.post(f"/meetings/{meeting.id}/edit", data=form).status_code == 302
    assert (
        browser.post(
            f"/meetings/{meeting.id}/participants", data={"email": "aino@example.fi"}
        ).status_code
        == 302
    )
    assert (
        browser.post(
            f"/meetings/{meeting.id}/agenda",
            data={
                "kind": "session",
                "title": "Welcome",
                "starts_at": "2030-05-10T09:00",
                "ends_at": "2030-05-10T10:00",
            },
        ).status_code
        == 302
    )
    assert (
        browser.post(
            f"/meetings/{meeting.id}/documents",
            data={
                "kind": "minutes",
                "title": "Minutes",
                "file": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), "minutes.pdf"),
            },
        ).status_code
        == 302
    )
    assert browser.post(f"/meetings/{meeting.id}/duplicate").status_code == 302

    db.session.refresh(meeting)
    assert meeting.title == "Seminar on youth"
    assert services.registration_of(meeting.id, person.id).state == "registered"


def test_a_co_organiser_may_not_cancel_the_meeting_nor_choose_co_organisers(team, client_for):
    meeting, browser = team["meeting"], client_for(team["helper"])

    assert browser.post(f"/meetings/{meeting.id}/cancel", data={"reason": "no"}).status_code == 403
    assert (
        browser.post(
            f"/meetings/{meeting.id}/organisers", data={"email": team["stranger"].email}
        ).status_code
        == 403
    )
    assert (
        browser.post(f"/meetings/{meeting.id}/organisers/{team['helper'].id}/remove").status_code
        == 403
    )
    edit_page = _html(browser.get(f"/meetings/{meeting.id}/edit"))
    assert f"/meetings/{meeting.id}/cancel" not in edit_page
    db.session.refresh(meeting)
    assert meeting.status == "published" and count_rows(CoOrganiser, meeting_id=meeting.id) == 1


@pytest.mark.parametrize(
    "route",
    [
        "edit",
        "participants",
        "agenda",
        "documents",
        "check-in",
        "cancel",
        "duplicate",
        "organisers",
    ],
)
def test_another_trainer_changes_nothing(team, client_for, route):
    meeting = team["meeting"]

    response = client_for(team["stranger"]).post(f"/meetings/{meeting.id}/{route}", data={})

    assert response.status_code == 403
    assert count_rows(Meeting) == 1


def test_the_owner_adds_and_removes_a_co_organiser_and_the_history_says_so(
    team, client_for, make_user
):
    meeting, browser = team["meeting"], client_for(team["owner"])
    newcomer = make_user(role="trainer", name="Chiara Newcomer")

    added = browser.post(f"/meetings/{meeting.id}/organisers", data={"email": newcomer.email})
    twice = browser.post(f"/meetings/{meeting.id}/organisers", data={"email": newcomer.email})
    learner = browser.post(
        f"/meetings/{meeting.id}/organisers", data={"email": team["learner"].email}
    )

    assert added.status_code == 302
    assert twice.status_code == 400 and "already a co-organiser" in _html(twice)
    assert learner.status_code == 400 and "Only trainers and coordinators" in _html(learner)
    assert count_rows(CoOrganiser, meeting_id=meeting.id, user_id=newcomer.id) == 1
    assert client_for(newcomer).get(f"/meetings/{meeting.id}/check-in").status_code == 200

    assert (
        browser.post(f"/meetings/{meeting.id}/organisers/{newcomer.id}/remove").status_code == 302
    )
    assert client_for(newcomer).get(f"/meetings/{meeting.id}/check-in").status_code == 403
    history = _html(browser.get(f"/meetings/{meeting.id}/history"))
    assert (
        "Co-organiser added" in history
        and "Co-organiser removed" in history
        and "Chiara Newcomer" in history
    )


def test_a_co_organiser_demoted_to_learner_organises_nothing(team, client_for):
    team["helper"].role = "learner"
    db.session.commit()

    assert client_for(team["helper"]).get(f"/meetings/{team['meeting'].id}/edit").status_code == 403


def test_agenda_and_document_changes_are_in_the_history_with_who_and_what(team, client_for):
    meeting, browser = team["meeting"], client_for(team["helper"])
    browser.post(
        f"/meetings/{meeting.id}/agenda",
        data={
            "kind": "session",
            "title": "Opening plenary",
            "starts_at": "2030-05-10T09:00",
            "ends_at": "2030-05-10T10:00",
            "room": "Sali 1",
        },
    )
    browser.post(
        f"/meetings/{meeting.id}/documents",
        data={
            "kind": "minutes",
            "title": "Minutes of day one",
            "file": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), "minutes.pdf"),
        },
    )
    [item] = services.agenda_of(meeting.id)
    [document] = services.documents_of(meeting.id)
    owner = client_for(team["owner"])
    assert owner.post(f"/meetings/{meeting.id}/agenda/{item.id}/delete").status_code == 302
    assert owner.post(f"/meetings/{meeting.id}/documents/{document.id}/delete").status_code == 302

    actions = [
        (r.action, r.changed_by_id, r.changes.get("title"))
        for r in db.session.execute(
            db.select(MeetingRevision)
            .where(MeetingRevision.meeting_id == meeting.id)
            .order_by(MeetingRevision.id)
        ).scalars()
    ]
    assert actions[-4:] == [
        ("agenda_added", team["helper"].id, "Opening plenary"),
        ("document_added", team["helper"].id, "Minutes of day one"),
        ("agenda_removed", team["owner"].id, "Opening plenary"),
        ("document_removed", team["owner"].id, "Minutes of day one"),
    ]
    page = _html(owner.get(f"/meetings/{meeting.id}/history"))
    for text in (
        "Added to the agenda",
        "Removed from the agenda",
        "Document attached",
        "Document removed",
        "Opening plenary",
        "Sali 1",
        "minutes.pdf",
        "Aino Helper",
        "Paolo Owner",
    ):
        assert text in page


def test_a_meeting_made_without_a_planner_is_organised_by_coordinators_only(
    make_meeting, make_user, client_for
):
    meeting = make_meeting()

    assert (
        client_for(make_user(role="coordinator")).get(f"/meetings/{meeting.id}/edit").status_code
        == 200
    )
    assert (
        client_for(make_user(role="trainer")).get(f"/meetings/{meeting.id}/edit").status_code == 403
    )


def test_two_owners_adding_the_same_co_organiser_at_once_make_one_row(app, team, make_user):
    from nttlearn.api import User
    from nttlearn.testing import at_once

    meeting_id, newcomer_id = team["meeting"].id, make_user(role="trainer").id

    def add():
        services.add_co_organiser(
            services.get_meeting(meeting_id), db.session.get(User, newcomer_id)
        )

    errors = at_once(app, [add, add])

    assert count_rows(CoOrganiser, meeting_id=meeting_id, user_id=newcomer_id) == 1
    assert len(errors) <= 1 and all(isinstance(e, services.MeetingError) for e in errors)


def test_the_owner_removes_a_co_organiser_from_the_row_s_menu_after_a_question(team, client_for):
    meeting = team["meeting"]

    page = _html(client_for(team["owner"]).get(f"/meetings/{meeting.id}/organisers"))
    helper_row = page[page.index(f'id="organiser-{team["helper"].id}"') :].split("</li>", 1)[0]

    assert (
        '<details class="row-actions">' in helper_row
        and "Aino Helper</span></summary>" in helper_row
    )
    assert f"/meetings/{meeting.id}/organisers/{team['helper'].id}/remove" in helper_row
    assert 'data-confirm="Remove Aino Helper as a co-organiser of this meeting?"' in helper_row
    assert "row-actions" not in _html(
        client_for(team["helper"]).get(f"/meetings/{meeting.id}/organisers")
    )
