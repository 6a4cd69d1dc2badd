"""Statements reach a real LRS (Ralph) and are read back from its GET /xAPI/statements: a lesson
completed, a quiz passed or failed with its score, a certificate earned; a second delivery of an
event stores nothing new; an LRS that is down leaves the job on the dead-letter list, and a retry
delivers it."""

from __future__ import annotations

import uuid

from xapi_helpers import by_verb, dumps

from nttlearn import db
from nttlearn.learn.services import complete_activity, complete_lesson, enrol
from nttlearn.models import Activity, EventRecord, FailedJob, Lesson, Module
from nttlearn.testing import free_port, invoke_cli, login
from nttlearn_quiz import services as quiz_services
from nttlearn_quiz.activity import import_definition
from nttlearn_quiz.models import Quiz
from nttlearn_xapi.delivery import deliver_event

ONE_QUESTION = "::Year::NTT+ ran in 2010.{T}\n"


def first_lesson(course) -> Lesson:
    return (
        db.session.execute(
            db.select(Lesson).join(Module).where(Module.course_id == course.id).order_by(Lesson.id)
        )
        .scalars()
        .first()
    )


def first_activity(course) -> Activity:
    return (
        db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Activity.id)
        )
        .scalars()
        .first()
    )


def test_a_lesson_marked_done_on_its_page_is_a_completed_statement(
    app, lrs, make_user, make_course
):
    learner = make_user(locale="sv")
    course = make_course(
        modules=1,
        lessons=2,
        slug="twinning-basics",
        languages=["en", "sv"],
        translations={"sv": {"title": "Vänorter för nybörjare"}},
    )
    enrol(learner.id, course)
    db.session.commit()
    lesson = first_lesson(course)
    browser = app.test_client()
    login(browser, learner)

    response = browser.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    assert response.status_code in (302, 303)
    [statement] = lrs.statements()
    base = app.config["BASE_URL"]
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed", dumps(statement)
    assert statement["object"]["id"] == f"{base}/courses/twinning-basics/lessons/{lesson.id}"
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert set(statement["object"]["definition"]["name"]) == {"en", "sv"}
    assert statement["actor"]["account"]["homePage"] == base
    assert learner.email not in dumps(statement) and learner.name not in dumps(statement)
    context = statement["context"]
    assert context["platform"] == "nttlearn" and context["language"] == "sv"
    assert context["contextActivities"]["grouping"][0]["id"] == f"{base}/courses/twinning-basics"
    assert (
        context["contextActivities"]["grouping"][0]["definition"]["name"]["sv"]
        == "Vänorter för nybörjare"
    )
    assert uuid.UUID(context["registration"])
    record = db.session.execute(
        db.select(EventRecord).filter_by(name="lesson.completed")
    ).scalar_one()
    assert statement["timestamp"].startswith(record.created_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_quiz_passed_and_a_quiz_failed_carry_their_scores(
    app, lrs, make_user, make_course, tmp_path
):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=0, trainer=trainer, activities=[(0, "quiz", True)])
    quiz = first_activity(course)
    (tmp_path / "quiz.gift").write_text(ONE_QUESTION, encoding="utf-8")
    import_definition(quiz, {"file": "quiz.gift", "pass_mark": 50, "attempts": 0}, tmp_path)
    right, wrong = make_user(), make_user()
    for learner, answer in ((right, "true"), (wrong, "false")):
        enrol(learner.id, course)
        attempt = quiz_services.start_attempt(db.session.get(Quiz, quiz.id), learner.id)
        db.session.commit()
        [slot] = quiz_services.answers_of(attempt)
        quiz_services.submit_attempt(
            attempt.id,
            learner.id,
            {f"q{slot.slot_number}": answer, f"seq-{slot.slot_number}": str(slot.sequence)},
        )
        db.session.commit()

    verbs = by_verb(lrs.statements())

    assert set(verbs) >= {"passed", "failed"}, dumps(verbs)
    [passed], [failed] = verbs["passed"], verbs["failed"]
    assert passed["result"] == {
        "completion": True,
        "success": True,
        "score": {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100.0},
    }
    assert failed["result"] == {
        "completion": True,
        "success": False,
        "score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 100.0},
    }
    assert (
        passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    )
    assert passed["actor"] != failed["actor"]


def test_earning_a_certificate_is_an_earned_statement(app, lrs, make_user, make_course):
    learner = make_user()
    course = make_course(
        modules=1,
        lessons=0,
        trainer=make_user(role="trainer"),
        activities=[(0, "quiz", True)],
        title="Designing a network of twinned towns",
    )
    enrol(learner.id, course, by_staff=True)
    complete_activity(learner.id, first_activity(course), score=100.0)
    db.session.commit()

    verbs = by_verb(lrs.statements())

    [earned] = verbs["earned"]
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert (
        earned["object"]["definition"]["name"]["en"]
        == "Certificate of the course Designing a network of twinned towns"
    )
    [course_done] = verbs["completed"]
    assert course_done["object"]["id"].endswith(f"/courses/{course.slug}")


def test_a_second_delivery_of_the_same_event_stores_no_second_statement(
    app, lrs, make_user, make_course
):
    learner = make_user()
    course = make_course(modules=1, lessons=2)
    enrol(learner.id, course)
    complete_lesson(learner.id, first_lesson(course))
    db.session.commit()
    record = db.session.execute(
        db.select(EventRecord).filter_by(name="lesson.completed")
    ).scalar_one()
    [first] = lrs.statements()

    deliver_event(record.id)
    deliver_event(record.id)

    assert lrs.statements() == [first]


def test_an_lrs_that_is_down_leaves_the_job_failed_and_a_retry_delivers_it(
    app, lrs, make_user, make_course, monkeypatch
):
    monkeypatch.setenv("NTTLEARN_XAPI_ENDPOINT", f"http://127.0.0.1:{free_port()}/xAPI")
    learner = make_user()
    course = make_course(modules=1, lessons=2)
    enrol(learner.id, course)
    complete_lesson(learner.id, first_lesson(course))
    db.session.commit()  # the page's work is kept: the delivery fails in its own job

    [failure] = db.session.execute(db.select(FailedJob)).scalars().all()
    assert failure.name == "nttlearn_xapi.delivery:deliver_event" or failure.name.endswith(
        "deliver_event"
    )
    assert "not reachable" in failure.error
    assert lrs.statements() == []

    monkeypatch.setenv("NTTLEARN_XAPI_ENDPOINT", lrs.url)
    result = invoke_cli(app, "jobs", "retry", "--all")

    assert result.exit_code == 0, result.output
    assert len(lrs.statements()) == 1
    db.session.expire_all()
    assert db.session.execute(db.select(FailedJob)).scalars().all() == []
