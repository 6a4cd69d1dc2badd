"""The quiz's pages and the course's quiz overview name the course and the quiz in the reader's
language (the English where there is no translation)."""

from __future__ import annotations

import re

from nttlearn import db
from nttlearn.learn.services import enrol
from nttlearn_quiz.analysis import course_quizzes


def test_a_spanish_learner_s_breadcrumb_and_title_are_in_spanish(
    make_quiz, make_user, make_course, client_for
):
    course = make_course(
        modules=1,
        lessons=1,
        title="Designing a network",
        languages=["en", "es"],
        activities=[(0, "quiz", True)],
    )
    quiz = make_quiz(course=course)
    learner = make_user(locale="es")
    enrol(learner.id, course)
    db.session.commit()

    page = client_for(learner).get(f"/quiz/{quiz.activity.id}").get_data(as_text=True)

    assert re.search(r'class="breadcrumbs"><a [^>]*>\[es\] Designing a network</a>', page)
    assert re.search(r"<title>\s*\[es\] quiz 0", page)
    assert "<h1>[es] quiz 0</h1>" in page


def test_the_quiz_overview_names_each_quiz_in_the_reader_s_language(make_quiz, make_course, app):
    from flask_babel import force_locale

    course = make_course(
        modules=1, lessons=1, languages=["en", "sv"], activities=[(0, "quiz", True)]
    )
    make_quiz(course=course)

    with app.test_request_context(), force_locale("sv"):
        swedish = [row.title for row in course_quizzes(course.id)]
    with app.test_request_context(), force_locale("fi"):
        finnish = [row.title for row in course_quizzes(course.id)]

    assert swedish == ["[sv] quiz 0"] and finnish == ["quiz 0"]
