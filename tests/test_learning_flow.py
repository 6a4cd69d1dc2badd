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


def test_marking_every_lesson_done_completes_module_and_course_once(
    client, app, make_user, make_course, login_as
):
    course = make_course(modules=2, lessons=2)
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    from nttlearn.learn.structure import course_outline

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


def test_learner_who_is_not_enrolled_cannot_open_a_lesson_beyond_the_preview(
    client, make_user, make_course, login_as
):
    course = make_course()
    from nttlearn.learn.structure import course_outline

    first, lesson = course_outline(course, None).ordered_lessons()[:2]
    login_as(make_user())
    assert client.get(f"/courses/{course.slug}/lessons/{lesson.id}").status_code == 403
    # The first lesson is the course's preview: readable, but not something to mark done.
    assert client.get(f"/courses/{course.slug}/lessons/{first.id}").status_code == 200
    assert client.post(f"/courses/{course.slug}/lessons/{first.id}/done").status_code == 403
    assert client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done").status_code == 403


def _done_lessons(user_id):
    return set(
        db.session.execute(
            db.select(LessonCompletion.lesson_id).filter_by(user_id=user_id)
        ).scalars()
    )


def test_learner_marks_a_done_lesson_as_not_done_and_progress_drops(
    client, make_user, make_course, login_as
):
    from nttlearn.learn.structure import course_outline

    course = make_course(modules=1, lessons=2)
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    lesson = course_outline(course, learner.id).ordered_lessons()[0]
    client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")
    page = client.get(f"/courses/{course.slug}/lessons/{lesson.id}").get_data(as_text=True)
    assert "Mark as not done" in page

    response = client.post(
        f"/courses/{course.slug}/lessons/{lesson.id}/not-done", follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert "Lesson marked as not done." in page
    assert "Mark as done and continue" in page and "Mark as not done" not in page
    assert _done_lessons(learner.id) == set()
    assert "0% complete" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert len(_events("lesson.uncompleted")) == 1


def test_unmarking_a_lesson_of_a_completed_course_keeps_the_course_completed(
    client, make_user, make_course, login_as
):
    """As in Moodle: progress shows the lesson as not done, but the completion (its date, its
    events and a certificate issued for it) is a record of what was achieved and stays."""
    from nttlearn.learn.structure import course_outline

    course = make_course(modules=1, lessons=2)
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    lessons = course_outline(course, learner.id).ordered_lessons()
    for lesson in lessons:
        client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/not-done")
    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/done")  # and marked again

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "You completed this course on" in page
    assert "100% complete" in page
    assert len(_events("module.completed")) == 1
    assert len(_events("course.completed")) == 1


def test_unmarking_a_lesson_leaves_another_learners_mark_alone(
    app, client, make_user, make_course, login_as
):
    from nttlearn.learn.structure import course_outline

    course = make_course(modules=1, lessons=2)
    reader, other = make_user(), make_user()
    login_as(reader)
    client.post(f"/courses/{course.slug}/enrol")
    lesson = course_outline(course, reader.id).ordered_lessons()[0]
    client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")
    other_client = app.test_client()
    from nttlearn.testing import login

    login(other_client, other)
    other_client.post(f"/courses/{course.slug}/enrol")

    other_client.post(f"/courses/{course.slug}/lessons/{lesson.id}/not-done")

    assert _done_lessons(reader.id) == {lesson.id}
    assert _events("lesson.uncompleted") == []


def test_only_an_enrolled_learner_who_is_logged_in_may_unmark_a_lesson(
    client, make_user, make_course, login_as
):
    from nttlearn.learn.structure import course_outline

    course = make_course()
    lesson = course_outline(course, None).ordered_lessons()[0]
    url = f"/courses/{course.slug}/lessons/{lesson.id}/not-done"

    anonymous = client.post(url)
    login_as(make_user())
    not_enrolled = client.post(url)

    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert not_enrolled.status_code == 403
