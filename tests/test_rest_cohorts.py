"""The REST API's cohorts: a course's runs and their members, for the course's trainers only."""

from __future__ import annotations

from datetime import date

import pytest

from nttlearn.cohorts.services import add_to_cohort, create_cohort
from nttlearn.extensions import db
from nttlearn.rest.tokens import create_token
from nttlearn.testing import count_queries


@pytest.fixture
def token_for(app):
    def make(user, *scopes: str):
        token, _record = create_token(user, list(scopes or ("read",)), name="test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def taught(app, make_user, make_course):
    """A trainer's course with two cohorts, one of them with two learners."""
    trainer = make_user(role="trainer", name="Tina Trainer")
    course = make_course(trainer=trainer, slug="energy-neighbours")
    spring = create_cohort(
        course, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30), language="it"
    )
    autumn = create_cohort(course, "Autumn 2027", date(2027, 9, 1))
    learners = [
        make_user(name="Beata Berg", email="beata@kommun.example"),
        make_user(name="Aldo Bianchi", email="aldo@comune.example"),
    ]
    for learner in learners:
        add_to_cohort(learner, spring)
    db.session.commit()
    return {
        "trainer": trainer,
        "course": course,
        "spring": spring,
        "autumn": autumn,
        "learners": learners,
    }


def test_a_trainer_lists_the_cohorts_of_their_course_with_member_counts(client, taught, token_for):
    response = client.get(
        "/api/v1/courses/energy-neighbours/cohorts", headers=token_for(taught["trainer"])
    )

    assert response.status_code == 200
    assert response.get_json() == [
        {
            "id": taught["spring"].id,
            "course": "energy-neighbours",
            "name": "Spring 2027",
            "starts_on": "2027-03-01",
            "ends_on": "2027-06-30",
            "language": "it",
            "members": 2,
        },
        {
            "id": taught["autumn"].id,
            "course": "energy-neighbours",
            "name": "Autumn 2027",
            "starts_on": "2027-09-01",
            "ends_on": None,
            "language": None,
            "members": 0,
        },
    ]


def test_a_trainer_reads_one_cohort_and_its_members_by_name(client, taught, token_for):
    headers = token_for(taught["trainer"])

    cohort = client.get(f"/api/v1/cohorts/{taught['spring'].id}", headers=headers)
    members = client.get(f"/api/v1/cohorts/{taught['spring'].id}/members", headers=headers)

    assert cohort.status_code == 200 and cohort.get_json()["members"] == 2
    assert [m["name"] for m in members.get_json()] == ["Aldo Bianchi", "Beata Berg"]
    assert members.get_json()[0] == {
        "user_id": taught["learners"][1].id,
        "name": "Aldo Bianchi",
        "email": "aldo@comune.example",
    }


def test_members_are_paginated(client, taught, token_for):
    response = client.get(
        f"/api/v1/cohorts/{taught['spring'].id}/members?page=2&page_size=1",
        headers=token_for(taught["trainer"]),
    )

    assert [m["name"] for m in response.get_json()] == ["Beata Berg"]
    assert '"total": 2' in response.headers["X-Pagination"]


def test_an_administrator_sees_every_courses_cohorts(client, taught, make_user, token_for):
    response = client.get(
        "/api/v1/courses/energy-neighbours/cohorts", headers=token_for(make_user(role="admin"))
    )

    assert response.status_code == 200 and len(response.get_json()) == 2


def test_a_learner_in_the_cohort_cannot_list_cohorts_or_members(client, taught, token_for):
    headers = token_for(taught["learners"][0])

    assert (
        client.get("/api/v1/courses/energy-neighbours/cohorts", headers=headers).status_code == 403
    )
    assert client.get(f"/api/v1/cohorts/{taught['spring'].id}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/cohorts/{taught['spring'].id}/members", headers=headers).status_code
        == 404
    )


def test_a_trainer_of_another_course_cannot_see_its_cohorts(
    client, taught, make_user, make_course, token_for
):
    other = make_user(role="trainer")
    make_course(trainer=other)
    headers = token_for(other)

    assert (
        client.get("/api/v1/courses/energy-neighbours/cohorts", headers=headers).status_code == 403
    )
    assert (
        client.get(f"/api/v1/cohorts/{taught['spring'].id}/members", headers=headers).status_code
        == 404
    )


def test_an_unknown_cohort_is_not_found(client, taught, token_for):
    response = client.get("/api/v1/cohorts/999999/members", headers=token_for(taught["trainer"]))

    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_cohorts_need_a_token_not_the_site_session(client, taught, login_as):
    login_as(taught["trainer"])

    assert client.get("/api/v1/courses/energy-neighbours/cohorts").status_code == 401


def test_a_token_without_read_is_refused(client, taught, token_for):
    response = client.get(
        f"/api/v1/cohorts/{taught['spring'].id}", headers=token_for(taught["trainer"], "write")
    )

    assert response.status_code == 403


def test_listing_cohorts_takes_the_same_queries_for_many_cohorts(app, client, taught, token_for):
    headers = token_for(taught["trainer"])
    client.get("/api/v1/courses/energy-neighbours/cohorts", headers=headers)
    with count_queries(app) as few:
        client.get("/api/v1/courses/energy-neighbours/cohorts", headers=headers)
    for n in range(10):
        create_cohort(taught["course"], f"Extra {n}", date(2028, 1, 1 + n))
    db.session.commit()

    with count_queries(app) as many:
        client.get("/api/v1/courses/energy-neighbours/cohorts", headers=headers)

    assert len(many) == len(few)
