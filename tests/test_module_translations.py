"""Module titles and summaries in Italian, Swedish, Spanish and Finnish: carried by packages
(module.yaml), translated by trainers in the browser, and read by learners in their language."""

from __future__ import annotations

import re

import flask_migrate
import pytest
import sqlalchemy as sa
from test_content_fakes import ExercisePlugin, csrf_token, sample_files, write_package

from nttlearn.content.exporter import export_course
from nttlearn.content.importer import ImportFailed, commit_import, import_package
from nttlearn.content.package import load_package
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Course, CourseStaff, Lesson, Module
from nttlearn.testing import TEST_PASSWORD, at_once, login

TRANSLATED_MODULE_YAML = """\
title:
  en: The project cycle
  it: Il ciclo di progetto
  sv: Projektcykeln
summary:
  en: Phases of a project.
  it: Le fasi di un progetto.
activities:
  - id: check
    type: exercise
    title: Check your understanding
    required: true
    file: questions.txt
"""


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def types(app):
    return app.extensions["nttlearn"].all_activity_types()


@pytest.fixture
def trainer(make_user):
    return make_user(role="trainer", name="Giulia Trainer")


def _import(tmp_path, types, name: str = "pkg", **overrides: str | None):
    report = import_package(write_package(tmp_path / name, sample_files(**overrides)), types)
    commit_import()
    return report


@pytest.fixture
def course(app, types, trainer, tmp_path) -> Course:
    """The sample package, whose module "cycle" has Italian and Swedish titles, taught by ``trainer``."""
    _import(tmp_path, types, **{"modules/01-cycle/module.yaml": TRANSLATED_MODULE_YAML})
    course = _course()
    db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return course


def _course(slug: str = "sample-course") -> Course:
    db.session.expire_all()
    return db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()


def _module(key: str = "cycle", slug: str = "sample-course") -> Module:
    db.session.expire_all()
    return db.session.execute(
        db.select(Module).join(Course).where(Course.slug == slug, Module.key == key)
    ).scalar_one()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)


def _url(course: Course, module: Module, locale: str = "it") -> str:
    return f"/author/courses/{course.id}/modules/{module.id}/translations/{locale}"


def _translate(client, course: Course, module: Module, locale: str = "it", **fields):
    url = _url(course, module, locale)
    data = {
        "opened": _hidden(_text(client.get(url)), "opened"),
        "title": "Trovare i partner",
        "summary": "",
        "submit": "Save",
    }
    data.update(fields)
    return client.post(url, data=data)


def _state_row(html: str, language: str) -> str:
    """The row of a "Translations" box for ``language``."""
    return re.search(
        rf'<th scope="row"><span lang="[a-z]{{2}}">{language}</span></th>(.*?)</tr>', html, re.S
    ).group(1)


def _module_form(module: Module, **changes) -> dict:
    data = {
        "title": module.title,
        "summary": module.summary,
        "outcomes": "\n".join(module.outcomes or []),
        "submit": "Save",
    }
    data.update(changes)
    return data


