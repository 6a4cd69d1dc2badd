"""A disabled plugin's activities do not count towards completion: a course that holds a quiz
can still be finished while the quiz plugin is off, and the course page tells its trainers."""

from __future__ import annotations

import pytest

from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson, progress_by_course
from nttlearn.learn.structure import course_outline
from nttlearn.models import Enrolment, EventRecord, Lesson
from nttlearn.testing import switch_plugin

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def quiz_course(make_course, make_user):
    trainer = make_user(role="trainer", name="Tina Trainer")
    course = make_course(modules=1, lessons=2, trainer=trainer, activities=[(0, "quiz", True)])
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    yield course, learner, trainer
    switch_plugin("quiz", True)


def _lessons(course) -> list[Lesson]:
    return [
        db.session.get(Lesson, entry.id) for entry in course_outline(course, None).ordered_lessons()
    ]


def _completed(course, learner) -> bool:
    enrolment = db.session.execute(
        db.select(Enrolment).filter_by(user_id=learner.id, course_id=course.id)
    ).scalar()
    db.session.refresh(enrolment)
    return enrolment.completed_at is not None


def test_with_the_quiz_plugin_on_the_lessons_alone_do_not_complete_the_course(quiz_course):
    course, learner, _trainer = quiz_course
    for lesson in _lessons(course):
        complete_lesson(learner.id, lesson)
    db.session.commit()

    assert not _completed(course, learner)
    assert progress_by_course(learner.id, [course])[course.id].total == 3


def test_with_the_quiz_plugin_off_doing_the_rest_completes_the_course(quiz_course):
    course, learner, _trainer = quiz_course
    switch_plugin("quiz", False)

    for lesson in _lessons(course):
        complete_lesson(learner.id, lesson)
    db.session.commit()

    assert _completed(course, learner)
    progress = progress_by_course(learner.id, [course])[course.id]
    assert (progress.done, progress.total) == (2, 2)
    assert (
        db.session.execute(db.select(EventRecord).filter_by(name="course.completed")).scalar()
        is not None
    )

    switch_plugin("quiz", True)  # back on: the quiz counts again, the completion stays a record
    assert progress_by_course(learner.id, [course])[course.id].total == 3
    assert _completed(course, learner)


def test_disabling_the_plugin_completes_learners_who_had_done_everything_else(
    quiz_course, make_user, client_for
):
    course, learner, _trainer = quiz_course
    for lesson in _lessons(course):
        complete_lesson(learner.id, lesson)
    db.session.commit()
    assert not _completed(course, learner)
    admin = client_for(make_user(role="admin"))

    response = admin.post("/admin/plugins/quiz", data={"enabled": "0", "confirmed": "1"})

    assert response.status_code == 302
    assert _completed(course, learner)  # the job queued by the switch ran at the commit


def test_disabling_a_plugin_asks_first_and_lists_its_activities_course_by_course(
    quiz_course, make_user, client_for
):
    course, _learner, _trainer = quiz_course
    admin = client_for(make_user(role="admin"))

    unconfirmed = admin.post("/admin/plugins/quiz", data={"enabled": "0"})
    page = admin.get("/admin/plugins/quiz/disable").get_data(as_text=True)

    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith(
        "/admin/plugins/quiz/disable"
    )
    from nttlearn.plugins import host

    host().forget_state()
    assert host().status("quiz") == "enabled"  # nothing switched without the confirmation
    assert "Disable quiz?" in page and course.title in page and "quiz 0" in page
    assert 'name="confirmed" value="1"' in page


def test_the_confirmation_page_is_for_admins_only(quiz_course, client_for):
    _course, learner, trainer = quiz_course
    assert client_for(learner).get("/admin/plugins/quiz/disable").status_code == 403
    assert client_for(trainer).get("/admin/plugins/quiz/disable").status_code == 403


def test_the_course_page_tells_trainers_which_activities_are_not_counted_and_not_learners(
    quiz_course, client_for
):
    course, learner, trainer = quiz_course
    switch_plugin("quiz", False)

    trainer_page = client_for(trainer).get(f"/courses/{course.slug}").get_data(as_text=True)
    learner_page = client_for(learner).get(f"/courses/{course.slug}").get_data(as_text=True)

    assert "Not counted towards completion" in trainer_page and "quiz 0" in trainer_page
    assert "Not counted towards completion" not in learner_page
    assert "0% complete (0/2)" in learner_page
