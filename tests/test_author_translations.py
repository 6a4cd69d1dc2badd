"""Translating a course in the browser: trainers translate titles, summaries and lessons into
Italian, Swedish, Spanish and Finnish; learners then read them in their language."""

from __future__ import annotations

import re
import warnings

import pytest
from test_content_fakes import ExercisePlugin, csrf_token, sample_files, write_package

from nttlearn.content.coverage import count_course
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Course, CourseStaff, Lesson, Module
from nttlearn.testing import TEST_PASSWORD, at_once, count_queries, login

LANGUAGE_NAMES = ("Italiano", "Svenska", "Español", "Suomi")
ITALIAN_BODY = "## Benvenuti\n\nUn testo sulle città gemellate.\n"


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def trainer(make_user):
    return make_user(role="trainer", name="Giulia Trainer")


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


def _lesson(key: str) -> Lesson:
    db.session.expire_all()
    return db.session.execute(db.select(Lesson).filter_by(key=key)).scalar_one()


def _course() -> Course:
    db.session.expire_all()
    return db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _opened(html: str) -> str:
    return re.search(r'name="opened" type="hidden" value="([^"]+)"', html).group(1)


def _lesson_url(course: Course, lesson: Lesson, locale: str = "it") -> str:
    return f"/author/courses/{course.id}/lessons/{lesson.id}/translations/{locale}"


def _translate_lesson(client, course: Course, lesson: Lesson, locale: str = "it", **fields):
    url = _lesson_url(course, lesson, locale)
    data = {
        "opened": _opened(_text(client.get(url))),
        "title": "Benvenuti",
        "body": ITALIAN_BODY,
        "submit": "Save",
    }
    data.update(fields)
    return client.post(url, data=data)


def _state_row(html: str, language: str) -> str:
    """The row of the "Translations" table for ``language``."""
    return re.search(
        rf'<th scope="row"><span lang="[a-z]{{2}}">{language}</span></th>(.*?)</tr>', html, re.S
    ).group(1)


def _english_lesson_form(lesson: Lesson, **changes) -> dict:
    data = {
        "opened_version": str(lesson.version),
        "title": lesson.title,
        "minutes": str(lesson.minutes),
        "kind": lesson.kind,
        "required": "y",
        "body": lesson.body,
        "submit": "Save",
    }
    data.update(changes)
    return data


