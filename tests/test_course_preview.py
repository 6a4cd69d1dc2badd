"""The course page (continue first, folding modules) and the catalogue preview: anyone may read
the first lesson of a published course before enrolling; the other lessons stay closed."""

from __future__ import annotations

from nttlearn.extensions import db
from nttlearn.learn.structure import course_outline
from nttlearn.models import Enrolment


def _lessons(course):
    return course_outline(course, None).ordered_lessons()


def test_a_visitor_reads_the_first_lesson_marked_as_a_preview_with_a_way_to_enrol(
    client, make_course
):
    course = make_course(modules=2, lessons=2)
    first = _lessons(course)[0]

    page = client.get(f"/courses/{course.slug}/lessons/{first.id}").get_data(as_text=True)

    assert "Lesson 1.1" in page and "Some text." in page
    assert "Preview" in page and "open to everyone" in page
    assert "Log in to enrol" in page
    assert f"/courses/{course.slug}/lessons/{first.id}/done" not in page  # nothing to mark done


def test_a_visitor_is_sent_to_log_in_for_any_other_lesson(client, make_course):
    course = make_course(modules=2, lessons=2)
    for lesson in _lessons(course)[1:]:
        response = client.get(f"/courses/{course.slug}/lessons/{lesson.id}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_signed_in_person_not_enrolled_gets_the_preview_and_an_enrol_button_but_no_other_lesson(
    client, make_user, make_course, login_as
):
    course = make_course(modules=2, lessons=2)
    first, second = _lessons(course)[:2]
    login_as(make_user())

    page = client.get(f"/courses/{course.slug}/lessons/{first.id}").get_data(as_text=True)

    assert "Enrol in this course" in page and f"/courses/{course.slug}/enrol" in page
    assert client.get(f"/courses/{course.slug}/lessons/{second.id}").status_code == 403


def test_the_preview_of_an_unpublished_course_is_closed(client, make_user, make_course, login_as):
    course = make_course(published=False)
    first = _lessons(course)[0]

    assert client.get(f"/courses/{course.slug}/lessons/{first.id}").status_code == 404


def test_an_enrolled_learner_reads_the_first_lesson_as_a_lesson_not_a_preview(
    client, make_user, make_course, login_as
):
    course = make_course(modules=1, lessons=2)
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    login_as(learner)
    first = _lessons(course)[0]

    page = client.get(f"/courses/{course.slug}/lessons/{first.id}").get_data(as_text=True)

    assert "open to everyone" not in page
    assert "Mark as done" in page


def test_the_course_page_offers_the_preview_to_visitors_before_the_modules(client, make_course):
    course = make_course(modules=2, lessons=2)
    first = _lessons(course)[0]

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)

    preview_link = page.index(f'href="/courses/{course.slug}/lessons/{first.id}"')
    assert "Preview the first lesson" in page
    assert preview_link < page.index('<ol class="modules">')
    assert (
        page.count("<details open>") == 2
    )  # each module folds, open until the learner finishes it


def test_the_course_page_shows_continue_and_progress_above_the_modules_each_with_its_progress(
    client, make_user, make_course, login_as
):
    course = make_course(modules=2, lessons=2, outcomes=["Plan a project"])
    learner = make_user()
    login_as(learner)
    client.post(f"/courses/{course.slug}/enrol")
    first = _lessons(course)[0]
    client.post(f"/courses/{course.slug}/lessons/{first.id}/done")

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)

    assert page.index("Continue: Lesson 1.2") < page.index('<ol class="modules">')
    assert page.index("25% complete (1/4)") < page.index("What you will be able to do")
    assert '<details class="outcomes card">' in page  # folded for a learner who has started
    assert "1 of 2 done" in page and "0 of 2 done" in page


def test_a_module_the_learner_has_finished_is_folded_the_others_stay_open(
    client, make_user, make_course, login_as
):
    course = make_course(modules=2, lessons=1)
    login_as(make_user())
    client.post(f"/courses/{course.slug}/enrol")
    first, second = _lessons(course)
    client.post(f"/courses/{course.slug}/lessons/{first.id}/done")
    client.get(f"/courses/{course.slug}/lessons/{second.id}")  # where the learner continues

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)

    folded = page.index("<details>")
    assert page.index("Lesson 1.1") > folded and page.index("<details open>") > page.index(
        "Lesson 1.1"
    )


def test_the_catalogue_offers_each_course_s_preview_but_not_for_courses_one_is_enrolled_in(
    client, make_user, make_course, login_as
):
    open_course, my_course = make_course(modules=2, lessons=2), make_course(modules=1, lessons=1)
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=my_course.id))
    db.session.commit()
    login_as(learner)

    page = client.get("/").get_data(as_text=True)

    assert f'href="/courses/{open_course.slug}/lessons/{_lessons(open_course)[0].id}"' in page
    assert f'href="/courses/{my_course.slug}/lessons/' not in page
