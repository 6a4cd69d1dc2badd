"""The statements built from the other events the plugin hears (a meeting attended, a proposal
submitted, a review given, an assignment submitted and graded) as the plugins announce them, the
ways of naming the learner, and xAPI switched off until an LRS is configured."""

from __future__ import annotations

import hashlib

import pytest
from xapi_helpers import by_verb, dumps

from nttlearn import db
from nttlearn.api import emit
from nttlearn.learn.services import complete_lesson, enrol
from nttlearn.models import Activity, EventRecord, FailedJob, Lesson, Module
from nttlearn_xapi import delivery, statements


@pytest.fixture
def app_plugins():
    # The plugins whose events these tests emit: an event must be declared by its plugin.
    return ["xapi", "quiz", "peer_review", "assignment", "meetings"]


def placed(course, type_key: str) -> Activity:
    return (
        db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(Module.course_id == course.id, Activity.type_key == type_key)
        )
        .scalars()
        .first()
    )


def record(name: str) -> EventRecord:
    return db.session.execute(db.select(EventRecord).filter_by(name=name)).scalars().one()


def test_nothing_is_sent_or_queued_until_an_endpoint_is_configured(
    app, make_user, make_course, monkeypatch
):
    monkeypatch.delenv("NTTLEARN_XAPI_ENDPOINT", raising=False)
    queued = []
    monkeypatch.setattr(delivery, "enqueue", lambda *args, **kwargs: queued.append(args))
    learner, course = make_user(), make_course(modules=1, lessons=2)
    enrol(learner.id, course)

    complete_lesson(learner.id, db.session.execute(db.select(Lesson)).scalars().first())
    db.session.commit()

    assert queued == []
    assert db.session.execute(db.select(FailedJob)).scalars().all() == []


def test_each_plugins_event_reaches_the_lrs_as_its_statement(app, lrs, make_user, make_course):
    learner, reviewer = make_user(locale="fi"), make_user()
    course = make_course(
        modules=1,
        lessons=1,
        activities=[(0, "peer_review", True), (0, "assignment", True)],
        languages=["en", "fi"],
    )
    enrol(learner.id, course)
    enrol(reviewer.id, course)
    proposal, assignment = placed(course, "peer_review"), placed(course, "assignment")

    emit(
        "peer_review.proposal_submitted",
        user_id=learner.id,
        course_id=course.id,
        data={
            "activity_id": proposal.id,
            "team_id": 1,
            "submission_id": 1,
            "policy_area": "youth",
            "countries": ["FI"],
        },
    )
    emit(
        "peer_review.review_submitted",
        user_id=reviewer.id,
        course_id=course.id,
        data={"activity_id": proposal.id, "submission_id": 1},
    )
    emit(
        "assignment.submitted",
        user_id=learner.id,
        course_id=course.id,
        data={
            "activity_id": assignment.id,
            "activity": assignment.key,
            "submission_id": 4,
            "late": False,
            "times_submitted": 1,
        },
    )
    emit(
        "assignment.graded",
        user_id=learner.id,
        course_id=course.id,
        data={
            "activity_id": assignment.id,
            "activity": assignment.key,
            "submission_id": 4,
            "points": 7.5,
            "max_points": 10,
            "passed": True,
            "graded_by": reviewer.id,
        },
    )
    emit(
        "meetings.attended",
        user_id=learner.id,
        data={
            "meeting_id": 9,
            "kind": "seminar",
            "day": "2027-03-02",
            "country": "FI",
            "town": "Oulu",
        },
    )
    db.session.commit()

    verbs = by_verb(lrs.statements())

    base = app.config["BASE_URL"]
    assert sorted(verbs) == ["attended", "reviewed", "scored", "submit"], dumps(verbs)
    assert {s["object"]["id"] for s in verbs["submit"]} == {
        f"{base}/courses/{course.slug}/activities/{proposal.key}",
        f"{base}/courses/{course.slug}/activities/{assignment.key}",
    }
    [scored] = verbs["scored"]
    assert scored["result"] == {
        "success": True,
        "score": {"scaled": 0.75, "raw": 7.5, "min": 0, "max": 10.0},
    }
    assert scored["context"]["language"] == "fi"
    [reviewed] = verbs["reviewed"]
    assert reviewed["verb"]["id"] == "http://id.tincanapi.com/verb/reviewed"
    assert reviewed["actor"] != scored["actor"]
    [attended] = verbs["attended"]
    assert attended["object"]["id"] == f"{base}/meetings/9"
    assert attended["object"]["definition"]["name"]["en"] == "Meeting in Oulu"
    assert attended["object"]["definition"]["name"]["sv"] == "Möte i Oulu"
    assert (
        "contextActivities" not in attended["context"] and "registration" not in attended["context"]
    )