# -- the "Translations" areas ------------------------------------------------------------------------
def test_the_lesson_editor_lists_each_language_in_that_language_with_its_state(
    client, course, trainer, login_as
):
    login_as(trainer)

    page = _text(client.get(f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"))

    assert all(name in page for name in LANGUAGE_NAMES)
    assert "Translated" in _state_row(page, "Svenska")  # from the package's 01-welcome.sv.md
    assert "Not translated" in _state_row(page, "Italiano") and "Translate" in _state_row(
        page, "Italiano"
    )


def test_the_course_settings_and_the_module_show_their_translations(
    client, course, trainer, login_as
):
    module = db.session.execute(db.select(Module).filter_by(key="cycle")).scalar_one()
    login_as(trainer)

    settings = _text(client.get(f"/author/courses/{course.id}"))
    module_page = _text(client.get(f"/author/courses/{course.id}/modules/{module.id}"))

    assert "Translated" in _state_row(settings, "Italiano")  # the title "Corso di esempio"
    assert "Not translated" in _state_row(settings, "Suomi")
    assert "Welcome" in module_page and "Phases" in module_page
    assert (
        f"/author/courses/{course.id}/lessons/{_lesson('phases').id}/translations/fi" in module_page
    )


def test_the_overview_counts_what_is_translated_per_language(client, course, trainer, login_as):
    _translate_lesson(login_as(trainer), course, _lesson("welcome"))

    page = _text(client.get(f"/author/courses/{course.id}/translations"))

    totals = re.search(r'<table class="data" id="translation-totals".*?</table>', page, re.S).group(
        0
    )
    counts = count_course(_course())
    for locale, language in zip(("it", "sv", "es", "fi"), LANGUAGE_NAMES, strict=True):
        row = re.search(rf'<tr data-locale="{locale}">(.*?)</tr>', totals, re.S).group(1)
        assert language in row
        assert f'data-count="translated">{counts[locale].translated}<' in row
        assert f'data-count="total">{counts[locale].total}<' in row
    # Italian: the course title, and the welcome lesson's title and text
    assert counts["it"].translated == 3
    assert "Finding partners" in page and "The project cycle" in page


# -- translating -------------------------------------------------------------------------------------
def test_a_trainer_translates_a_lesson_beside_its_english_text(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)

    editor = _text(client.get(_lesson_url(course, lesson)))
    response = _translate_lesson(client, course, lesson)

    assert "English (source)" in editor and "Some text about twinned towns." in editor
    assert 'lang="it"' in editor
    assert response.status_code == 302
    saved = _lesson("welcome").translations["it"]
    assert (saved["title"], saved["body"]) == ("Benvenuti", ITALIAN_BODY)
    assert "Translated" in _state_row(
        _text(client.get(f"/author/courses/{course.id}/lessons/{lesson.id}")), "Italiano"
    )


def test_an_existing_translation_opens_filled_in_and_is_replaced(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)

    editor = _text(client.get(_lesson_url(course, lesson, "sv")))
    response = _translate_lesson(
        client, course, lesson, "sv", title="Välkomna", body="Ny text på svenska."
    )

    assert "Välkommen" in editor and "Text på svenska." in editor
    assert response.status_code == 302
    assert _lesson("welcome").translations["sv"]["title"] == "Välkomna"
    assert _lesson("welcome").translations["sv"]["body"] == "Ny text på svenska.\n"


def test_a_translated_text_is_checked_like_a_lesson_and_nothing_is_saved(
    client, course, trainer, login_as
):
    lesson = _lesson("welcome")
    login_as(trainer)

    response = _translate_lesson(
        client, course, lesson, body="Testo\n\n<script>alert(1)</script>\n"
    )

    assert response.status_code == 422
    assert "Line 3: lessons may not contain" in _text(response)
    assert "it" not in _lesson("welcome").translations


def test_a_lesson_translation_needs_its_text(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)

    response = _translate_lesson(client, course, lesson, body="  ")

    assert response.status_code == 200
    assert "Translate the text too" in _text(response)
    assert "it" not in _lesson("welcome").translations


def test_the_preview_button_renders_the_translation_without_saving(
    client, course, trainer, login_as
):
    lesson = _lesson("welcome")
    login_as(trainer)

    response = _translate_lesson(
        client, course, lesson, body="**Bozza** di testo", submit="", preview="Preview"
    )

    assert response.status_code == 200
    assert "<strong>Bozza</strong> di testo" in _text(response)
    assert "it" not in _lesson("welcome").translations


def test_the_course_title_and_summary_are_translated(client, course, trainer, login_as):
    login_as(trainer)
    url = f"/author/courses/{course.id}/translations/fi"

    response = client.post(
        url,
        data={
            "opened": _opened(_text(client.get(url))),
            "title": "Esimerkkikurssi",
            "summary": "Kurssi testejä varten.",
        },
    )

    assert response.status_code == 302
    assert _course().localized("title", "fi") == "Esimerkkikurssi"
    assert _course().localized("summary", "fi") == "Kurssi testejä varten."


@pytest.mark.parametrize("locale", ["en", "de"])
def test_only_the_translation_languages_have_an_editor(client, course, trainer, login_as, locale):
    login_as(trainer)

    assert client.get(f"/author/courses/{course.id}/translations/{locale}").status_code == 404
    assert client.get(_lesson_url(course, _lesson("welcome"), locale)).status_code == 404


# -- outdated translations ---------------------------------------------------------------------------
def test_a_translation_is_outdated_once_its_english_text_changes_until_it_is_saved_again(
    client, course, trainer, login_as
):
    login_as(trainer)
    _translate_lesson(client, course, _lesson("welcome"))
    editor_url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"

    client.post(
        editor_url, data=_english_lesson_form(_lesson("welcome"), body="A new English text.\n")
    )
    outdated = _text(client.get(editor_url))
    translation_page = _text(client.get(_lesson_url(course, _lesson("welcome"))))
    _translate_lesson(client, course, _lesson("welcome"), body="Un nuovo testo italiano.\n")
    updated = _text(client.get(editor_url))

    assert "Outdated" in _state_row(outdated, "Italiano")
    assert "Changed in English since: text" in _state_row(outdated, "Italiano")
    assert "The English text has changed since this translation was saved" in translation_page
    assert "Translated" in _state_row(updated, "Italiano")


def test_an_imported_translation_is_outdated_once_the_english_lesson_is_edited(
    client, course, trainer, login_as
):
    login_as(trainer)
    editor_url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"

    client.post(
        editor_url, data=_english_lesson_form(_lesson("welcome"), title="Welcome, officials")
    )

    row = _state_row(_text(client.get(editor_url)), "Svenska")
    assert "Outdated" in row and "Changed in English since: title" in row


def test_changing_only_the_minutes_keeps_translations_up_to_date(client, course, trainer, login_as):
    login_as(trainer)
    editor_url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"

    client.post(editor_url, data=_english_lesson_form(_lesson("welcome"), minutes="25"))

    assert "Translated" in _state_row(_text(client.get(editor_url)), "Svenska")


def test_a_course_title_translation_is_outdated_after_the_english_title_changes(
    client, course, trainer, login_as
):
    login_as(trainer)
    settings = {
        "opened_version": str(course.version),
        "title": "Sample course 2026",
        "summary": course.summary,
        "policy_area": "youth",
        "hours": "3",
        "completion_rule": "all_required",
    }

    client.post(f"/author/courses/{course.id}", data=settings)

    page = _text(client.get(f"/author/courses/{course.id}"))
    assert "Outdated" in _state_row(page, "Italiano")


# -- two people at once --------------------------------------------------------------------------------
@pytest.fixture
def colleague(course, make_user):
    colleague = make_user(role="trainer", name="Björn Colleague")
    db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id))
    db.session.commit()
    return colleague


