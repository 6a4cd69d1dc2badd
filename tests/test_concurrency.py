"""Two requests at once (a double click, two tabs) never make duplicate rows or events.

Each thread has its own app context, hence its own session and connection, on the test's
database: a file for SQLite, the test database on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest

from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson, enrol
from nttlearn.learn.structure import course_outline
from nttlearn.models import Course, Enrolment, EventRecord, Lesson, LessonCompletion
from nttlearn.testing import at_once, count_rows, login

ROUNDS = 3


def events(name: str, user_id: int) -> int:
    return count_rows(EventRecord, name=name, user_id=user_id)


@pytest.fixture
def threaded_app(app_factory):
    return app_factory()


def lessons_of(course) -> list[int]:
    return [lesson.id for lesson in course_outline(course, None).ordered_lessons()]


def test_two_enrolments_at_once_make_one_enrolment_and_one_event(
    threaded_app, make_user, make_course
):
    course = make_course(modules=1, lessons=1)
    for _ in range(ROUNDS):
        learner = make_user()

        def enrol_again(user_id=learner.id, course_id=course.id):
            enrol(user_id, db.session.get(Course, course_id))

        errors = at_once(threaded_app, [enrol_again, enrol_again])

        assert errors == []
        assert count_rows(Enrolment, user_id=learner.id) == 1
        assert events("course.enrolled", learner.id) == 1


def test_completing_the_same_last_lesson_twice_at_once_completes_the_course_once(
    threaded_app, make_user, make_course
):
    course = make_course(modules=1, lessons=1)
    lesson_id = lessons_of(course)[0]
    for _ in range(ROUNDS):
        learner = make_user()
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        db.session.commit()

        def complete(user_id=learner.id):
            complete_lesson(user_id, db.session.get(Lesson, lesson_id))

        errors = at_once(threaded_app, [complete, complete])

        assert errors == []
        assert count_rows(LessonCompletion, user_id=learner.id) == 1
        assert events("lesson.completed", learner.id) == 1
        assert events("module.completed", learner.id) == 1
        assert events("course.completed", learner.id) == 1


def test_completing_the_two_last_lessons_at_once_completes_the_course_exactly_once(
    threaded_app, make_user, make_course
):
    course = make_course(modules=1, lessons=2)
    first, second = lessons_of(course)
    for _ in range(ROUNDS):
        learner = make_user()
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        db.session.commit()

        def complete(lesson_id, user_id=learner.id):
            return lambda: complete_lesson(user_id, db.session.get(Lesson, lesson_id))

        errors = at_once(threaded_app, [complete(first), complete(second)])

        assert errors == []
        assert count_rows(LessonCompletion, user_id=learner.id) == 2
        assert events("course.completed", learner.id) == 1
        assert events("module.completed", learner.id) == 1
        with db.engine.connect() as connection:
            completed_at = connection.execute(
                db.select(Enrolment.completed_at).where(Enrolment.user_id == learner.id)
            ).scalar()
        assert completed_at is not None


def test_two_requests_marking_a_lesson_done_at_once_store_it_once(
    threaded_app, make_user, make_course
):
    course = make_course(modules=1, lessons=1)
    lesson_id = lessons_of(course)[0]
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    clients = [threaded_app.test_client(), threaded_app.test_client()]
    for client in clients:
        assert login(client, learner).status_code == 302
    url = f"/courses/{course.slug}/lessons/{lesson_id}/done"
    statuses: list[int] = []
    start = threading.Barrier(2)

    def press(client):
        start.wait(timeout=30)
        statuses.append(client.post(url).status_code)

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302, 302]
    assert count_rows(LessonCompletion, user_id=learner.id) == 1
    assert events("lesson.completed", learner.id) == 1
    assert events("course.completed", learner.id) == 1
