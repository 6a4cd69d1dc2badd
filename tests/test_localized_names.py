"""Course, module and activity names in the reader's language on the core's pages: page titles,
breadcrumbs, trainers' pages, and the ``localized`` filter they use."""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask import render_template_string

from nttlearn.content.names import localized, localized_text
from nttlearn.extensions import db
from nttlearn.models import Enrolment


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_a_swedish_trainer_s_progress_page_names_the_course_in_swedish(
    make_user, make_course, client_for
):
    trainer = make_user(role="trainer", locale="sv")
    course = make_course(
        modules=1, lessons=1, trainer=trainer, title="Designing a network", languages=["en", "sv"]
    )

    page = client_for(trainer).get(f"/teach/courses/{course.id}/progress").get_data(as_text=True)

    assert "[sv] Designing a network" in _title(page)
    assert re.search(r'class="breadcrumbs".*?\[sv\] Designing a network</a>', page, re.S)
    assert ">Designing a network<" not in page


def test_a_trainer_s_cohort_and_release_pages_name_the_course_and_modules_in_their_language(
    make_user, make_course, client_for
):
    trainer = make_user(role="trainer", locale="es")
    course = make_course(
        modules=2,
        lessons=1,
        trainer=trainer,
        title="Designing a network",
        languages=["en", "es"],
        activities=[(0, "quiz", True)],
    )
    browser = client_for(trainer)

    cohorts = browser.get(f"/teach/courses/{course.id}/cohorts").get_data(as_text=True)
    release = browser.get(f"/teach/courses/{course.id}/release").get_data(as_text=True)

    assert "[es] Designing a network" in _title(cohorts)
    assert "[es] Designing a network" in _title(release)
    assert "[es] Module 1" in release and "[es] Module 2" in release
    assert ">Module 1<" not in release


def test_an_untranslated_name_is_the_english_one(make_user, make_course, client_for):
    trainer = make_user(role="trainer", locale="fi")
    course = make_course(
        modules=1, lessons=1, trainer=trainer, title="Designing a network"
    )  # English only

    page = client_for(trainer).get(f"/teach/courses/{course.id}/progress").get_data(as_text=True)

    assert "Designing a network" in _title(page)


def test_the_filter_and_the_row_helper_take_the_reader_s_language(app, make_course):
    course = make_course(
        modules=1,
        lessons=0,
        title="Designing a network",
        translations={"it": {"title": "Progettare una rete", "summary": "Un corso."}},
    )
    meeting = SimpleNamespace(title="Oulu forum")  # a name nobody translates

    with app.test_request_context(headers={"Accept-Language": "it"}):
        from flask_babel import force_locale

        with force_locale("it"):
            shown = render_template_string(
                '{{ c|localized }} / {{ c|localized("summary") }} / {{ m|localized }}',
                c=course,
                m=meeting,
            )
    assert shown == "Progettare una rete / Un corso. / Oulu forum"
    assert localized(course, locale="sv") == "Designing a network"
    assert localized_text("English", {"it": {"title": "Italiano"}}, "it") == "Italiano"
    assert localized_text("English", {"it": {"title": "  "}}, "it") == "English"
    assert localized(None) == ""


def test_a_learner_s_dashboard_names_the_course_in_their_language(
    make_user, make_course, client_for
):
    learner = make_user(locale="sv")
    course = make_course(modules=1, lessons=1, title="Designing a network", languages=["en", "sv"])
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()

    page = client_for(learner).get("/dashboard").get_data(as_text=True)

    assert "[sv] Designing a network" in page