def test_two_trainers_saving_the_same_translation_the_second_gets_a_conflict(
    app, course, trainer, colleague
):
    giulia, bjorn = app.test_client(), app.test_client()
    login(giulia, trainer)
    login(bjorn, colleague)
    url = _lesson_url(course, _lesson("welcome"))
    opened = _opened(_text(bjorn.get(url)))
    form = {"opened": _opened(_text(giulia.get(url))), "title": "Benvenuti", "submit": "Save"}

    first = giulia.post(url, data={**form, "body": "Il testo di Giulia.\n"})
    second = bjorn.post(url, data={**form, "opened": opened, "body": "Il testo di Björn.\n"})

    assert first.status_code == 302
    assert second.status_code == 409
    page = _text(second)
    assert (
        "Someone else saved this translation while you were editing it. Nothing was overwritten"
        in page
    )
    assert "Il testo di Giulia." in page and "Il testo di Björn." in page
    assert _lesson("welcome").translations["it"]["body"] == "Il testo di Giulia.\n"
    # The conflict page carries the new token: saving again is a deliberate choice, and it works.
    again = bjorn.post(url, data={**form, "opened": _opened(page), "body": "Il testo di Björn.\n"})
    assert again.status_code == 302
    assert _lesson("welcome").translations["it"]["body"] == "Il testo di Björn.\n"


def test_a_translation_saved_meanwhile_is_no_conflict_for_the_english_editor(
    app, course, trainer, colleague
):
    author, translator = app.test_client(), app.test_client()
    login(author, trainer)
    login(translator, colleague)
    editor_url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"
    opened = _text(author.get(editor_url))
    form = {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', opened).group(1)
        for name in ("opened_version", "opened_text")
    }

    _translate_lesson(translator, course, _lesson("welcome"))
    response = author.post(
        editor_url,
        data={**_english_lesson_form(_lesson("welcome"), body="Better English.\n"), **form},
    )

    assert response.status_code == 302
    assert _lesson("welcome").body == "Better English.\n"
    assert _lesson("welcome").translations["it"]["title"] == "Benvenuti"


