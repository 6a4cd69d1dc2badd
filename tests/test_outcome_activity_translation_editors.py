"""The browser's translation editors for a course's and a module's learning outcomes and for an
activity's title: the English beside each field, the outdated state, conflicts, who may use them,
and the overview that links to them."""

from __future__ import annotations

import re

import pytest
from test_content_fakes import COURSE_YAML, ExercisePlugin, sample_files, write_package

from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.content.translations import SOURCE, fingerprint
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Activity, Course, CourseStaff, Module
from nttlearn.testing import login

MODULE_YAML = """\
title:
  en: The project cycle
  it: Il ciclo di progetto
outcomes:
  - en: Name the phases of the project cycle.
    it: Indicare le fasi del ciclo di progetto.
  - Say which decisions are taken in each phase.
activities:
  - id: check
    type: exercise
    title:
      en: Check your understanding
      it: Verificate la vostra comprensione
    required: true
    file: questions.txt
"""
COURSE_WITH_OUTCOMES = (
    COURSE_YAML.split("outcomes:")[0].rstrip()
    + """
outcomes:
  - Design a network project.
  - Plan a partnering meeting.
completion: all_required
self_enrolment: true
certificate: true
published: true
"""
)


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def types(app):
    return app.extensions["nttlearn"].all_activity_types()


@pytest.fixture
def trainer(make_user):
    return make_user(role="trainer")


@pytest.fixture
def course(app, types, trainer, tmp_path) -> Course:
    files = {"course.yaml": COURSE_WITH_OUTCOMES, "modules/01-cycle/module.yaml": MODULE_YAML}
    import_package(write_package(tmp_path / "pkg", sample_files(**files)), types)
    commit_import()
    course = _course()
    db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return course


def _course() -> Course:
    db.session.expire_all()
    return db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()


def _module() -> Module:
    db.session.expire_all()
    return db.session.execute(db.select(Module).filter_by(key="cycle")).scalar_one()


def _activity() -> Activity:
    db.session.expire_all()
    return db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _form(client, url: str, **fields) -> dict:
    page = _text(client.get(url))
    return {"opened": _hidden(page, "opened"), "source": _hidden(page, "source"), **fields}


def _course_outcomes_url(course: Course, locale: str = "it") -> str:
    return f"/author/courses/{course.id}/outcomes/translations/{locale}"


def _module_outcomes_url(course: Course, module: Module, locale: str = "it") -> str:
    return f"/author/courses/{course.id}/modules/{module.id}/outcomes/translations/{locale}"


def _activity_url(course: Course, activity: Activity, locale: str = "it") -> str:
    return f"/author/courses/{course.id}/activities/{activity.id}/translations/{locale}"


# -- learning outcomes ------------------------------------------------------------------------------
def test_a_trainer_translates_the_course_outcomes_beside_the_english_and_the_title_translation_stays(
    client, course, trainer, login_as
):
    login_as(trainer)
    url = _course_outcomes_url(course)

    editor = _text(client.get(url))
    response = client.post(
        url, data=_form(client, url, outcome_0="Progettare un progetto di rete.", outcome_1="")
    )

    assert (
        "English (source)" in editor
        and "Design a network project." in editor
        and "Plan a partnering meeting." in editor
    )
    assert "the course's learning outcomes" in editor and 'lang="it"' in editor
    assert response.status_code == 302
    entry = _course().translations["it"]
    assert entry["title"] == "Corso di esempio"  # the title's translation is not this page's
    assert entry["outcome.0"] == "Progettare un progetto di rete." and "outcome.1" not in entry
    assert entry[SOURCE]["outcome.0"] == fingerprint("Design a network project.")
    assert _course().localized_outcomes("it") == [
        "Progettare un progetto di rete.",
        "Plan a partnering meeting.",
    ]
    assert "Translation saved: Italiano." in _text(client.get(response.headers["Location"]))


