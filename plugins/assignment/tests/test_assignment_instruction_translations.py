"""Translating an assignment's instructions in the browser: the English beside the Markdown field,
a preview, the outdated state (a fingerprint of the English kept beside each translation), the
package round trip that carries the texts only, and who may not use the page."""

from __future__ import annotations

import re

import yaml

from nttlearn.api import CourseStaff, Enrolment, db, fingerprint
from nttlearn_assignment.activity import export_definition, import_definition
from nttlearn_assignment.instructions import SOURCE
from nttlearn_assignment.models import Assignment


def _url(a, locale: str = "fi") -> str:
    return f"/assignment/{a.activity.id}/instructions/{locale}"


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _form(browser, url: str, **fields) -> dict:
    page = browser.get(url).get_data(as_text=True)
    return {
        "opened": _hidden(page, "opened"),
        "source": _hidden(page, "source"),
        "submit": "Save",
        **fields,
    }


def _edit_english(browser, a, instructions: str) -> None:
    """The settings page, with new English instructions."""
    response = browser.post(
        f"/assignment/{a.activity.id}/edit",
        data={
            "instructions": instructions,
            "max_points": "100",
            "text_entry": "y",
            "max_file_mb": "5",
            "max_files": "2",
            "completion": "submitted",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _assignment(a) -> Assignment:
    db.session.expire_all()
    return db.session.get(Assignment, a.activity.id)


def test_a_trainer_translates_the_instructions_beside_the_english_and_the_learner_reads_them(
    make_assignment, client_for
):
    a = make_assignment()
    trainer = client_for(a.trainer)

    editor = trainer.get(_url(a)).get_data(as_text=True)
    response = trainer.post(
        _url(a), data=_form(trainer, _url(a), text="Piirrä **oma** ongelmapuusi.")
    )

    assert (
        "English (source)" in editor
        and "Draw **your** problem tree." in editor
        and 'lang="fi"' in editor
    )
    assert response.status_code == 302
    stored = _assignment(a).translations
    assert stored["fi"] == "Piirrä **oma** ongelmapuusi."
    assert stored[SOURCE] == {"fi": fingerprint("Draw **your** problem tree.")}
    assert _assignment(a).localized_instructions("fi") == "Piirrä **oma** ongelmapuusi."


def test_the_preview_shows_the_markdown_as_learners_read_it_and_saves_nothing(
    make_assignment, client_for
):
    a = make_assignment()
    trainer = client_for(a.trainer)

    response = trainer.post(
        _url(a, "it"),
        data={
            **_form(trainer, _url(a, "it"), text="Disegnate il **vostro** albero."),
            "preview": "Preview",
        },
    )

    assert response.status_code == 200
    assert "<strong>vostro</strong>" in response.get_data(as_text=True)
    assert "it" not in (_assignment(a).translations or {})


def test_a_translation_is_outdated_once_the_english_instructions_change_until_it_is_saved_again(
    make_assignment, client_for
):
    a = make_assignment()
    trainer = client_for(a.trainer)
    trainer.post(
        _url(a, "sv"), data=_form(trainer, _url(a, "sv"), text="Rita **ditt** problemträd.")
    )
    settings = trainer.get(f"/assignment/{a.activity.id}/edit").get_data(as_text=True)
    assert f'href="{_url(a, "sv")}"' in settings

    _edit_english(trainer, a, "Draw your problem tree and its causes.")
    outdated = trainer.get(_url(a, "sv")).get_data(as_text=True)
    trainer.post(
        _url(a, "sv"),
        data=_form(trainer, _url(a, "sv"), text="Rita ditt problemträd och dess orsaker."),
    )

    assert _assignment(a).instructions == "Draw your problem tree and its causes."
    assert "Outdated" in outdated
    assert "Outdated" not in trainer.get(_url(a, "sv")).get_data(as_text=True)


def test_an_imported_translation_becomes_outdated_when_the_english_is_edited_in_the_browser(
    make_assignment, client_for
):
    a = make_assignment(
        instructions={"en": "Draw **your** problem tree.", "es": "Dibuje **su** árbol."}
    )
    trainer = client_for(a.trainer)
    assert "Outdated" not in trainer.get(_url(a, "es")).get_data(as_text=True)

    _edit_english(trainer, a, "Draw the problem tree.")

    assert "Outdated" in trainer.get(_url(a, "es")).get_data(as_text=True)


def test_the_package_carries_the_texts_only_and_export_import_export_is_identical(
    make_assignment, client_for, tmp_path
):
    a = make_assignment()
    trainer = client_for(a.trainer)
    trainer.post(_url(a), data=_form(trainer, _url(a), text="Piirrä ongelmapuusi."))

    first = export_definition(a.activity, tmp_path)
    import_definition(a.activity, first, tmp_path)
    db.session.commit()
    second = export_definition(a.activity, tmp_path)

    assert first["instructions"] == {
        "en": "Draw **your** problem tree.",
        "fi": "Piirrä ongelmapuusi.",
    }
    assert yaml.safe_dump(first, sort_keys=False) == yaml.safe_dump(second, sort_keys=False)
    assert _assignment(a).translations[SOURCE] == {"fi": fingerprint("Draw **your** problem tree.")}


def test_two_trainers_saving_the_same_translation_the_second_gets_a_conflict(
    make_assignment, make_user, client_for
):
    a = make_assignment()
    colleague = make_user(role="trainer")
    db.session.add(CourseStaff(course_id=a.course.id, user_id=colleague.id))
    db.session.commit()
    first, second = client_for(a.trainer), client_for(colleague)
    late = _form(second, _url(a), text="Björnin versio")

    assert first.post(_url(a), data=_form(first, _url(a), text="Tinan versio")).status_code == 302
    response = second.post(_url(a), data=late)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Tinan versio" in page and "Björnin versio" in page
    assert _assignment(a).translations["fi"] == "Tinan versio"


def test_a_learner_and_another_courses_trainer_may_not_translate_the_instructions(
    make_assignment, make_user, make_course, client_for
):
    a = make_assignment()
    other_trainer = make_user(role="trainer")
    make_course(modules=1, lessons=1, trainer=other_trainer)
    classmate = make_user()
    db.session.add(Enrolment(user_id=classmate.id, course_id=a.course.id))
    db.session.commit()

    for person in (a.learner, classmate, other_trainer):
        browser = client_for(person)
        assert browser.get(_url(a)).status_code == 403
        assert browser.post(_url(a), data={"opened": "new", "text": "Ei näin."}).status_code == 403
    assert "fi" not in (_assignment(a).translations or {})


def test_an_unknown_language_is_not_found(make_assignment, client_for):
    a = make_assignment()

    assert client_for(a.trainer).get(_url(a, "de")).status_code == 404