def test_a_course_translation_saved_meanwhile_is_no_conflict_for_the_settings(
    app, course, trainer, colleague
):
    author, translator = app.test_client(), app.test_client()
    login(author, trainer)
    login(translator, colleague)
    opened = _text(author.get(f"/author/courses/{course.id}"))
    tokens = {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', opened).group(1)
        for name in ("opened_version", "opened_text")
    }
    url = f"/author/courses/{course.id}/translations/sv"
    translator.post(url, data={"opened": "new", "title": "Exempelkurs"})

    response = author.post(
        f"/author/courses/{course.id}",
        data={
            **tokens,
            "title": "Sample course",
            "summary": course.summary,
            "policy_area": "youth",
            "hours": "4",
            "completion_rule": "all_required",
        },
    )

    assert response.status_code == 302
    assert (_course().hours, _course().localized("title", "sv")) == (4.0, "Exempelkurs")


def test_a_translation_of_an_english_text_changed_meanwhile_is_saved_as_outdated(
    app, course, trainer, colleague
):
    author, translator = app.test_client(), app.test_client()
    login(author, trainer)
    login(translator, colleague)
    url = _lesson_url(course, _lesson("welcome"))
    opened = _text(translator.get(url))
    form = {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', opened).group(1)
        for name in ("opened", "source")
    }

    author.post(
        f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}",
        data=_english_lesson_form(_lesson("welcome"), body="A rewritten English text.\n"),
    )
    response = translator.post(
        url, data={**form, "title": "Benvenuti", "body": ITALIAN_BODY}, follow_redirects=True
    )

    assert "The English text changed while you were translating it" in _text(response)
    assert "A rewritten English text." in _text(response)  # the source now shown
    assert _lesson("welcome").translations["it"]["body"] == ITALIAN_BODY
    assert "Outdated" in _state_row(
        _text(author.get(f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}")),
        "Italiano",
    )


def test_translations_into_two_languages_saved_at_the_same_moment_are_both_kept(app, course):
    from nttlearn.author.translations import commit_change, save_translation

    lesson_id = _lesson("welcome").id
    finnish = {"title": "Tervetuloa", "body": "Suomeksi.\n"}

    def save_italian(lesson):
        if lesson.version == 1:  # read, and before writing, a colleague's Finnish is committed
            errors = at_once(
                app,
                [lambda: save_translation(db.session.get(Lesson, lesson_id), "fi", finnish, "new")],
            )
            assert errors == []
        save_translation(lesson, "it", {"title": "Benvenuti", "body": ITALIAN_BODY}, "new")

    commit_change(lambda: db.session.get(Lesson, lesson_id), "it", save_italian)

    saved = _lesson("welcome").translations
    assert (saved["it"]["title"], saved["fi"]["title"], saved["sv"]["title"]) == (
        "Benvenuti",
        "Tervetuloa",
        "Välkommen",
    )


# -- deleting ----------------------------------------------------------------------------------------
def test_deleting_a_translation_brings_the_english_text_back(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)
    page = _text(client.get(_lesson_url(course, lesson, "sv")))

    asked = client.post(
        f"{_lesson_url(course, lesson, 'sv')}/delete", data={"opened": _opened(page)}
    )
    response = client.post(
        f"{_lesson_url(course, lesson, 'sv')}/delete",
        data={"opened": _opened(page), "confirmed": "1"},
    )

    assert asked.status_code == 200 and "Delete the translation (Svenska)?" in _text(asked)
    assert 'name="opened"' in _text(asked)  # the token travels on to the confirmed request
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/author/courses/{course.id}/lessons/{lesson.id}")
    assert "sv" not in _lesson("welcome").translations
    assert "Not translated" in _state_row(
        _text(client.get(response.headers["Location"])), "Svenska"
    )


def test_a_translation_changed_since_the_page_was_opened_is_not_deleted(
    client, course, trainer, login_as
):
    lesson = _lesson("welcome")
    login_as(trainer)
    stale = _opened(_text(client.get(_lesson_url(course, lesson, "sv"))))
    _translate_lesson(client, course, lesson, "sv", title="Välkomna", body="Ändrad text.")

    response = client.post(
        f"{_lesson_url(course, lesson, 'sv')}/delete",
        data={"opened": stale, "confirmed": "1"},
        follow_redirects=True,
    )

    assert "was changed after you opened it, so it was not deleted" in _text(response)
    assert _lesson("welcome").translations["sv"]["title"] == "Välkomna"


def test_deleting_the_course_title_translation(client, course, trainer, login_as):
    login_as(trainer)
    url = f"/author/courses/{course.id}/translations/it"

    client.post(f"{url}/delete", data={"opened": _opened(_text(client.get(url))), "confirmed": "1"})

    assert _course().translations == {}
    assert _course().localized("title", "it") == "Sample course"


# -- learners ----------------------------------------------------------------------------------------
def test_a_learner_reads_the_lesson_in_their_language_once_it_is_translated(
    client, app, course, trainer, make_user, login_as
):
    learner = make_user(name="Luca Learner", locale="it")
    enrol(learner.id, course)
    db.session.commit()
    lesson_url = f"/courses/{course.slug}/lessons/{_lesson('welcome').id}"
    reader = app.test_client()
    login(reader, learner)
    before = _text(reader.get(lesson_url))

    _translate_lesson(login_as(trainer), course, _lesson("welcome"))
    after = _text(reader.get(lesson_url))

    assert "Some text about twinned towns." in before
    assert "Benvenuti" in after and "Un testo sulle città gemellate." in after
    assert "Some text about twinned towns." not in after
    note = re.compile(
        r'<p class="note">[^<]+</p>'
    )  # "not yet available in your language", in Italian
    assert note.search(before) and not note.search(after)


# -- who may do what ---------------------------------------------------------------------------------
def _routes(course: Course, lesson: Lesson) -> list[tuple[str, str]]:
    c, lesson_url = course.id, _lesson_url(course, lesson, "sv")
    return [
        ("GET", f"/author/courses/{c}/translations"),
        ("GET", f"/author/courses/{c}/translations/it"),
        ("POST", f"/author/courses/{c}/translations/it"),
        ("POST", f"/author/courses/{c}/translations/it/delete"),
        ("GET", lesson_url),
        ("POST", lesson_url),
        ("POST", f"{lesson_url}/delete"),
    ]


@pytest.mark.parametrize("role", ["trainer", "learner"])
def test_nobody_but_the_courses_trainers_and_admins_can_translate_it(
    client, course, make_user, login_as, role
):
    before = (_course().translations, _lesson("welcome").translations)
    login_as(make_user(role=role))

    answers = {
        f"{method} {url}": client.open(
            url, method=method, data={"title": "x", "body": "x", "opened": "new"}
        ).status_code
        for method, url in _routes(course, _lesson("welcome"))
    }

    assert set(answers.values()) == {403}, answers
    assert (_course().translations, _lesson("welcome").translations) == before


def test_a_lesson_of_another_course_cannot_be_translated_through_mine(
    client, course, trainer, make_course, login_as
):
    other = make_course(modules=1, lessons=1)
    foreign = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == other.id)
    ).scalar_one()
    login_as(trainer)

    assert client.get(_lesson_url(course, foreign)).status_code == 404
    assert (
        client.post(
            _lesson_url(course, foreign), data={"opened": "new", "title": "x", "body": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"{_lesson_url(course, foreign)}/delete").status_code == 404
    db.session.expire_all()
    assert not db.session.get(Lesson, foreign.id).translations


def test_saving_and_deleting_need_the_csrf_token(app_factory, make_user, tmp_path):
    app = app_factory(config={"WTF_CSRF_ENABLED": True}, plugins=[ExercisePlugin()])
    with app.app_context():
        trainer = make_user(role="trainer")
        import_package(
            write_package(tmp_path / "pkg", sample_files()),
            app.extensions["nttlearn"].all_activity_types(),
        )
        commit_import()
        course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
        db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
        db.session.commit()
        url, email = _lesson_url(course, _lesson("welcome"), "sv"), trainer.email
    client = app.test_client()  # outside the app context: each request gets its own ``g`` and token
    client.post(
        "/login",
        data={
            "email": email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(_text(client.get("/login"))),
        },
    )
    page = _text(client.get(url))
    form = {"opened": _opened(page), "title": "Välkomna", "body": "Ny text."}

    refused = [
        client.post(url, data=form).status_code,
        client.post(f"{url}/delete", data=form).status_code,
    ]
    accepted = client.post(url, data={**form, "csrf_token": csrf_token(page)})

    assert refused == [400, 400]
    assert accepted.status_code == 302


# -- packages ----------------------------------------------------------------------------------------
def test_export_then_import_keeps_the_translations_made_in_the_browser(
    client, app, course, trainer, login_as, tmp_path
):
    login_as(trainer)
    _translate_lesson(client, course, _lesson("welcome"))
    url = f"/author/courses/{course.id}/translations/es"
    client.post(
        url,
        data={
            "opened": "new",
            "title": "Curso de ejemplo",
            "summary": "Un curso para las pruebas.",
        },
    )
    types = app.extensions["nttlearn"].all_activity_types()

    folder = export_course(_course(), tmp_path / "export", types)
    (folder / "course.yaml").write_text(
        (folder / "course.yaml")
        .read_text(encoding="utf-8")
        .replace("slug: sample-course", "slug: sample-copy"),
        encoding="utf-8",
    )
    import_package(folder, types)
    commit_import()

    assert (folder / "modules/01-cycle/01-welcome.it.md").read_text(encoding="utf-8") == (
        "---\ntitle: Benvenuti\n---\n" + ITALIAN_BODY
    )
    copy = db.session.execute(db.select(Course).filter_by(slug="sample-copy")).scalar_one()
    lesson = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == copy.id, Lesson.key == "welcome")
    ).scalar_one()
    assert (lesson.localized("title", "it"), lesson.localized("body", "it")) == (
        "Benvenuti",
        ITALIAN_BODY,
    )
    assert lesson.localized("title", "sv") == "Välkommen"
    assert (copy.localized("title", "es"), copy.localized("summary", "es")) == (
        "Curso de ejemplo",
        "Un curso para las pruebas.",
    )
    assert copy.localized("title", "it") == "Corso di esempio"


