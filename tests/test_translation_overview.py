"""The course's translation overview lists every text the officials read, in each language: the
same texts ``nttlearn courses translations`` counts (lessons, titles, summaries, outcomes,
activity titles, quiz questions, the proposal's template and rubric, surveys), each with its state
per language and a link to where it is edited, filtered by state and language."""

from __future__ import annotations

import json
import re

import pytest
from test_content_fakes import ExercisePlugin, run_cli, sample_files, write_package

from nttlearn.content.importer import commit_import, import_package
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Activity, Course, CourseStaff, Lesson
from nttlearn.testing import count_queries, login, repo_root, user_factory

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
LANGUAGES = ("it", "sv", "es", "fi")


def _totals(html: str) -> dict[str, dict[str, int]]:
    """The totals table: per language, the number in each column."""
    table = re.search(r'<table class="data" id="translation-totals".*?</table>', html, re.S).group(
        0
    )
    found = {}
    for locale, row in re.findall(r'<tr data-locale="([a-z]{2})">(.*?)</tr>', table, re.S):
        found[locale] = {
            name: int(value) for name, value in re.findall(r'data-count="(\w+)">(\d+)<', row)
        }
    return found


def _text_rows(html: str) -> list[str]:
    """The rows of the texts table, one per text (group headings left out)."""
    table = re.search(r'<table class="data translation-texts".*?</table>', html, re.S)
    if table is None:
        return []
    return [
        row for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S) if 'scope="row"' in row
    ]


# -- the shipped main course: every kind of text, the CLI's numbers ------------------------------------
@pytest.fixture
def main_course(app_factory):
    app = app_factory()  # every installed plugin: quiz, proposal, survey and assignment texts
    with app.app_context():
        assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
        yield app
        db.session.remove()


def test_the_totals_of_the_main_course_are_the_command_lines_and_every_text_is_listed(main_course):
    app = main_course
    course = db.session.execute(db.select(Course).filter_by(slug=MAIN_COURSE.name)).scalar_one()
    lesson = db.session.execute(
        db.select(Lesson).filter_by(key="stakeholder-analysis")
    ).scalar_one()
    translations = dict(lesson.translations)  # an Italian lesson made from an older English text
    translations["it"] = {**translations["it"], "_source": {"title": "0" * 16, "body": "0" * 16}}
    lesson.translations = translations
    lesson.body += "\nA new paragraph in English.\n"
    trainer = user_factory()(role="trainer")
    db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    course_id, lesson_id = course.id, lesson.id
    client = app.test_client()
    assert login(client, trainer).status_code == 302
    cli = json.loads(run_cli(app, "courses", "translations", MAIN_COURSE.name, "--json").stdout)[
        MAIN_COURSE.name
    ]
    client.get(
        f"/author/courses/{course_id}/translations"
    )  # warm: the plugins' catalogues are read once

    with count_queries(app) as queries:
        response = client.get(f"/author/courses/{course_id}/translations")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _totals(page) == cli
    assert cli["it"]["outdated"] == 2 and cli["it"]["total"] > 200
    # one row per counted text, every language a column
    assert len(_text_rows(page)) == cli["it"]["total"]
    # every kind of text is there, with its editor where the browser has one
    for what in (
        "Learning outcome 1",
        "Lesson text",
        "Activity title",
        "Question 1 (with its answers and feedback)",
        "Review rubric, criterion 1: title",
        "Proposal template, section 1: guidance",
    ):
        assert what in page, what
    assert re.search(rf'href="/quiz/course/{course_id}/questions/\d+/translations/fi"', page)
    assert re.search(r'href="/peer-review/\d+/translations/sv"', page)
    assert re.search(rf'href="/evaluation/surveys/courses/{course_id}/\d+/translations/it"', page)
    assert f'href="/author/courses/{course_id}/lessons/{lesson_id}/translations/it"' in page
    assert f'href="/author/courses/{course_id}/translations/es"' in page
    # bounded: the same few queries however many modules, lessons and questions the course has
    assert len(queries) <= 12, "\n".join(queries)  # 11 for its 296 texts


# -- the sample course: filters, links, who may see it ------------------------------------------------
@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def trainer(make_user):
    return make_user(role="trainer")


@pytest.fixture
def course(app, trainer, tmp_path) -> Course:
    """The sample package (a Swedish lesson translation, an Italian course title), taught by ``trainer``."""
    import_package(
        write_package(tmp_path / "pkg", sample_files()),
        app.extensions["nttlearn"].all_activity_types(),
    )
    commit_import()
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
    db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return course