def test_the_statement_id_is_the_same_for_every_delivery_and_differs_per_event(
    app, make_user, make_course
):
    learner, course = make_user(), make_course(modules=1, lessons=2)
    enrol(learner.id, course)
    for lesson in db.session.execute(db.select(Lesson)).scalars():
        complete_lesson(learner.id, lesson)
    db.session.commit()
    first, second = db.session.execute(
        db.select(EventRecord).filter_by(name="lesson.completed").order_by(EventRecord.id)
    ).scalars()

    assert statements.build(first)["id"] == statements.build(first)["id"]
    assert statements.build(first)["id"] != statements.build(second)["id"]
    assert (
        statements.build(first)["context"]["registration"]
        == statements.build(second)["context"]["registration"]
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "mbox_sha1sum",
            lambda user: {
                "objectType": "Agent",
                "mbox_sha1sum": hashlib.sha1(
                    f"mailto:{user.email}".encode(), usedforsecurity=False
                ).hexdigest(),
            },
        ),
        (
            "mbox",
            lambda user: {"objectType": "Agent", "name": user.name, "mbox": f"mailto:{user.email}"},
        ),
    ],
)
def test_the_learner_is_named_as_the_site_chooses(app, make_user, monkeypatch, kind, expected):
    monkeypatch.setenv("NTTLEARN_XAPI_ACTOR", kind)
    learner = make_user()

    assert statements.actor(learner) == expected(learner)


def test_by_default_the_learner_is_a_pseudonym_under_the_sites_address(app, make_user, monkeypatch):
    monkeypatch.delenv("NTTLEARN_XAPI_ACTOR", raising=False)
    one, other = make_user(), make_user()

    agent = statements.actor(one)

    assert agent["account"]["homePage"] == app.config["BASE_URL"]
    assert len(agent["account"]["name"]) == 32 and str(one.id) != agent["account"]["name"]
    assert statements.actor(one) == agent != statements.actor(other)


def test_a_deleted_account_makes_no_statement(app, make_user, make_course):
    learner, course = make_user(), make_course(modules=1, lessons=2)
    enrol(learner.id, course)
    complete_lesson(learner.id, db.session.execute(db.select(Lesson)).scalars().first())
    db.session.commit()
    learner.deleted_at = learner.created_at
    db.session.commit()

    assert statements.build(record("lesson.completed")) is None


def test_a_quiz_waiting_for_its_marking_is_attempted_without_a_score(app, make_user, make_course):
    learner = make_user()
    course = make_course(modules=1, lessons=0, activities=[(0, "quiz", True)])
    enrol(learner.id, course)
    quiz = placed(course, "quiz")
    emit(
        "quiz.attempt_submitted",
        user_id=learner.id,
        course_id=course.id,
        data={"activity_id": quiz.id, "attempt_id": 3, "score": None, "passed": None},
    )
    db.session.commit()

    statement = statements.build(record("quiz.attempt_submitted"))

    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attempted"
    assert statement["result"] == {"completion": True}
    assert (
        statement["context"]["contextActivities"]["parent"][0]["definition"]["type"]
        == "http://adlnet.gov/expapi/activities/module"
    )