def test_a_module_outcome_translation_is_outdated_once_its_english_changes_until_it_is_saved_again(
    client, course, trainer, login_as
):
    login_as(trainer)
    module = _module()
    client.post(
        f"/author/courses/{course.id}/modules/{module.id}",
        data={
            "title": module.title,
            "summary": module.summary or "",
            "submit": "Save",
            "outcomes": "Name the five phases of the project cycle.\nSay which decisions are taken in each phase.",
        },
    )
    url = _module_outcomes_url(course, module)

    outdated = _text(client.get(url))
    client.post(
        url, data=_form(client, url, outcome_0="Indicare le cinque fasi del ciclo di progetto.")
    )
    saved = _text(client.get(url))

    assert "Outdated" in outdated and "Changed in English since: learning outcome 1" in outdated
    assert "Outdated" not in saved
    assert _module().translations["it"]["title"] == "Il ciclo di progetto"
    assert _module().localized_outcomes("it")[0] == "Indicare le cinque fasi del ciclo di progetto."


def test_an_outcome_translation_saved_from_an_english_text_changed_meanwhile_is_saved_as_outdated(
    client, course, trainer, login_as
):
    login_as(trainer)
    url = _course_outcomes_url(course, "sv")
    data = _form(
        client, url, outcome_0="Utforma ett nätverksprojekt.", outcome_1="Planera ett partnermöte."
    )
    course_row = _course()
    course_row.outcomes = ["Design a network project together.", "Plan a partnering meeting."]
    db.session.commit()

    response = client.post(url, data=data)

    assert response.status_code == 302
    page = _text(client.get(url))
    assert "The English text changed while you were translating it" in page
    assert "Changed in English since: learning outcome 1" in page


def test_saving_the_module_title_translation_keeps_its_outcome_translations(
    client, course, trainer, login_as
):
    login_as(trainer)
    module = _module()
    url = f"/author/courses/{course.id}/modules/{module.id}/translations/it"

    response = client.post(url, data=_form(client, url, title="Il ciclo del progetto", summary=""))

    assert response.status_code == 302
    assert _module().localized_outcomes("it")[0] == "Indicare le fasi del ciclo di progetto."


def test_emptying_every_outcome_field_removes_the_outcomes_translation_only(
    client, course, trainer, login_as
):
    login_as(trainer)
    module = _module()
    url = _module_outcomes_url(course, module)

    client.post(url, data=_form(client, url, outcome_0="", outcome_1=""))

    entry = _module().translations["it"]
    assert entry["title"] == "Il ciclo di progetto" and "outcome.0" not in entry


def test_two_trainers_saving_the_same_outcome_translation_the_second_gets_a_conflict(
    app, course, trainer, make_user
):
    colleague = make_user(role="trainer")
    db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id))
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, trainer)
    login(second, colleague)
    url = _module_outcomes_url(course, _module())
    late = _form(second, url, outcome_0="Versione di Björn")

    assert (
        first.post(url, data=_form(first, url, outcome_0="Versione di Giulia")).status_code == 302
    )
    response = second.post(url, data=late)

    assert response.status_code == 409
    page = _text(response)
    assert "Versione di Giulia" in page and "Versione di Björn" in page
    assert _module().translations["it"]["outcome.0"] == "Versione di Giulia"


def test_the_export_carries_an_outcome_translation_made_in_the_browser_and_no_fingerprint(
    client, course, trainer, login_as, types, tmp_path
):
    login_as(trainer)
    url = _course_outcomes_url(course, "fi")
    client.post(url, data=_form(client, url, outcome_0="Suunnitella verkostohanke."))

    root = export_course(_course(), tmp_path / "out", types)

    course_yaml = (root / "course.yaml").read_text(encoding="utf-8")
    assert "fi: Suunnitella verkostohanke." in course_yaml and SOURCE not in course_yaml


# -- activity titles --------------------------------------------------------------------------------
def test_a_trainer_translates_an_activity_title_beside_the_english(
    client, course, trainer, login_as
):
    login_as(trainer)
    url = _activity_url(course, _activity(), "fi")

    editor = _text(client.get(url))
    response = client.post(url, data=_form(client, url, title="Tarkista ymmärryksesi"))

    assert (
        "English (source)" in editor
        and "Check your understanding" in editor
        and "the activity's title" in editor
    )
    assert response.status_code == 302
    assert _activity().localized("title", "fi") == "Tarkista ymmärryksesi"
    assert _activity().translations["fi"][SOURCE] == {
        "title": fingerprint("Check your understanding")
    }


