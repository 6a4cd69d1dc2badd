"""The catalogue tells the truth about languages: a course is listed in a language when all of
its texts (lessons, titles, summaries, outcomes, activity titles, quiz questions) are translated
and up to date there; partly translated courses show the share; `nttlearn courses translations`
counts every text per language."""

from __future__ import annotations

import json

import pytest
from test_content_fakes import run_cli

from nttlearn.extensions import db
from nttlearn.models import Course, Lesson
from nttlearn.testing import repo_root

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
YOUTH_COURSE = repo_root() / "courses" / "youth-and-development"


@pytest.fixture
def app(app_factory):
    app = app_factory()  # every installed plugin: the quiz plugin reports its questions' languages
    with app.app_context():
        assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
        yield app
        db.session.remove()


def _report(app, *slug):
    result = run_cli(app, "courses", "translations", *slug, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_shipped_main_course_is_completely_translated_into_all_four_languages(app):
    report = _report(app, "designing-twinned-town-networks")["designing-twinned-town-networks"]

    for locale in ("it", "sv", "es", "fi"):
        counts = report[locale]
        assert counts["missing"] == 0 and counts["outdated"] == 0, (locale, counts)
        assert counts["translated"] == counts["total"]
    # 30 lessons × (title, body), 8 modules, 76 quiz questions and more: every kind of text counts
    assert report["it"]["total"] > 30 * 2 + 8 + 76


def test_an_english_lesson_edited_after_its_translation_counts_as_outdated_and_leaves_the_language(
    app, client
):
    lesson = db.session.execute(
        db.select(Lesson).filter_by(key="stakeholder-analysis")
    ).scalar_one()
    translations = dict(lesson.translations)
    translations["it"] = {**translations["it"], "_source": {"title": "0" * 16, "body": "0" * 16}}
    lesson.translations = translations
    lesson.body = lesson.body + "\nA new paragraph in English.\n"
    db.session.commit()

    counts = _report(app, "designing-twinned-town-networks")["designing-twinned-town-networks"][
        "it"
    ]
    page = client.get("/?language=it").get_data(as_text=True)

    assert counts["outdated"] == 2 and counts["translated"] == counts["total"] - 2
    assert "No course is available in Italiano yet." in page  # the main course was the only one
    assert "partly in Italiano (99%)" in client.get("/").get_data(as_text=True)


def test_the_catalogue_lists_a_course_under_a_language_only_when_it_is_complete(app, client):
    assert run_cli(app, "courses", "import", str(YOUTH_COURSE)).exit_code == 0
    course = db.session.execute(
        db.select(Course).filter_by(slug="youth-and-development")
    ).scalar_one()
    youth_title = course.title
    lesson = db.session.execute(
        db.select(Lesson)
        .join(Lesson.module)
        .where(Lesson.module.has(course_id=course.id))
        .order_by(Lesson.id)
        .limit(1)
    ).scalar_one()
    lesson.translations = {
        k: v for k, v in lesson.translations.items() if k != "fi"
    }  # one lesson lacks Finnish
    db.session.commit()
    assert (
        _report(app, "youth-and-development")["youth-and-development"]["fi"]["missing"] == 2
    )  # its title and body

    finnish = client.get("/?language=fi").get_data(as_text=True)
    listed = finnish.split('class="course-list"')[1]

    assert (
        "Designing a network of twinned towns" in listed
        or "Ystävyyskaupunkien verkoston suunnittelu" in listed
    )
    assert youth_title not in listed
    assert 'lang="fi" title="Suomi">FI</abbr>' in client.get("/").get_data(as_text=True)


def test_a_language_with_no_complete_course_offers_the_courses_in_other_languages(app, client):
    course = db.session.execute(
        db.select(Course).filter_by(slug="designing-twinned-town-networks")
    ).scalar_one()
    course.translations = {k: v for k, v in course.translations.items() if k != "sv"}
    db.session.commit()

    page = client.get("/?language=sv").get_data(as_text=True)

    assert "No course is available in Svenska yet." in page
    assert "Designing a network of twinned towns" in page


def test_translations_of_an_unknown_course_is_an_error(app):
    result = run_cli(app, "courses", "translations", "no-such-course", "--json")

    assert result.exit_code == 1
    assert "no course called 'no-such-course'" in result.output
