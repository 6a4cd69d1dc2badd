"""The REST API's meetings (``/api/v1/meetings``): the list, one meeting with its agenda, and its
registrations for its organisers only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from nttlearn import db
from nttlearn.testing import count_queries, invoke_cli
from nttlearn_meetings import services
from nttlearn_meetings.models import AgendaItem


@pytest.fixture
def token_for(app):
    """The Authorization header of a new read token of ``user`` (made as an administrator would,
    with ``nttlearn api token create``)."""

    def make(user, scope: str = "read") -> dict[str, str]:
        result = invoke_cli(app, "api", "token", "create", user.email, "--scope", scope, "--json")
        assert result.exit_code == 0, result.output
        return {"Authorization": f"Bearer {json.loads(result.output)['token']}"}

    return make


@pytest.fixture
def seminar(app, make_user, make_meeting):
    """A seminar planned by a trainer, with an agenda item, one registered learner and one waiting."""
    owner = make_user(role="trainer", name="Olga Owner")
    meeting = make_meeting(by=owner, capacity=1, title="Energy communities")
    db.session.add(
        AgendaItem(
            meeting_id=meeting.id,
            title="Welcome",
            starts_at=meeting.starts_at,
            ends_at=meeting.starts_at + timedelta(hours=1),
            room="Sala Rossa",
        )
    )
    first, second = make_user(name="Aldo Bianchi"), make_user(name="Beata Berg")
    services.register(meeting.id, first)
    services.register(meeting.id, second)
    db.session.commit()
    return {"meeting": meeting, "owner": owner, "learners": [first, second]}


def test_a_learner_lists_the_upcoming_meetings(client, seminar, make_user, token_for):
    answer = client.get("/api/v1/meetings", headers=token_for(make_user()))

    assert answer.status_code == 200
    (listed,) = answer.get_json()
    assert (listed["id"], listed["title"], listed["capacity"], listed["seats_taken"]) == (
        seminar["meeting"].id,
        "Energy communities",
        1,
        1,
    )
    assert listed["url"].endswith(f"/meetings/{seminar['meeting'].id}")
    assert client.get("/api/v1/meetings?when=past", headers=token_for(make_user())).get_json() == []


def test_drafts_are_listed_for_organisers_only(client, make_user, make_meeting, token_for):
    draft = make_meeting(status="draft", title="Not announced yet")
    learner, trainer = make_user(), make_user(role="trainer")

    assert client.get("/api/v1/meetings", headers=token_for(learner)).get_json() == []
    assert client.get(f"/api/v1/meetings/{draft.id}", headers=token_for(learner)).status_code == 404
    assert [
        m["title"] for m in client.get("/api/v1/meetings", headers=token_for(trainer)).get_json()
    ] == ["Not announced yet"]


def test_one_meeting_comes_with_its_agenda(client, seminar, make_user, token_for):
    answer = client.get(f"/api/v1/meetings/{seminar['meeting'].id}", headers=token_for(make_user()))

    assert answer.status_code == 200
    assert [(i["title"], i["room"], i["kind"]) for i in answer.get_json()["agenda"]] == [
        ("Welcome", "Sala Rossa", "session")
    ]


def test_an_unknown_meeting_is_a_problem_document(client, make_user, token_for):
    answer = client.get("/api/v1/meetings/999999", headers=token_for(make_user()))

    assert answer.status_code == 404 and answer.content_type.startswith("application/problem+json")


def test_the_organiser_sees_seats_then_the_waiting_list(client, seminar, token_for):
    answer = client.get(
        f"/api/v1/meetings/{seminar['meeting'].id}/registrations",
        headers=token_for(seminar["owner"]),
    )

    assert answer.status_code == 200
    assert [(r["name"], r["state"]) for r in answer.get_json()] == [
        ("Aldo Bianchi", "registered"),
        ("Beata Berg", "waiting"),
    ]


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_registrations_are_refused_to_whoever_does_not_organise_the_meeting(
    client, seminar, make_user, token_for, role
):
    # A learner, even a registered one, and a trainer who did not plan this meeting.
    caller = seminar["learners"][0] if role == "learner" else make_user(role="trainer")

    answer = client.get(
        f"/api/v1/meetings/{seminar['meeting'].id}/registrations", headers=token_for(caller)
    )

    assert answer.status_code == 403


def test_coordinators_and_admins_see_every_meetings_registrations(
    client, seminar, make_user, token_for
):
    for role in ("coordinator", "admin"):
        answer = client.get(
            f"/api/v1/meetings/{seminar['meeting'].id}/registrations",
            headers=token_for(make_user(role=role)),
        )
        assert answer.status_code == 200 and len(answer.get_json()) == 2


def test_a_cookie_session_is_not_enough(client, seminar, login_as):
    login_as(seminar["owner"])

    assert client.get("/api/v1/meetings").status_code == 401


def test_the_list_takes_the_same_queries_for_one_meeting_or_ten(
    app, client, make_user, make_meeting, token_for
):
    headers = token_for(make_user())
    make_meeting()
    client.get("/api/v1/meetings", headers=headers)  # the token's first use is noted once
    with count_queries(app) as one:
        client.get("/api/v1/meetings", headers=headers)
    for _ in range(9):
        make_meeting()
    with count_queries(app) as ten:
        answer = client.get("/api/v1/meetings", headers=headers)

    assert len(answer.get_json()) == 10
    assert len(ten) == len(one)
