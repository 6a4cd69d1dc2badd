"""Translated quizzes in course packages: ``quiz.<lang>.gift`` beside ``quiz.gift`` is paired
with it by question name, refused with ``path:line: message`` when its structure differs, stored
in the question versions, and written back on export."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nttlearn import db
from nttlearn.content.commands import courses_group
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.models import Activity, Course, Module
from nttlearn.plugins import host
from nttlearn.testing import count_queries, repo_root
from nttlearn_quiz.activity import validate_definition
from nttlearn_quiz.gift import parse_gift
from nttlearn_quiz.languages import OUTDATED, PRESENT, state
from nttlearn_quiz.models import Question, QuestionVersion

MAIN = repo_root() / "courses" / "designing-twinned-town-networks"
FIRST = "modules/01-project-cycle"
MODULE_YAML = "modules/01-x/module.yaml"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)

ENGLISH = """$CATEGORY: Networks

::Coordinator::Which organisation coordinated NTT+?{
=SERN#Right.
~Eurocities#No.
~CEMR#No.
}

::Year::NTT+ ran in 2010.{T#Check the dates.#Yes.}

::Acronym::Which acronym names the coordinator?{=SERN =%50%Sweden-Emilia-Romagna Network}

::Partners::How many countries took part?{#4:0#Right.}

::Phases::Match each phase with what happens in it.{
=Identification -> You test the idea
=Formulation -> You design the project
=-> You audit the accounts
}
"""

ITALIAN = """$CATEGORY: Networks

::Coordinator::Quale organizzazione ha coordinato NTT+?{
=SERN#Giusto.
~Eurocities#No.
~CEMR#No.
}

::Year::NTT+ si è svolto nel 2010.{T#Controllate le date.#Sì.}

::Acronym::Quale sigla indica il coordinatore?{=SERN =%50%Rete Svezia-Emilia-Romagna}

::Partners::Quanti paesi hanno partecipato?{#4:0#Giusto.}

::Phases::Abbinate ogni fase a ciò che vi avviene.{
=Identificazione -> Si verifica l'idea
=Formulazione -> Si progetta il lavoro
=-> Si verificano i conti
}
"""


def check(tmp_path: Path, italian: str, english: str = ENGLISH) -> list[str]:
    folder = tmp_path / "modules" / "01-x"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.yaml").write_text("title: X\n", encoding="utf-8")
    (folder / "quiz.gift").write_text(english, encoding="utf-8")
    (folder / "quiz.it.gift").write_text(italian, encoding="utf-8")
    return [str(p) for p in validate_definition({"file": "quiz.gift"}, folder, MODULE_YAML)]


def test_a_translation_that_only_changes_texts_is_valid_in_any_question_order(tmp_path):
    paragraphs = ITALIAN.split("\n\n")
    reordered = "\n\n".join([paragraphs[0], *reversed(paragraphs[1:-1]), paragraphs[-1]])

    assert check(tmp_path, ITALIAN) == []
    assert check(tmp_path, reordered) == []


WHERE = "modules/01-x/quiz.gift"
IT = "modules/01-x/quiz.it.gift"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace(
                "::Year::NTT+ si è svolto nel 2010.{T#Controllate le date.#Sì.}\n\n", ""
            ),
            f"{IT}:9: question 'Year' of {WHERE}:9 is missing",
        ),
        (
            lambda t: t + "\n::Extra::Una domanda in più?{T}\n",
            f"{IT}:21: question 'Extra' is not in {WHERE}",
        ),
        (
            lambda t: t.replace("{T#Controllate le date.#Sì.}", "{=Vero ~Falso}"),
            f"{IT}:9: question 'Year' is multiple choice here but true/false in {WHERE}:9",
        ),
        (
            lambda t: t.replace("~CEMR#No.\n", "~CEMR#No.\n~CCRE#No.\n"),
            f"{IT}:3: question 'Coordinator' has 4 answers here but 3 in {WHERE}:3",
        ),
        (
            lambda t: t.replace("=SERN#Giusto.", "~SERN#Giusto.").replace(
                "~Eurocities", "=Eurocities"
            ),
            f"{IT}:3: answer 1 of 'Coordinator' is worth 0% here but worth 100% in {WHERE}:3"
            " (answers keep the English order and marks)",
        ),
        (
            lambda t: t.replace("{T#Controllate", "{F#Controllate"),
            f"{IT}:9: the right answer to 'Year' is FALSE here but TRUE in {WHERE}:9",
        ),
        (
            lambda t: t.replace(
                "=-> Si verificano", "=Attuazione -> Si realizzano gli eventi\n=-> Si verificano"
            ),
            f"{IT}:15: question 'Phases' has 4 pairs here but 3 in {WHERE}:15",
        ),
        (
            lambda t: t.replace("=-> Si verificano", "=Audit -> Si verificano"),
            f"{IT}:15: pair 3 of 'Phases' is a pair here but an extra choice (nothing before '->') in {WHERE}:15",
        ),
        (
            lambda t: t.replace(
                "=Formulazione -> Si progetta il lavoro", "=Formulazione -> Si verifica l'idea"
            ),
            f"{IT}:15: the choices of 'Phases' are not the same here as in {WHERE}:15: pairs whose answers are equal"
            " in one must be equal in the other",
        ),
        (
            lambda t: t.replace("{#4:0#Giusto.}", "{#5:0#Giusto.}"),
            f"{IT}:13: answer 1 of 'Partners' is 5 (100%) here but 4 (100%) in {WHERE}:13"
            " (answers keep the English order and marks)",
        ),
        (
            lambda t: t.replace("{=SERN =%50%Rete Svezia-Emilia-Romagna}", "{=SERN}"),
            f"{IT}:11: question 'Acronym' has 1 answer here but 2 in {WHERE}:11",
        ),
        (
            lambda t: t.replace("=%50%Rete", "=Rete"),
            f"{IT}:11: answer 2 of 'Acronym' is worth 100% here but worth 50% in {WHERE}:11"
            " (answers keep the English order and marks)",
        ),
        (lambda t: t.replace("::Year::", "::Anno::"), f"{IT}:9: question 'Anno' is not in {WHERE}"),
        (
            lambda t: t.replace("{#4:0#Giusto.}", "{#4:0#Giusto.").replace(
                "::Phases::", "\n::Phases::"
            ),
            f"{IT}:13: The answer block has no closing '}}'.",
        ),
    ],
)
def test_a_structural_difference_is_refused_at_its_line(tmp_path, edit, message):
    assert message in check(tmp_path, edit(ITALIAN))


def test_a_question_in_another_category_is_refused(tmp_path):
    problems = check(tmp_path, ITALIAN.replace("$CATEGORY: Networks", "$CATEGORY: Reti"))

    assert (
        f"{IT}:3: question 'Coordinator' is in category 'Reti' here but 'Networks' in {WHERE}:3"
        in problems
    )


def test_short_answers_may_accept_other_texts_in_a_translation(tmp_path):
    italian = ITALIAN.replace(
        "{=SERN =%50%Rete Svezia-Emilia-Romagna}", "{=La SERN =%50%Rete SERN}"
    )
    assert check(tmp_path, italian) == []


def test_validate_reports_a_broken_translation_of_a_shipped_quiz_with_its_path_and_line(
    app, tmp_path
):
    package = tmp_path / MAIN.name
    shutil.copytree(MAIN, package)
    italian = package / FIRST / "quiz.it.gift"
    text = italian.read_text(encoding="utf-8")
    italian.write_text(text.replace("{F#Non proprio.", "{T#Non proprio."), encoding="utf-8")
    line = text[: text.index("::Networks replace friendship::")].count("\n") + 1
    english = (MAIN / FIRST / "quiz.gift").read_text(encoding="utf-8")
    english_line = english[: english.index("::Networks replace friendship::")].count("\n") + 1

    result = app.test_cli_runner().invoke(courses_group, ["validate", str(package)])

    assert result.exit_code == 1
    assert (
        f"{package}/{FIRST}/quiz.it.gift:{line}: the right answer to 'Networks replace friendship' is TRUE "
        f"here but FALSE in {package}/{FIRST}/quiz.gift:{english_line}"
    ) in result.stderr


def test_an_import_with_a_broken_translation_changes_nothing(app, tmp_path):
    package = tmp_path / MAIN.name
    shutil.copytree(MAIN, package)
    (package / FIRST / "quiz.sv.gift").write_text(ITALIAN, encoding="utf-8")

    result = app.test_cli_runner().invoke(courses_group, ["import", str(package)])

    assert result.exit_code != 0
    assert f"{FIRST}/quiz.sv.gift:3: question 'Coordinator' is not in " in result.stderr
    assert db.session.execute(db.select(Course)).first() is None


# -- storing ---------------------------------------------------------------------------------------
def import_main(path: Path = MAIN) -> Course:
    report = import_package(path, host().all_activity_types())
    commit_import()
    return db.session.execute(db.select(Course).filter_by(slug=report.slug)).scalar_one()


def version_of(name: str) -> QuestionVersion:
    db.session.expire_all()
    return db.session.execute(
        db.select(QuestionVersion)
        .join(
            Question,
            (Question.id == QuestionVersion.question_id)
            & (QuestionVersion.number == Question.latest_version),
        )
        .where(Question.name == name)
    ).scalar_one()


def test_importing_the_main_course_stores_every_question_in_all_four_languages(app):
    import_main()

    versions = db.session.execute(db.select(QuestionVersion)).scalars().all()
    assert len(versions) == 76
    assert all(set(v.translations) == {"it", "sv", "es", "fi"} for v in versions)
    network = version_of("Network or meeting")
    italian = network.translations["it"]
    assert italian["text"] == "Quale descrizione corrisponde meglio a una rete di città gemellate?"
    assert italian["answers"][2]["text"] == "Un gruppo di sindaci che firmano una carta di amicizia"
    assert state(italian, network.data) == PRESENT
    assert network.data["text"] == "Which description best fits a network of twinned towns?"


def test_reimporting_the_unchanged_main_course_writes_nothing(app):
    import_main()

    with count_queries(app) as statements:
        import_main()

    assert [s for s in statements if WRITES.match(s)] == []


def _attempted_copy_of_the_main_course(tmp_path, make_user, client_for):
    """A copy of the main course's package, imported, whose module 1 quiz a learner has attempted
    (so its questions' versions are in use); returns the copy's folder."""
    from quiz_helpers import enrol, page_form, start

    package = tmp_path / MAIN.name
    shutil.copytree(MAIN, package)
    course = import_main(package)
    activity = db.session.execute(
        db.select(Activity)
        .join(Module)
        .where(
            Module.course_id == course.id,
            Module.key == "project-cycle",
            Activity.type_key == "quiz",
        )
    ).scalar_one()
    learner = make_user()
    enrol(learner, course)
    attempt_id, html = start(client_for(learner), activity.id)
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    return package


def test_a_changed_translation_is_corrected_in_the_version_attempts_use(
    app, tmp_path, make_user, client_for
):
    package = _attempted_copy_of_the_main_course(tmp_path, make_user, client_for)
    before = version_of("Network or meeting")
    italian = package / FIRST / "quiz.it.gift"
    italian.write_text(
        italian.read_text(encoding="utf-8").replace(
            "Quale descrizione corrisponde meglio", "Quale descrizione descrive meglio"
        ),
        encoding="utf-8",
    )

    import_main(package)

    after = version_of("Network or meeting")
    assert (after.id, after.number) == (before.id, 1)
    assert (
        after.translations["it"]["text"]
        == "Quale descrizione descrive meglio a una rete di città gemellate?"
    )
    assert state(after.translations["it"], after.data) == PRESENT


def test_an_english_change_without_its_translation_leaves_the_translation_outdated(
    app, tmp_path, make_user, client_for
):
    package = _attempted_copy_of_the_main_course(tmp_path, make_user, client_for)
    english = package / FIRST / "quiz.gift"
    english.write_text(
        english.read_text(encoding="utf-8").replace(
            "Which description best fits", "Which description fits best"
        ),
        encoding="utf-8",
    )

    import_main(package)

    after = version_of("Network or meeting")
    assert after.number == 2  # the English changed and attempts used version 1
    assert after.translations["it"]["text"].startswith("Quale descrizione corrisponde meglio")
    assert state(after.translations["it"], after.data) == OUTDATED
    assert (
        state(version_of("Programme today").translations["it"], version_of("Programme today").data)
        == PRESENT
    )


def test_removing_a_translation_file_removes_that_language_from_the_quiz(app, tmp_path):
    package = tmp_path / MAIN.name
    shutil.copytree(MAIN, package)
    import_main(package)
    (package / FIRST / "quiz.fi.gift").unlink()

    import_main(package)

    assert set(version_of("Network or meeting").translations) == {"it", "sv", "es"}
    assert set(version_of("Where to begin").translations) == {"it", "sv", "es", "fi"}


# -- export --------------------------------------------------------------------------------------------
def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_export_writes_the_translated_quizzes_beside_the_english(app, tmp_path):
    course = import_main()

    export_course(course, tmp_path / "out", host().all_activity_types())

    for module in sorted(
        p.name for p in (MAIN / "modules").iterdir() if (p / "quiz.gift").exists()
    ):
        for locale in ("it", "sv", "es", "fi"):
            shipped = parse_gift(
                (MAIN / "modules" / module / f"quiz.{locale}.gift").read_text(encoding="utf-8")
            )
            written = parse_gift(
                (tmp_path / "out" / "modules" / module / f"quiz.{locale}.gift").read_text(
                    encoding="utf-8"
                )
            )
            assert written.ok
            assert [q.to_json() for q in written.questions] == [
                q.to_json() for q in shipped.questions
            ]


def test_export_import_export_with_the_quiz_plugin_gives_identical_files(app, tmp_path):
    course = import_main()
    first, second = tmp_path / "first", tmp_path / "second"
    export_course(course, first, host().all_activity_types())

    with count_queries(app) as statements:
        import_main(first)
    export_course(db.session.get(Course, course.id), second, host().all_activity_types())

    assert files_of(first) == files_of(second)
    assert set(files_of(first)) == set(files_of(MAIN))
    assert not [s for s in statements if WRITES.match(s) and "quiz_" in s]


def test_editing_the_english_of_an_answered_question_carries_its_translations_as_outdated(
    app, tmp_path, make_user, client_for
):
    from quiz_helpers import enrol, page_form, start

    from nttlearn_quiz.bank import update_question

    course = import_main()
    activity = db.session.execute(
        db.select(Activity)
        .join(Module)
        .where(
            Module.course_id == course.id,
            Module.key == "project-cycle",
            Activity.type_key == "quiz",
        )
    ).scalar_one()
    learner = make_user()
    enrol(learner, course)
    attempt_id, html = start(client_for(learner), activity.id)
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    version = version_of("Programme today")
    question = db.session.get(Question, version.question_id)

    outcome = update_question(
        question, {**version.data, "text": "Which EU programme funds twinning today?"}
    )
    db.session.commit()

    after = version_of("Programme today")
    assert outcome == "new_version" and after.number == 2
    assert after.translations["it"]["text"] == version.translations["it"]["text"]
    assert state(after.translations["it"], after.data) == OUTDATED


def test_the_languages_migration_keeps_questions_and_attempts_on_downgrade(
    app_factory, make_quiz, learner, client_for
):
    import flask_migrate
    import sqlalchemy as sa
    from quiz_helpers import enrol, page_form, start

    made = make_quiz()
    enrol(learner, made.course)
    attempt_id, html = start(client_for(learner), made.activity.id)
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    db.session.remove()
    every_plugin = app_factory()  # the database holds every installed plugin's revisions

    with every_plugin.app_context():
        try:
            flask_migrate.downgrade(revision="quiz_0001")
            db.session.remove()
            columns = {
                c["name"] for c in sa.inspect(db.engine).get_columns("quiz_question_versions")
            }
            with db.engine.connect() as connection:
                versions = connection.execute(
                    sa.text("SELECT count(*) FROM quiz_question_versions")
                ).scalar()
                attempts = connection.execute(
                    sa.text("SELECT count(*) FROM quiz_attempts")
                ).scalar()
        finally:
            flask_migrate.upgrade(revision="heads")
            db.session.remove()

    assert "translations" not in columns and (versions, attempts) == (3, 1)
    assert all(
        v.translations == {} for v in db.session.execute(db.select(QuestionVersion)).scalars()
    )
