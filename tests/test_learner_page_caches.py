"""Learner pages keep the course structure, the lesson's HTML and the outline sidebar in
per-worker caches (nttlearn/learn/structure.py, fragments.py). What a learner sees must still be
what the database holds: an edit shows on the very next page, in this worker and in every other
one (another app on the same database stands for another gunicorn worker)."""

from __future__ import annotations

import re

import pytest
from core_helpers import csrf_token
from sqlalchemy import update

import nttlearn.plugins
from nttlearn.extensions import db
from nttlearn.learn.structure import course_outline
from nttlearn.models import Course, Lesson, Module
from nttlearn.plugins import host
from nttlearn.testing import TEST_PASSWORD, count_queries, login


def heading(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()


def sidebar(page: str) -> str:
    return re.search(r'<nav aria-label="[^"]*" class="outline">(.*?)</nav>', page, re.S).group(1)


@pytest.fixture
def reader(make_user, make_course, login_as):
    """A learner enrolled in a two-module course who has opened its first lesson."""
    course = make_course(modules=2, lessons=2, activities=((0, "quiz", True),))
    client = login_as(make_user())
    client.post(f"/courses/{course.slug}/enrol")
    lessons = course_outline(course, None).ordered_lessons()
    url = f"/courses/{course.slug}/lessons/{lessons[0].id}"
    assert client.get(url).status_code == 200  # the worker's caches are now warm
    return {"client": client, "course": course, "lessons": lessons, "url": url}


def test_an_edited_lesson_title_shows_on_the_next_page(reader):
    lesson = db.session.get(Lesson, reader["lessons"][0].id)
    lesson.title = "Budgeting a network's events"
    db.session.commit()

    page = reader["client"].get(reader["url"]).get_data(as_text=True)

    assert heading(page) == "Budgeting a network&#39;s events"
    assert "Budgeting a network&#39;s events" in sidebar(page)


def test_an_edit_made_by_another_worker_shows_here_at_once(app_factory, reader):
    other_worker = app_factory()
    with other_worker.app_context():
        lesson = db.session.get(Lesson, reader["lessons"][0].id)
        lesson.title = "Edited in the other worker"
        lesson.body = "Rewritten **text**."
        db.session.commit()

    page = reader["client"].get(reader["url"]).get_data(as_text=True)

    assert heading(page) == "Edited in the other worker"
    assert "Rewritten <strong>text</strong>." in page


def test_a_bulk_update_refreshes_every_course_s_structure(reader):
    """Statements that bypass the ORM's unit of work (imports) still bump the versions."""
    before = db.session.get(Course, reader["course"].id).content_version
    db.session.execute(
        update(Lesson).where(Lesson.id == reader["lessons"][0].id).values(title="Imported title")
    )
    db.session.commit()

    page = reader["client"].get(reader["url"]).get_data(as_text=True)

    assert heading(page) == "Imported title"
    assert db.session.get(Course, reader["course"].id).content_version > before


def test_an_added_module_appears_in_the_sidebar(reader):
    module = Module(
        course_id=reader["course"].id, key="extra", position=99, title="A module added later"
    )
    db.session.add(module)
    db.session.flush()
    db.session.add(
        Lesson(
            module_id=module.id, key="late", position=1, title="A lesson added later", body="New."
        )
    )
    db.session.commit()

    outline = sidebar(reader["client"].get(reader["url"]).get_data(as_text=True))

    assert "A module added later" in outline and "A lesson added later" in outline


def test_an_archived_lesson_leaves_the_outline_and_its_page_answers_404(reader):
    archived = db.session.get(Lesson, reader["lessons"][1].id)
    archived.archived = True
    db.session.commit()

    page = reader["client"].get(reader["url"]).get_data(as_text=True)

    assert archived.title not in sidebar(page)
    assert (
        reader["client"].get(f"/courses/{reader['course'].slug}/lessons/{archived.id}").status_code
        == 404
    )


def test_a_lesson_marked_done_is_marked_in_the_cached_outline(reader):
    client, course, lessons = reader["client"], reader["course"], reader["lessons"]
    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/done")

    mine = sidebar(client.get(reader["url"]).get_data(as_text=True))

    assert mine.count('class="done"') == 1
    assert 'aria-current="page">' + lessons[0].title in mine


def test_a_second_learner_gets_their_own_marks_from_the_same_cached_outline(app, reader, make_user):
    course, lessons = reader["course"], reader["lessons"]
    reader["client"].post(f"/courses/{course.slug}/lessons/{lessons[0].id}/done")
    newcomer = make_user()
    client = app.test_client()
    login(client, newcomer)
    client.post(f"/courses/{course.slug}/enrol")

    outline = sidebar(
        client.get(f"/courses/{course.slug}/lessons/{lessons[1].id}").get_data(as_text=True)
    )

    assert 'class="done"' not in outline
    assert 'aria-current="page">' + lessons[1].title in outline


def test_a_disabled_plugin_s_activity_is_unavailable_in_the_cached_sidebar(app, reader):
    assert 'href="/quiz/' in sidebar(reader["client"].get(reader["url"]).get_data(as_text=True))

    host(app).set_enabled("quiz", False)
    db.session.commit()
    outline = sidebar(reader["client"].get(reader["url"]).get_data(as_text=True))

    assert 'href="/quiz/' not in outline
    assert "(unavailable)" in outline


def test_each_language_gets_its_own_titles_and_text(app, make_user, make_course, login_as):
    course = make_course(modules=1, lessons=1)
    lesson = db.session.get(Lesson, course_outline(course, None).ordered_lessons()[0].id)
    lesson.translations = {"it": {"title": "Il ciclo del progetto", "body": "Testo *italiano*."}}
    db.session.commit()
    italian = login_as(make_user(locale="it"))
    italian.post(f"/courses/{course.slug}/enrol")
    english = app.test_client()
    login(english, make_user(locale="en"))
    english.post(f"/courses/{course.slug}/enrol")
    url = f"/courses/{course.slug}/lessons/{lesson.id}"

    in_italian = italian.get(url).get_data(as_text=True)
    in_english = english.get(url).get_data(as_text=True)

    assert (
        heading(in_italian) == "Il ciclo del progetto" and "Testo <em>italiano</em>." in in_italian
    )
    assert "Il ciclo del progetto" in sidebar(in_italian)
    assert heading(in_english) == lesson.title and "Testo" not in in_english


def test_a_plugin_switch_reaches_the_other_workers_within_state_seconds(
    app, app_factory, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(nttlearn.plugins.time, "monotonic", lambda: clock[0])
    other_worker = app_factory()
    with other_worker.test_request_context():
        assert host(other_worker).is_active("quiz")

    host(app).set_enabled("quiz", False)
    db.session.commit()
    assert not host(app).is_active("quiz")  # at once where it was switched
    clock[0] += nttlearn.plugins.STATE_SECONDS + 0.1
    with other_worker.test_request_context():
        assert not host(other_worker).is_active("quiz")


def test_the_cached_csrf_token_is_valid_and_bound_to_the_session(
    app_factory, make_user, make_course
):
    app = app_factory(config={"WTF_CSRF_ENABLED": True})
    with app.app_context():
        course = make_course(modules=1, lessons=2)
        slug, lesson_id = course.slug, course_outline(course, None).ordered_lessons()[0].id
        emails = make_user().email, make_user().email
    url, done = f"/courses/{slug}/lessons/{lesson_id}", f"/courses/{slug}/lessons/{lesson_id}/done"

    def logged_in(email):
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        assert (
            client.post(
                "/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}
            ).status_code
            == 302
        )
        page = client.get(f"/courses/{slug}").get_data(as_text=True)
        assert (
            client.post(f"/courses/{slug}/enrol", data={"csrf_token": csrf_token(page)}).status_code
            == 302
        )
        return client

    client, intruder = logged_in(emails[0]), logged_in(emails[1])
    first = csrf_token(client.get(url).get_data(as_text=True))
    second = csrf_token(client.get(url).get_data(as_text=True))

    assert first == second
    assert intruder.post(done, data={"csrf_token": first}).status_code == 400
    assert client.post(done, data={"csrf_token": first}).status_code == 302


def test_a_trainer_demoted_to_learner_no_longer_manages_their_course(
    app, make_user, make_course, login_as
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer, published=False)
    client = login_as(trainer)
    assert client.get(f"/courses/{course.slug}").status_code == 200

    trainer.role = "learner"
    db.session.commit()

    assert client.get(f"/courses/{course.slug}").status_code == 404
    assert client.get(f"/teach/courses/{course.id}/progress").status_code == 403


def test_a_lesson_page_on_a_warm_worker_reads_five_rows_sets(app, reader):
    """The user, the course, the learner's state, the certificates plugin's sidebar and the
    navigation bar's count of unread notifications."""
    with count_queries(app) as statements:
        assert reader["client"].get(reader["url"]).status_code == 200

    assert len(statements) == 5, statements


def test_rebuilding_the_structure_after_an_edit_does_not_grow_with_the_course(
    app, make_user, make_course, login_as
):
    client = login_as(make_user())
    counts = []
    for modules, lessons in ((1, 2), (6, 9)):
        course = make_course(modules=modules, lessons=lessons)
        client.post(f"/courses/{course.slug}/enrol")
        first = course_outline(course, None).ordered_lessons()[0]
        url = f"/courses/{course.slug}/lessons/{first.id}"
        client.get(url)
        db.session.get(Lesson, first.id).title = "Edited"
        db.session.commit()
        with count_queries(app) as statements:
            client.get(url)
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_a_lesson_marked_not_done_is_unmarked_in_the_cached_outline(reader):
    client, course, lessons = reader["client"], reader["course"], reader["lessons"]
    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/done")
    assert 'class="done"' in sidebar(client.get(reader["url"]).get_data(as_text=True))

    client.post(f"/courses/{course.slug}/lessons/{lessons[0].id}/not-done")
    page = client.get(reader["url"]).get_data(as_text=True)

    assert 'class="done"' not in sidebar(page)
    assert "Mark as done and continue" in page
