"""A learner enrols, reads lessons, marks them done and completes a course."""

from nttlearn.extensions import db
from nttlearn.models import Enrolment, EventRecord, LessonCompletion


def _events(name):
    return db.session.execute(db.select(EventRecord).filter_by(name=name)).scalars().all()


def test_learner_enrols_and_sees_course_progress(client, make_user, make_course, login_as):
    course = make_course(modules=1, lessons=2)
    learner = make_user()
    login_as(learner)

    response = client.post(f"/courses/{course.slug}/enrol")

    assert response.status_code == 302
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "0% complete" in page
    assert len(_events("course.enrolled")) == 1


def test_marking_every_lesson_done_completes_module_and_course_once(client, app, make_user, make_course, login_as):
    course = make_course(modules=2, lessons=2)
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    from nttlearn.learn.services import course_outline

    lessons = course_outline(course, learner.id).ordered_lessons()
    for lesson in lessons:
        client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")
        client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")  # a double click

    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 4
    assert len(_events("lesson.completed")) == 4
    assert len(_events("module.completed")) == 2
    assert len(_events("course.completed")) == 1
    enrolment = db.session.execute(db.select(Enrolment)).scalar()
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None
    assert "100% complete" in client.get(f"/courses/{course.slug}").get_data(as_text=True)


def test_enrolling_twice_keeps_one_enrolment(client, make_user, make_course, login_as):
    course = make_course()
    login_as(make_user())
    client.post(f"/courses/{course.slug}/enrol")
    client.post(f"/courses/{course.slug}/enrol")
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 1


def test_learner_who_is_not_enrolled_cannot_open_a_lesson(client, make_user, make_course, login_as):
    course = make_course()
    from nttlearn.learn.services import course_outline

    lesson = course_outline(course, None).ordered_lessons()[0]
    login_as(make_user())
    assert client.get(f"/courses/{course.slug}/lessons/{lesson.id}").status_code == 403
    assert client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done").status_code == 403