def files_of(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- packages ----------------------------------------------------------------------------------------
def test_a_package_s_module_titles_and_summaries_in_other_languages_are_imported(course):
    module = _module()

    assert module.translations == {
        "it": {"title": "Il ciclo di progetto", "summary": "Le fasi di un progetto."},
        "sv": {"title": "Projektcykeln"},
    }
    assert (module.title, module.summary) == ("The project cycle", "Phases of a project.")
    assert module.localized("title", "sv") == "Projektcykeln"
    assert (
        module.localized("summary", "sv") == "Phases of a project."
    )  # no Swedish summary: the English one
    assert _module("partners").translations == {}


def test_the_export_writes_module_translations_into_module_yaml_and_export_import_export_is_identical(
    app, course, types, tmp_path
):
    first = export_course(_course(), tmp_path / "first", types)
    reimport = import_package(first, types)
    commit_import()
    second = export_course(_course(), tmp_path / "second", types)

    assert (
        (first / "modules/01-cycle/module.yaml")
        .read_text(encoding="utf-8")
        .startswith(
            "title:\n  en: The project cycle\n  it: Il ciclo di progetto\n  sv: Projektcykeln\n"
            "summary:\n  en: Phases of a project.\n  it: Le fasi di un progetto.\n"
        )
    )
    assert (first / "modules/02-partners/module.yaml").read_text(
        encoding="utf-8"
    ) == "title: Partners\n"
    # (The fake exercise plugin names its file after the activity, so only the activity differs.)
    assert [item for item in reimport.updated if not item.startswith("activity ")] == []
    assert files_of(first) == files_of(second)


def test_a_package_that_only_adds_a_module_translation_updates_the_module(
    app, course, types, tmp_path
):
    spanish = TRANSLATED_MODULE_YAML.replace(
        "  sv: Projektcykeln\n", "  sv: Projektcykeln\n  es: El ciclo del proyecto\n"
    )

    report = _import(tmp_path, types, "pkg2", **{"modules/01-cycle/module.yaml": spanish})

    assert report.updated == ["module cycle"]
    assert _module().localized("title", "es") == "El ciclo del proyecto"


@pytest.mark.parametrize(
    ("module_yaml", "message"),
    [
        ("title:\n  it: Il ciclo di progetto\n", "'title' needs an English ('en') text"),
        (
            "title:\n  en: The project cycle\n  de: Der Projektzyklus\n",
            "unknown language 'de' in 'title' (use one of en, it, sv, es, fi)",
        ),
        (
            "title: The project cycle\nsummary:\n  it: Le fasi.\n",
            "'summary' needs an English ('en') text",
        ),
    ],
)
def test_a_module_translation_the_package_format_does_not_allow_is_reported_with_its_line(
    app, types, tmp_path, module_yaml, message
):
    package = write_package(
        tmp_path / "pkg", sample_files(**{"modules/01-cycle/module.yaml": module_yaml})
    )

    result = load_package(package, types, display="pkg")

    assert [(p.path, p.message) for p in result.problems] == [
        ("pkg/modules/01-cycle/module.yaml", message)
    ]
    with pytest.raises(ImportFailed):
        import_package(package, types)


def test_an_empty_translation_in_module_yaml_is_no_translation(app, types, tmp_path):
    _import(
        tmp_path,
        types,
        **{"modules/01-cycle/module.yaml": "title:\n  en: The project cycle\n  it:\n  sv: ''\n"},
    )

    assert _module().translations == {}


def test_a_package_that_changes_the_english_module_title_but_not_its_translation_makes_it_outdated(
    client, course, types, trainer, login_as, tmp_path
):
    changed = TRANSLATED_MODULE_YAML.replace(
        "en: The project cycle", "en: The project cycle, step by step"
    )

    _import(tmp_path, types, "pkg2", **{"modules/01-cycle/module.yaml": changed})

    page = _text(login_as(trainer).get(f"/author/courses/{course.id}/modules/{_module().id}"))
    assert "Outdated" in _state_row(
        page, "Italiano"
    ) and "Changed in English since: title" in _state_row(page, "Italiano")
    assert _module().localized("title", "it") == "Il ciclo di progetto"


def test_a_duplicated_course_keeps_its_module_translations_and_their_states(
    client, course, trainer, login_as
):
    login_as(trainer)
    client.post(
        f"/author/courses/{course.id}/modules/{_module().id}",
        data=_module_form(_module(), title="The cycle"),
    )

    response = client.post(
        f"/author/courses/{course.id}/duplicate", data={"title": "Copy", "slug": "sample-copy"}
    )

    copy = _module(slug="sample-copy")
    page = _text(client.get(f"/author/courses/{copy.course_id}/modules/{copy.id}"))
    assert response.status_code == 302
    assert copy.localized("title", "it") == "Il ciclo di progetto"
    assert "Outdated" in _state_row(page, "Italiano") and "Outdated" in _state_row(page, "Svenska")


# -- the browser: where module translations are listed --------------------------------------------------
def test_the_overview_lists_each_module_s_title_and_summary_with_its_state_per_language(
    client, course, trainer, login_as
):
    module, other = _module(), _module("partners")
    login_as(trainer)

    page = _text(client.get(f"/author/courses/{course.id}/translations"))

    rows = re.findall(
        r"<tr>\s*<th scope=\"row\"><a href=\"[^\"]*/modules/(\d+)\">(Title|Summary)</a>(.*?)</tr>",
        page,
        re.S,
    )
    assert [(int(module_id), what) for module_id, what, _cells in rows][:2] == [
        (module.id, "Title"),
        (module.id, "Summary"),
    ]
    assert other.id in {int(module_id) for module_id, _what, _cells in rows}
    cycle = re.findall(r"badge[^\"]*\">([^<]+)<", rows[0][2])
    assert cycle == ["Translated", "Translated", "Not translated", "Not translated"]
    assert _url(course, other, "fi") in page


def test_the_module_page_shows_its_own_translations_and_its_lessons(
    client, course, trainer, login_as
):
    login_as(trainer)

    page = _text(client.get(f"/author/courses/{course.id}/modules/{_module().id}"))

    assert "Translated" in _state_row(page, "Italiano") and "Not translated" in _state_row(
        page, "Español"
    )
    assert _url(course, _module(), "es") in _state_row(page, "Español")
    assert "Translations of the lessons" in page and "Welcome" in page


# -- the browser: translating --------------------------------------------------------------------------
def test_a_trainer_translates_a_module_title_and_summary_beside_the_english(
    client, course, trainer, login_as
):
    module = _module("partners")
    login_as(trainer)
    client.post(
        f"/author/courses/{course.id}/modules/{module.id}",
        data=_module_form(module, summary="Finding and choosing partner towns."),
    )

    editor = _text(client.get(_url(course, module, "fi")))
    response = _translate(
        client,
        course,
        module,
        "fi",
        title="Kumppanit",
        summary="Kumppanikaupunkien löytäminen ja valinta.",
    )

    assert "English (source)" in editor and "Finding and choosing partner towns." in editor
    assert "the module's title and summary" in editor and 'lang="fi"' in editor
    assert response.status_code == 302
    assert _module("partners").translations["fi"]["title"] == "Kumppanit"
    assert (
        _module("partners").localized("summary", "fi")
        == "Kumppanikaupunkien löytäminen ja valinta."
    )
    assert "Translation saved: Suomi." in _text(client.get(response.headers["Location"]))


def test_without_an_english_summary_only_the_title_is_translated(client, course, trainer, login_as):
    module = _module("partners")  # "title: Partners", no summary
    login_as(trainer)

    editor = _text(client.get(_url(course, module)))
    response = _translate(
        client, course, module, title="Partner", summary="Un riassunto senza originale."
    )

    assert "The module has no summary." in editor and 'name="summary"' not in editor
    assert response.status_code == 302
    assert _module("partners").translations["it"]["title"] == "Partner"
    assert "summary" not in _module("partners").translations["it"]


def test_a_module_translation_needs_its_title(client, course, trainer, login_as):
    login_as(trainer)

    response = _translate(client, course, _module("partners"), title="  ")

    assert response.status_code == 200
    assert "This field is required." in _text(response)
    assert _module("partners").translations == {}


def test_a_module_translation_is_outdated_once_the_english_title_changes_until_it_is_saved_again(
    client, course, trainer, login_as
):
    login_as(trainer)
    module_url = f"/author/courses/{course.id}/modules/{_module().id}"
    _translate(client, course, _module(), title="Il ciclo", summary="Le fasi.")

    client.post(module_url, data=_module_form(_module(), title="The cycle of a network project"))
    outdated = _text(client.get(module_url))
    overview = _text(client.get(f"/author/courses/{course.id}/translations"))
    editor = _text(client.get(_url(course, _module())))
    _translate(
        client, course, _module(), title="Il ciclo di un progetto di rete", summary="Le fasi."
    )
    updated = _text(client.get(module_url))

    assert "Outdated" in _state_row(outdated, "Italiano")
    assert "Changed in English since: title" in _state_row(outdated, "Italiano")
    assert 'data-count="outdated">1<' in re.search(
        r'<tr data-locale="it">(.*?)</tr>', overview, re.S
    ).group(1)
    assert "The English text has changed since this translation was saved" in editor
    assert "The cycle of a network project" in editor
    assert "Translated" in _state_row(updated, "Italiano")


def test_an_imported_module_translation_is_outdated_once_the_english_summary_is_edited(
    client, course, trainer, login_as
):
    login_as(trainer)
    module_url = f"/author/courses/{course.id}/modules/{_module().id}"

    client.post(
        module_url, data=_module_form(_module(), summary="The phases of a network project.")
    )

    row = _state_row(_text(client.get(module_url)), "Svenska")
    assert "Outdated" in row and "Changed in English since: summary" in row


def test_changing_only_the_outcomes_keeps_module_translations_up_to_date(
    client, course, trainer, login_as
):
    login_as(trainer)
    module_url = f"/author/courses/{course.id}/modules/{_module().id}"
    version = _module().version

    client.post(module_url, data=_module_form(_module(), outcomes="Name the phases of a project."))

    assert "Translated" in _state_row(_text(client.get(module_url)), "Italiano")
    assert _module().outcomes == ["Name the phases of a project."]
    assert _module().translations["it"] == {
        "title": "Il ciclo di progetto",
        "summary": "Le fasi di un progetto.",
    }
    assert _module().version == version + 1


def test_saving_the_module_unchanged_writes_nothing(client, course, trainer, login_as):
    login_as(trainer)
    version = _module().version

    response = client.post(
        f"/author/courses/{course.id}/modules/{_module().id}", data=_module_form(_module())
    )

    assert response.status_code == 302
    assert _module().version == version


# -- two people at once --------------------------------------------------------------------------------
@pytest.fixture
def colleague(course, make_user):
    colleague = make_user(role="trainer", name="Björn Colleague")
    db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id))
    db.session.commit()
    return colleague