def _make_outdated(key: str, locale: str) -> Lesson:
    lesson = db.session.execute(db.select(Lesson).filter_by(key=key)).scalar_one()
    lesson.translations = {
        **(lesson.translations or {}),
        locale: {
            "title": "Rubrik",
            "body": "Text.",
            "_source": {"title": "0" * 16, "body": "0" * 16},
        },
    }
    db.session.commit()
    return lesson


def test_filtering_by_state_and_language_keeps_only_those_texts(client, course, trainer, login_as):
    lesson = _make_outdated("phases", "fi")
    login_as(trainer)

    everything = client.get(f"/author/courses/{course.id}/translations").get_data(as_text=True)
    outdated = client.get(
        f"/author/courses/{course.id}/translations?state=outdated&language=fi"
    ).get_data(as_text=True)
    none_in_italian = client.get(
        f"/author/courses/{course.id}/translations?state=outdated&language=it"
    ).get_data(as_text=True)
    missing_swedish = client.get(
        f"/author/courses/{course.id}/translations?state=missing&language=sv"
    ).get_data(as_text=True)

    rows = _text_rows(outdated)
    assert len(rows) == 2  # the lesson's title and its text
    assert all(f"/lessons/{lesson.id}/translations/fi" in row for row in rows)
    assert (
        "Suomi" in outdated
        and ">Italiano<" not in outdated.split('id="texts-title"')[1].split("</form>")[1]
    )
    assert (
        '<option value="outdated" selected>' in outdated
        and '<option value="fi" lang="fi" selected>' in outdated
    )
    assert _totals(outdated) == _totals(
        everything
    )  # the totals are the course's, whatever the filters
    assert not _text_rows(none_in_italian) and "No text matches these filters." in none_in_italian
    assert 0 < len(_text_rows(missing_swedish)) < len(_text_rows(everything))
    assert "Translated" not in "".join(_text_rows(missing_swedish))


def test_an_unknown_filter_is_said_and_not_applied(client, course, trainer, login_as):
    login_as(trainer)

    response = client.get(f"/author/courses/{course.id}/translations?state=done&language=de")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a state from the list." in page and "Choose a language from the list." in page
    assert len(_text_rows(page)) == _totals(page)["it"]["total"]


def test_the_texts_table_scrolls_in_a_focusable_region_on_a_phone(
    client, course, trainer, login_as
):
    login_as(trainer)

    page = client.get(f"/author/courses/{course.id}/translations").get_data(as_text=True)

    for label in ("Totals", "Texts"):
        assert f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">' in page
    assert (
        '<label for="state">State</label>' in page
        and '<label for="language">Language</label>' in page
    )


def test_outcomes_and_activity_titles_link_to_their_english_editor_and_to_their_translation_editor(
    client, course, trainer, login_as
):
    login_as(trainer)
    activity = db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()

    page = client.get(f"/author/courses/{course.id}/translations").get_data(as_text=True)

    activity_row = next(row for row in _text_rows(page) if f'/activities/{activity.id}"' in row)
    assert "Activity title" in activity_row
    assert (
        f'href="/author/courses/{course.id}/activities/{activity.id}/translations/it"'
        in activity_row
    )
    outcome_row = next(row for row in _text_rows(page) if "Learning outcome 1" in row)
    assert f'href="/author/courses/{course.id}/outcomes/translations/sv"' in outcome_row


# -- who may not see it -------------------------------------------------------------------------------
def test_a_learner_of_the_course_may_not_see_its_translations(client, course, make_user, login_as):
    learner = make_user()
    enrol(learner.id, course)
    db.session.commit()
    login_as(learner)

    assert client.get(f"/author/courses/{course.id}/translations").status_code in (403, 404)


def test_a_trainer_of_another_course_may_not_see_its_translations(
    client, course, make_user, make_course, login_as
):
    other = make_user(role="trainer")
    theirs = make_course(slug="their-course")
    db.session.add(CourseStaff(course_id=theirs.id, user_id=other.id))
    db.session.commit()
    login_as(other)

    assert client.get(f"/author/courses/{theirs.id}/translations").status_code == 200
    assert client.get(f"/author/courses/{course.id}/translations").status_code in (403, 404)


def test_a_visitor_is_sent_to_sign_in(client, course):
    response = client.get(f"/author/courses/{course.id}/translations")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