def test_reimporting_the_export_changes_nothing_and_keeps_an_outdated_translation_outdated(
    client, app, course, trainer, login_as, tmp_path
):
    login_as(trainer)
    _translate_lesson(client, course, _lesson("welcome"))
    editor_url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"
    client.post(
        editor_url, data=_english_lesson_form(_lesson("welcome"), body="A new English text.\n")
    )
    types = app.extensions["nttlearn"].all_activity_types()
    kept = _lesson("welcome").translations

    report = import_package(export_course(_course(), tmp_path / "export", types), types)
    commit_import()

    # (The fake exercise plugin names its file after the activity, so only the activity differs.)
    assert [item for item in report.updated if not item.startswith("activity ")] == []
    assert _lesson("welcome").translations == kept
    assert "Outdated" in _state_row(_text(client.get(editor_url)), "Italiano")


def test_a_package_that_changes_the_english_but_not_the_translation_makes_it_outdated(
    client, app, course, trainer, login_as, tmp_path
):
    types = app.extensions["nttlearn"].all_activity_types()
    changed = sample_files(
        **{
            "modules/01-cycle/01-welcome.md": "---\ntitle: Welcome\nminutes: 15\n---\nA rewritten text.\n"
        }
    )

    import_package(write_package(tmp_path / "pkg2", changed), types)
    commit_import()

    login_as(trainer)
    page = _text(client.get(f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"))
    assert "Outdated" in _state_row(page, "Svenska")
    assert _lesson("welcome").translations["sv"]["body"] == "Text på svenska.\n"


# -- forms and queries ---------------------------------------------------------------------------------
def test_the_authoring_forms_use_no_deprecated_select_choices(client, course, trainer, login_as):
    login_as(trainer)
    module = db.session.execute(db.select(Module).filter_by(key="cycle")).scalar_one()

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        statuses = [
            client.get(url).status_code
            for url in (
                f"/author/courses/{course.id}",
                "/author/courses/new",
                f"/author/courses/{course.id}/modules/{module.id}/lessons/new",
                f"/author/courses/{course.id}/modules/{module.id}/activities/new",
            )
        ]

    assert statuses == [200, 200, 200, 200]


def test_the_translation_pages_run_the_same_queries_however_many_lessons(
    app, client, trainer, make_course, login_as
):
    login_as(trainer)

    def queries(lessons: int) -> list[int]:
        course = make_course(modules=2, lessons=lessons, trainer=trainer)
        lesson = (
            db.session.execute(db.select(Lesson).join(Module).where(Module.course_id == course.id))
            .scalars()
            .first()
        )
        module = db.session.get(Module, lesson.module_id)
        counts = []
        for url in (
            f"/author/courses/{course.id}/translations",
            f"/author/courses/{course.id}/modules/{module.id}",
            f"/author/courses/{course.id}/lessons/{lesson.id}",
            _lesson_url(course, lesson),
        ):
            db.session.expire_all()
            with count_queries(app) as statements:
                assert client.get(url).status_code == 200
            # The plugin switches are re-read every few seconds, whatever the page: not counted.
            counts.append(len([s for s in statements if "plugin_states" not in s]))
        return counts

    assert queries(1) == queries(8)


def test_a_trainer_from_bologna_reads_the_translation_pages_in_italian(
    client, course, make_user, login_as
):
    giulia = make_user(role="trainer", name="Giulia Rossi", locale="it")
    db.session.add(CourseStaff(course_id=course.id, user_id=giulia.id))
    db.session.commit()
    login_as(giulia)

    overview = _text(client.get(f"/author/courses/{course.id}/translations"))
    editor = _text(client.get(_lesson_url(course, _lesson("welcome"))))

    assert (
        "Non tradotto" in overview
        and "Tradotto" in overview
        and "Il corso" in overview
        and "Totali" in overview
    )
    assert (
        "Traduzione: Italiano" in editor
        and "Inglese (originale)" in editor
        and "Salva la traduzione" in editor
    )


def test_a_duplicated_course_keeps_its_translations_and_their_states(
    client, course, trainer, login_as
):
    login_as(trainer)
    _translate_lesson(client, course, _lesson("welcome"))
    client.post(
        f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}",
        data=_english_lesson_form(_lesson("welcome"), body="A new English text.\n"),
    )

    response = client.post(
        f"/author/courses/{course.id}/duplicate", data={"title": "Copy", "slug": "sample-copy"}
    )

    copy = db.session.execute(db.select(Course).filter_by(slug="sample-copy")).scalar_one()
    welcome = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == copy.id, Lesson.key == "welcome")
    ).scalar_one()
    page = _text(client.get(f"/author/courses/{copy.id}/lessons/{welcome.id}"))
    assert response.status_code == 302
    assert "Outdated" in _state_row(page, "Italiano") and "Outdated" in _state_row(page, "Svenska")
    assert welcome.localized("body", "it") == ITALIAN_BODY


