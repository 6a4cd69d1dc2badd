"""Trainers translate bank questions in the browser, beside the English, with the state of each
translation (as lessons'), and export the bank's translations as parallel GIFT files."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from quiz_helpers import enrol, start

from nttlearn import db
from nttlearn.content.importer import commit_import, import_package
from nttlearn.models import Course
from nttlearn.plugins import host
from nttlearn.testing import repo_root
from nttlearn_quiz.bank import update_question
from nttlearn_quiz.commands import quiz_group
from nttlearn_quiz.gift import parse_gift
from nttlearn_quiz.languages import OUTDATED, PRESENT, state
from nttlearn_quiz.models import Question, QuestionVersion

MAIN = repo_root() / "courses" / "designing-twinned-town-networks"


def question(name: str) -> tuple[Question, QuestionVersion]:
    db.session.expire_all()
    row = db.session.execute(db.select(Question).where(Question.name == name)).scalar_one()
    version = db.session.execute(
        db.select(QuestionVersion).where(
            QuestionVersion.question_id == row.id, QuestionVersion.number == row.latest_version
        )
    ).scalar_one()
    return row, version


def editor_url(row: Question, locale: str = "it") -> str:
    return f"/quiz/course/{row.course_id}/questions/{row.id}/translations/{locale}"


def tokens(page: str) -> dict[str, str]:
    return {
        name: value
        for name, value in re.findall(r'name="(opened|source)"[^>]*value="([^"]*)"', page)
    }


ITALIAN_SAMPLE = {
    "text": "Quale organizzazione ha coordinato NTT+?",
    "general_feedback": "La SERN ha coordinato il progetto.",
    "answers-0-text": "SERN",
    "answers-0-feedback": "Giusto: la rete Svezia-Emilia-Romagna.",
    "answers-1-text": "Eurocities",
    "answers-1-feedback": "No, è stata la SERN.",
    "answers-2-text": "CCRE",
    "answers-2-feedback": "No.",
}


@pytest.fixture
def main_course(app):
    import_package(MAIN, host().all_activity_types())
    commit_import()
    return db.session.execute(db.select(Course)).scalar_one()


def test_the_editor_shows_each_english_text_beside_its_translation(
    main_course, make_user, client_for
):
    trainer = make_user(role="admin")
    row, version = question("Cycle phases order")

    page = html_lib.unescape(client_for(trainer).get(editor_url(row)).get_data(as_text=True))

    assert "Match each phase of the project cycle with what happens in it." in page
    assert 'value="Abbinate' not in page  # the question text is a text area
    assert "Abbinate ogni fase del ciclo di progetto a ciò che vi avviene.</textarea>" in page
    assert "You design objectives, logframe, work plan, partnership and budget" in page
    assert (
        'value="Si progettano obiettivi, quadro logico, piano di lavoro, partenariato e budget"'
        in page
    )
    assert 'lang="it"' in page and "Up to date" in page


def test_a_trainer_translates_a_question_and_an_italian_learner_sees_it(
    make_quiz, make_user, client_for
):
    made = make_quiz()
    browser = client_for(made.trainer)
    row, before = question("Coordinator")
    assert "Not translated" in browser.get(
        f"/quiz/course/{row.course_id}/questions/{row.id}/edit"
    ).get_data(as_text=True)
    page = browser.get(editor_url(row)).get_data(as_text=True)

    saved = browser.post(editor_url(row), data={**tokens(page), **ITALIAN_SAMPLE})

    assert saved.status_code == 302
    row, after = question("Coordinator")
    assert (after.id, row.latest_version) == (before.id, 1)
    assert after.translations["it"]["answers"][2] == {"text": "CCRE", "feedback": "No."}
    assert state(after.translations["it"], after.data) == PRESENT
    learner = make_user(locale="it")
    enrol(learner, made.course)
    _attempt, attempt_page = start(client_for(learner), made.activity.id)
    attempt_page = html_lib.unescape(attempt_page)
    assert "Quale organizzazione ha coordinato NTT+?" in attempt_page and "CCRE" in attempt_page
    assert "NTT+ ran in 2010." in attempt_page  # not translated: English


def test_an_outdated_translation_shows_as_outdated_until_it_is_saved_again(
    main_course, make_user, client_for
):
    trainer = make_user(role="admin")
    browser = client_for(trainer)
    row, version = question("Programme today")
    update_question(row, {**version.data, "text": "Which EU programme funds town twinning today?"})
    db.session.commit()
    page = browser.get(editor_url(row, "sv")).get_data(as_text=True)
    assert "Outdated" in page and "has changed since this translation was saved" in page
    form = {
        r: v
        for r, v in re.findall(r'name="([a-z_0-9-]+)" value="([^"]*)"', page)
        if r not in ("opened", "source")
    }
    form["text"] = "Vilket EU-program finansierar vänortssamarbete i dag?"

    saved = browser.post(editor_url(row, "sv"), data={**tokens(page), **form})

    assert saved.status_code == 302
    _row, after = question("Programme today")
    assert state(after.translations["sv"], after.data) == PRESENT
    assert state(after.translations["it"], after.data) == OUTDATED


def test_saving_over_a_translation_saved_meanwhile_overwrites_nothing(
    make_quiz, make_user, client_for
):
    made = make_quiz()
    first, second = client_for(made.trainer), client_for(make_user(role="admin"))
    row, _version = question("Coordinator")
    opened_first = tokens(first.get(editor_url(row)).get_data(as_text=True))
    opened_second = tokens(second.get(editor_url(row)).get_data(as_text=True))
    assert first.post(editor_url(row), data={**opened_first, **ITALIAN_SAMPLE}).status_code == 302

    clash = second.post(
        editor_url(row), data={**opened_second, **ITALIAN_SAMPLE, "text": "Chi ha coordinato NTT+?"}
    )

    assert clash.status_code == 409
    page = html_lib.unescape(clash.get_data(as_text=True))
    assert (
        "Someone else saved this translation" in page
        and "Quale organizzazione ha coordinato NTT+?" in page
    )
    _row, version = question("Coordinator")
    assert version.translations["it"]["text"] == "Quale organizzazione ha coordinato NTT+?"
    again = second.post(
        editor_url(row), data={**tokens(page), **ITALIAN_SAMPLE, "text": "Chi ha coordinato NTT+?"}
    )
    assert again.status_code == 302
    assert question("Coordinator")[1].translations["it"]["text"] == "Chi ha coordinato NTT+?"


def test_a_translation_of_english_that_changed_meanwhile_is_saved_as_outdated(
    make_quiz, client_for
):
    made = make_quiz()
    browser = client_for(made.trainer)
    row, version = question("Coordinator")
    page = browser.get(editor_url(row)).get_data(as_text=True)
    update_question(row, {**version.data, "text": "Which network coordinated NTT+?"})
    db.session.commit()

    saved = browser.post(
        editor_url(row), data={**tokens(page), **ITALIAN_SAMPLE}, follow_redirects=True
    )

    assert "marked as outdated" in saved.get_data(as_text=True)
    _row, after = question("Coordinator")
    assert state(after.translations["it"], after.data) == OUTDATED


def test_matching_choices_that_differ_in_english_must_differ_in_the_translation(
    main_course, make_user, client_for
):
    browser = client_for(make_user(role="admin"))
    row, version = question("Cycle phases order")
    page = browser.get(editor_url(row)).get_data(as_text=True)
    same = {f"pairs-{n}-answer": "La stessa cosa" for n in range(4)}

    refused = browser.post(editor_url(row), data={**tokens(page), "text": "Abbinate.", **same})

    assert refused.status_code == 422
    assert (
        "Choices that are the same in English must be the same in the translation"
        in refused.get_data(as_text=True)
    )
    assert question("Cycle phases order")[1].translations == version.translations


def test_emptying_every_text_removes_the_translation(main_course, make_user, client_for):
    browser = client_for(make_user(role="admin"))
    row, _version = question("Programme today")
    page = browser.get(editor_url(row, "fi")).get_data(as_text=True)

    removed = browser.post(editor_url(row, "fi"), data=tokens(page), follow_redirects=True)

    assert "Translation removed" in removed.get_data(as_text=True)
    assert set(question("Programme today")[1].translations) == {"it", "sv", "es"}


def test_the_bank_exports_each_language_as_a_parallel_gift_file(
    main_course, make_user, client_for, app, tmp_path
):
    browser = client_for(make_user(role="admin"))
    english = browser.get(f"/quiz/course/{main_course.id}/export.gift")
    italian = browser.get(f"/quiz/course/{main_course.id}/export.gift?lang=it")

    assert (
        'filename="designing-twinned-town-networks-questions.it.gift"'
        in italian.headers["Content-Disposition"]
    )
    ours = parse_gift(english.get_data(as_text=True)).questions
    theirs = parse_gift(italian.get_data(as_text=True)).questions
    assert [q.name for q in theirs] == [q.name for q in ours] and len(ours) == 76
    assert theirs[0].text == "Quale descrizione corrisponde meglio a una rete di città gemellate?"

    (tmp_path / "out").mkdir()
    result = app.test_cli_runner().invoke(
        quiz_group,
        ["export-gift", "--course", main_course.slug, "-o", str(tmp_path / "out" / "bank.gift")],
    )

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bank.es.gift",
        "bank.fi.gift",
        "bank.gift",
        "bank.it.gift",
        "bank.sv.gift",
    ]
    assert (tmp_path / "out" / "bank.it.gift").read_text(encoding="utf-8") == italian.get_data(
        as_text=True
    )