def test_an_activity_title_translation_is_outdated_once_the_english_title_changes(
    client, course, trainer, login_as
):
    login_as(trainer)
    activity = _activity()
    url = _activity_url(course, activity, "fi")
    client.post(url, data=_form(client, url, title="Tarkista ymmärryksesi"))
    activity = _activity()
    activity.title = "Check what you understood"
    db.session.commit()

    assert "Outdated" in _text(client.get(url))


def test_an_activity_title_translation_needs_its_title(client, course, trainer, login_as):
    login_as(trainer)
    url = _activity_url(course, _activity(), "sv")

    response = client.post(url, data=_form(client, url, title=""))

    assert response.status_code == 200 and "sv" not in (_activity().translations or {})


def test_deleting_an_activity_title_translation_brings_the_english_title_back(
    client, course, trainer, login_as
):
    login_as(trainer)
    activity = _activity()
    url = _activity_url(course, activity, "it")
    opened = _hidden(_text(client.get(url)), "opened")

    response = client.post(url + "/delete", data={"opened": opened, "confirmed": "1"})

    assert response.status_code == 302
    assert "it" not in (_activity().translations or {})
    assert _activity().localized("title", "it") == "Check your understanding"


# -- the overview links them ------------------------------------------------------------------------
def test_the_overview_links_outcomes_and_activity_titles_to_their_translation_editors(
    client, course, trainer, login_as
):
    login_as(trainer)

    page = _text(client.get(f"/author/courses/{course.id}/translations"))

    assert f'href="{_course_outcomes_url(course, "es")}"' in page
    assert f'href="{_module_outcomes_url(course, _module(), "sv")}"' in page
    assert f'href="{_activity_url(course, _activity(), "fi")}"' in page


# -- who may not ------------------------------------------------------------------------------------
def _editor_urls(course: Course) -> list[str]:
    return [
        _course_outcomes_url(course),
        _module_outcomes_url(course, _module()),
        _activity_url(course, _activity()),
    ]


def test_a_learner_of_the_course_may_not_translate_outcomes_or_activity_titles(
    client, course, make_user, login_as
):
    learner = make_user()
    enrol(learner.id, course)
    db.session.commit()
    login_as(learner)

    for url in _editor_urls(course):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(
            url, data={"opened": "new", "title": "X", "outcome_0": "X"}
        ).status_code in (403, 404), url
    assert client.post(
        _activity_url(course, _activity()) + "/delete", data={"opened": "x"}
    ).status_code in (403, 404)
    assert _module().translations["it"]["outcome.0"] == "Indicare le fasi del ciclo di progetto."


def test_a_trainer_of_another_course_may_not_translate_its_outcomes_or_activity_titles(
    client, course, make_user, make_course, login_as
):
    other = make_user(role="trainer")
    theirs = make_course(slug="their-course")
    db.session.add(CourseStaff(course_id=theirs.id, user_id=other.id))
    db.session.commit()
    login_as(other)

    assert client.get(_course_outcomes_url(theirs)).status_code == 200
    for url in _editor_urls(course):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(
            url, data={"opened": "new", "title": "X", "outcome_0": "X"}
        ).status_code in (403, 404), url
    assert _activity().translations["it"]["title"] == "Verificate la vostra comprensione"


def test_the_course_module_and_activity_pages_link_to_their_outcome_and_title_translations(
    client, course, trainer, login_as
):
    login_as(trainer)
    module, activity = _module(), _activity()

    settings = _text(client.get(f"/author/courses/{course.id}"))
    module_page = _text(client.get(f"/author/courses/{course.id}/modules/{module.id}"))
    activity_page = _text(client.get(f"/author/courses/{course.id}/activities/{activity.id}"))

    assert f'href="{_course_outcomes_url(course, "fi")}"' in settings
    assert f'href="{_module_outcomes_url(course, module, "it")}"' in module_page
    assert f'href="{_activity_url(course, activity, "sv")}"' in activity_page