def test_a_trainer_cannot_reach_another_course_s_texts_through_their_own_course(
    app, course, make_user, make_course
):
    """Each translation URL names the course and the element: an element of another course is 404,
    even under a course the trainer teaches, and nothing of it changes."""
    other = make_course(modules=1, lessons=1)
    foreign_lesson = (
        db.session.execute(db.select(Lesson).join(Module).where(Module.course_id == other.id))
        .scalars()
        .first()
    )
    foreign_module = (
        db.session.execute(db.select(Module).filter_by(course_id=other.id)).scalars().first()
    )
    client = app.test_client()
    login(
        client,
        db.session.execute(db.select(CourseStaff).filter_by(course_id=course.id)).scalar_one().user,
    )
    base = f"/author/courses/{course.id}"
    assert client.get(f"{base}/lessons/{_lesson('welcome').id}/translations/it").status_code == 200

    answers = [
        client.get(f"{base}/lessons/{foreign_lesson.id}/translations/it").status_code,
        client.post(
            f"{base}/lessons/{foreign_lesson.id}/translations/it",
            data={"title": "Rubato", "body": "Testo rubato."},
        ).status_code,
        client.post(f"{base}/lessons/{foreign_lesson.id}/translations/it/delete").status_code,
        client.get(f"{base}/modules/{foreign_module.id}/translations/it").status_code,
        client.post(
            f"{base}/modules/{foreign_module.id}/translations/it", data={"title": "Rubato"}
        ).status_code,
    ]

    assert answers == [404] * 5
    db.session.expire_all()
    assert db.session.get(Lesson, foreign_lesson.id).translations in ({}, None)
    assert db.session.get(Module, foreign_module.id).translations in ({}, None)