def test_two_trainers_saving_the_same_module_translation_the_second_gets_a_conflict(
    app, course, trainer, colleague
):
    giulia, bjorn = app.test_client(), app.test_client()
    login(giulia, trainer)
    login(bjorn, colleague)
    url = _url(course, _module())
    opened = _hidden(_text(bjorn.get(url)), "opened")

    first = _translate(giulia, course, _module(), title="Il ciclo secondo Giulia")
    second = bjorn.post(
        url, data={"opened": opened, "title": "Il ciclo secondo Björn", "summary": ""}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = _text(second)
    assert (
        "Someone else saved this translation while you were editing it. Nothing was overwritten"
        in page
    )
    assert "Il ciclo secondo Giulia" in page and "Il ciclo secondo Björn" in page
    assert _module().translations["it"]["title"] == "Il ciclo secondo Giulia"
    again = bjorn.post(
        url,
        data={"opened": _hidden(page, "opened"), "title": "Il ciclo secondo Björn", "summary": ""},
    )
    assert again.status_code == 302
    assert _module().translations["it"]["title"] == "Il ciclo secondo Björn"


def test_module_translations_into_two_languages_saved_at_the_same_moment_are_both_kept(app, course):
    from nttlearn.author.translations import commit_change, save_translation

    module_id = _module().id
    finnish = {"title": "Projektisykli", "summary": "Projektin vaiheet."}

    def save_spanish(module):
        if (
            "fi" not in module.translations
        ):  # read, and before writing, a colleague's Finnish is committed
            errors = at_once(
                app,
                [lambda: save_translation(db.session.get(Module, module_id), "fi", finnish, "new")],
            )
            assert errors == []
        save_translation(
            module, "es", {"title": "El ciclo del proyecto", "summary": "Las fases."}, "new"
        )

    commit_change(lambda: db.session.get(Module, module_id), "es", save_spanish)

    saved = _module().translations
    assert (saved["es"]["title"], saved["fi"]["title"], saved["it"]["title"]) == (
        "El ciclo del proyecto",
        "Projektisykli",
        "Il ciclo di progetto",
    )


def test_a_module_translation_saved_meanwhile_is_kept_by_an_english_edit(
    app, course, trainer, colleague
):
    author, translator = app.test_client(), app.test_client()
    login(author, trainer)
    login(translator, colleague)
    module_url = f"/author/courses/{course.id}/modules/{_module().id}"
    author.get(module_url)

    _translate(translator, course, _module(), "fi", title="Projektisykli")
    response = author.post(
        module_url, data=_module_form(_module(), title="The project cycle, revised")
    )

    assert response.status_code == 302
    assert _module().title == "The project cycle, revised"
    assert _module().translations["fi"]["title"] == "Projektisykli"
    assert "Outdated" in _state_row(_text(author.get(module_url)), "Suomi")


# -- deleting ----------------------------------------------------------------------------------------
def test_deleting_a_module_translation_brings_the_english_title_back(
    client, course, trainer, login_as
):
    module = _module()
    login_as(trainer)
    page = _text(client.get(_url(course, module, "sv")))

    response = client.post(
        f"{_url(course, module, 'sv')}/delete",
        data={"opened": _hidden(page, "opened"), "confirmed": "1"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/author/courses/{course.id}/modules/{module.id}")
    assert "sv" not in _module().translations
    assert _module().localized("title", "sv") == "The project cycle"
    assert "Not translated" in _state_row(
        _text(client.get(response.headers["Location"])), "Svenska"
    )


def test_a_module_translation_changed_since_the_page_was_opened_is_not_deleted(
    client, course, trainer, login_as
):
    module = _module()
    login_as(trainer)
    stale = _hidden(_text(client.get(_url(course, module, "sv"))), "opened")
    _translate(client, course, module, "sv", title="Projektets cykel")

    response = client.post(
        f"{_url(course, module, 'sv')}/delete",
        data={"opened": stale, "confirmed": "1"},
        follow_redirects=True,
    )

    assert "was changed after you opened it, so it was not deleted" in _text(response)
    assert _module().translations["sv"]["title"] == "Projektets cykel"


# -- learners ----------------------------------------------------------------------------------------
def test_an_italian_learner_reads_the_module_title_on_the_course_page_and_beside_the_lesson(
    client, app, course, trainer, make_user, login_as
):
    italian, english = make_user(name="Luca Learner", locale="it"), make_user(name="Emma Learner")
    for learner in (italian, english):
        enrol(learner.id, course)
    db.session.commit()
    partners = _module("partners")
    lesson = db.session.execute(
        db.select(Lesson).filter_by(module_id=partners.id, key="finding")
    ).scalar_one()
    luca, emma = app.test_client(), app.test_client()
    login(luca, italian)
    login(emma, english)
    pages = (f"/courses/{course.slug}", f"/courses/{course.slug}/lessons/{lesson.id}")
    before = [_text(luca.get(url)) for url in pages]

    _translate(login_as(trainer), course, partners, title="Trovare le città partner")
    course_page, lesson_page = (_text(luca.get(url)) for url in pages)
    english_pages = [_text(emma.get(url)) for url in pages]

    assert all("Trovare le città partner" not in page for page in before)
    assert '<span class="module-title">Trovare le città partner</span>' in course_page
    assert '<span class="module-title">Partners</span>' not in course_page
    assert '<h2 class="outline-module">Trovare le città partner</h2>' in lesson_page  # the sidebar
    assert "› <span>Trovare le città partner</span>" in lesson_page  # the breadcrumbs
    # A module translated by its package: title and summary.
    assert (
        '<span class="module-title">Il ciclo di progetto</span>' in course_page
        and "<p>Le fasi di un progetto.</p>" in course_page
    )
    assert all(
        "Trovare le città partner" not in page and "Partners" in page for page in english_pages
    )


def test_the_learner_preview_shows_module_titles_in_the_trainer_s_language(
    client, course, make_user, login_as
):
    giulia = make_user(role="trainer", name="Giulia Rossi", locale="it")
    db.session.add(CourseStaff(course_id=course.id, user_id=giulia.id))
    db.session.commit()
    lesson = db.session.execute(db.select(Lesson).filter_by(key="welcome")).scalar_one()
    login_as(giulia)

    preview = _text(client.get(f"/author/courses/{course.id}/preview"))
    lesson_preview = _text(client.get(f"/author/courses/{course.id}/preview/lessons/{lesson.id}"))

    assert (
        "<h3>Il ciclo di progetto</h3>" in preview and "<p>Le fasi di un progetto.</p>" in preview
    )
    assert '<h2 class="outline-module">Il ciclo di progetto</h2>' in lesson_preview
    assert "› <span>Il ciclo di progetto</span>" in lesson_preview


def test_a_trainer_from_bologna_reads_the_module_translation_pages_in_italian(
    client, course, make_user, login_as
):
    giulia = make_user(role="trainer", name="Giulia Rossi", locale="it")
    db.session.add(CourseStaff(course_id=course.id, user_id=giulia.id))
    db.session.commit()
    login_as(giulia)

    overview = _text(client.get(f"/author/courses/{course.id}/translations"))
    editor = _text(client.get(_url(course, _module("partners"))))
    module_page = _text(client.get(f"/author/courses/{course.id}/modules/{_module().id}"))

    assert "Modulo: " in overview and "Titolo" in overview and "Totali" in overview
    assert "titolo e riepilogo del modulo" in editor and "Il modulo non ha un riepilogo." in editor
    assert "Il modulo in inglese" in editor
    assert "Traduzioni delle lezioni" in module_page


# -- who may do what ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["trainer", "learner"])
def test_nobody_but_the_course_s_trainers_and_admins_can_translate_its_modules(
    client, course, make_user, login_as, role
):
    url = _url(course, _module(), "es")
    login_as(make_user(role=role))

    answers = [
        client.get(url).status_code,
        client.post(url, data={"opened": "new", "title": "x"}).status_code,
        client.post(f"{url}/delete", data={"opened": "new"}).status_code,
    ]

    assert answers == [403, 403, 403]
    assert "es" not in _module().translations


def test_an_admin_may_translate_any_course_s_modules(client, course, make_user, login_as):
    login_as(make_user(role="admin"))

    response = _translate(client, course, _module(), "es", title="El ciclo del proyecto")

    assert response.status_code == 302
    assert _module().localized("title", "es") == "El ciclo del proyecto"


def test_a_module_of_another_course_cannot_be_translated_through_mine(
    client, course, trainer, make_course, login_as
):
    other = make_course(modules=1, lessons=1)
    foreign = db.session.execute(db.select(Module).where(Module.course_id == other.id)).scalar_one()
    login_as(trainer)

    assert client.get(_url(course, foreign)).status_code == 404
    assert (
        client.post(_url(course, foreign), data={"opened": "new", "title": "x"}).status_code == 404
    )
    assert client.post(f"{_url(course, foreign)}/delete", data={"opened": "new"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Module, foreign.id).translations == {}


def test_an_archived_module_has_no_translation_editor(client, course, trainer, login_as):
    module = _module("partners")
    module.archived = True
    db.session.commit()
    login_as(trainer)

    assert client.get(_url(course, module)).status_code == 404


@pytest.mark.parametrize("locale", ["en", "de"])
def test_only_the_translation_languages_have_a_module_editor(
    client, course, trainer, login_as, locale
):
    login_as(trainer)

    assert client.get(_url(course, _module(), locale)).status_code == 404


def test_saving_and_deleting_a_module_translation_need_the_csrf_token(
    app_factory, make_user, tmp_path
):
    app = app_factory(config={"WTF_CSRF_ENABLED": True}, plugins=[ExercisePlugin()])
    with app.app_context():
        trainer = make_user(role="trainer")
        import_package(
            write_package(tmp_path / "pkg", sample_files()),
            app.extensions["nttlearn"].all_activity_types(),
        )
        commit_import()
        course = _course()
        db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
        db.session.commit()
        url, email, module_id = _url(course, _module()), trainer.email, _module().id
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
    form = {"opened": _hidden(page, "opened"), "title": "Il ciclo di progetto"}

    refused = [
        client.post(url, data=form).status_code,
        client.post(f"{url}/delete", data=form).status_code,
    ]
    accepted = client.post(url, data={**form, "csrf_token": csrf_token(page)})

    assert refused == [400, 400]
    assert accepted.status_code == 302
    with app.app_context():
        assert (
            db.session.get(Module, module_id).translations["it"]["title"] == "Il ciclo di progetto"
        )


# -- the migration -----------------------------------------------------------------------------------
def test_the_migration_gives_existing_modules_no_translations_and_its_downgrade_keeps_their_lessons(
    app_factory, tmp_path
):
    app = app_factory()  # every installed plugin: the database carries every branch
    with app.app_context():
        try:
            flask_migrate.downgrade(revision="0003_content_version")
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO courses (id, slug, title, summary, translations, policy_area, languages, hours,"
                        " outcomes, completion_rule, self_enrolment, certificate, published, archived, version,"
                        " content_version, created_at, updated_at) VALUES (901, 'old', 'Old', '', '{}', 'youth', '[\"en\"]',"
                        " 1, '[]', 'all', true, true, true, false, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO modules (id, course_id, key, position, title, summary, outcomes, archived)"
                        " VALUES (901, 901, 'm', 1, 'Module', '', '[]', false)"
                    )
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO lessons (id, module_id, key, position, title, body, translations, minutes, required,"
                        " kind, archived, version) VALUES (901, 901, 'l', 1, 'Lesson', 'Text', '{}', 10, true, 'lesson',"
                        " false, 1)"
                    )
                )

            flask_migrate.upgrade(revision="heads")
            db.session.remove()
            upgraded = db.session.get(Module, 901)
            upgraded_values = (upgraded.translations, upgraded.version)
            db.session.remove()
            flask_migrate.downgrade(revision="0003_content_version")
            with db.engine.connect() as connection:
                columns = {c["name"] for c in sa.inspect(connection).get_columns("modules")}
                lessons = connection.execute(
                    sa.text("SELECT count(*) FROM lessons WHERE module_id = 901")
                ).scalar()
        finally:
            db.session.remove()
            flask_migrate.upgrade(revision="heads")

    assert upgraded_values == ({}, 1)
    assert "translations" not in columns and "version" not in columns
    assert lessons == 1
