"""The PO round trip carries the texts activities' plugins hold: quiz questions (answers,
feedback), a proposal's template and rubric, survey and needs-questionnaire questions. Exported
with their current translation, imported back as their browser editors store them, all or
nothing, with ``file:line`` problems and the outdated rule of the core's texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from flask import url_for
from test_content_fakes import run_cli

from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Activity, Course
from nttlearn.testing import login, repo_root
from nttlearn_evaluation.languages import text_states as survey_states
from nttlearn_evaluation.models import Survey
from nttlearn_peer_review.languages import english_texts as proposal_texts
from nttlearn_peer_review.languages import shown_texts
from nttlearn_peer_review.models import ProposalSettings
from nttlearn_peer_review.services import english_structures
from nttlearn_quiz.languages import OUTDATED, PRESENT, state
from nttlearn_quiz.models import Question, QuestionVersion, Quiz
from nttlearn_quiz.services import start_attempt

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
SLUG = "designing-twinned-town-networks"
QUIZ = "activity/project-cycle/quiz/question:Network or meeting"
NEEDS = "activity/project-cycle/needs/question:policy_areas"


@pytest.fixture
def app_plugins():
    return ["quiz", "peer_review", "evaluation"]


@pytest.fixture
def course(app) -> Course:
    result = run_cli(app, "courses", "import", str(MAIN_COURSE))
    assert result.exit_code == 0, result.output
    return db.session.execute(db.select(Course).filter_by(slug=SLUG)).scalar_one()


def _messages(path: Path) -> dict:
    with path.open("rb") as handle:
        return {m.context: m for m in read_po(handle) if m.id}


def _export(app, path: Path) -> Path:
    result = run_cli(app, "courses", "translations-export", SLUG, "it", str(path))
    assert result.exit_code == 0, result.output
    return path


def _import(app, path: Path, *options: str):
    return run_cli(app, "courses", "translations-import", SLUG, "it", str(path), *options)


def _edit(path: Path, rename: dict[str, str] | None = None, **texts: str) -> Path:
    """Edit ``path`` as a CAT tool does: set the translation of each text id in ``texts`` (and
    clear its fuzzy flag); ``rename`` changes ids, as a file for another version of the course has."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    wanted = dict(texts)
    for message in list(catalog):
        if message.context in wanted:
            message.string = wanted.pop(message.context)
            message.flags.discard("fuzzy")
        if rename and message.context in rename:
            message.context = rename[message.context]
    assert not wanted, f"no such messages: {wanted}"
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)
    return path


def _line(path: Path, text: str) -> int:
    return next(
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text in line
    )


def _proposal_prefix(messages: dict) -> str:
    return next(
        c.split("/rubric:")[0] for c in messages if c.endswith("/rubric:criterion.relevance.title")
    )


def _question(name: str) -> QuestionVersion:
    db.session.expire_all()
    question = db.session.execute(db.select(Question).filter_by(name=name)).scalars().first()
    return db.session.execute(
        db.select(QuestionVersion).filter_by(
            question_id=question.id, number=question.latest_version
        )
    ).scalar_one()


def _proposal() -> ProposalSettings:
    db.session.expire_all()
    return db.session.execute(db.select(ProposalSettings)).scalar_one()


def _needs() -> Survey:
    db.session.expire_all()
    return db.session.execute(db.select(Survey).filter_by(template="needs")).scalar_one()


def _proposal_it(settings: ProposalSettings) -> dict[str, tuple[str, str]]:
    return shown_texts(proposal_texts(*english_structures(settings)), settings.translations, "it")


def test_the_export_holds_quiz_rubric_and_survey_texts_with_their_italian(app, course, tmp_path):
    messages = _messages(_export(app, tmp_path / "it.po"))
    prefix = _proposal_prefix(messages)
    version, settings, survey = _question("Network or meeting"), _proposal(), _needs()
    italian = version.translations["it"]

    question = messages[f"{QUIZ}:text"]
    feedback = messages[f"{QUIZ}:answer:2:feedback"]
    level = messages[f"{prefix}/rubric:criterion.relevance.level.2.descriptor"]
    section = next(
        m
        for c, m in messages.items()
        if c.startswith(f"{prefix}/template:section.") and c.endswith(".guidance")
    )
    needs = messages[f"{NEEDS}:text"]

    assert (
        question.id == version.data["text"]
        and question.string == italian["text"]
        and not question.fuzzy
    )
    assert feedback.id.startswith("This is a classic town-twinning citizens' meeting")
    assert feedback.string == italian["answers"][1]["feedback"]
    assert question.locations[0][0].endswith("01-project-cycle/quiz.gift")
    assert (
        level.string == _proposal_it(settings)["criterion.relevance.level.2.descriptor"][0]
        and level.string
    )
    assert level.locations[0][0].endswith("08-capstone/proposal-rubric.yaml")
    assert section.string and section.string != section.id
    assert needs.string == survey.translations["it"]["policy_areas"] and needs.string != needs.id
    plugin_ids = [c for c in messages if ":" in c]
    assert len(plugin_ids) > 600 and all(
        messages[c].string.strip() and not messages[c].fuzzy for c in plugin_ids
    )
    # each activity's texts follow its title
    contexts = list(messages)
    title = contexts.index("activity/project-cycle/quiz/title")
    assert contexts[title + 1] == f"{QUIZ}:text"


def test_edits_in_the_file_reach_the_database_and_the_learners_pages(
    app, course, tmp_path, make_user
):
    po = _export(app, tmp_path / "it.po")
    prefix = _proposal_prefix(_messages(po))
    versions_before = db.session.execute(db.select(db.func.count(QuestionVersion.id))).scalar()
    content_version = course.content_version
    _edit(
        po,
        **{
            f"{QUIZ}:text": "Quale descrizione corrisponde meglio a una rete di città gemellate (rivista)?",
            f"{QUIZ}:answer:2:feedback": "Questo è un incontro di cittadini, non una rete (rivisto).",
            f"{prefix}/rubric:criterion.relevance.title": "Pertinenza (rivista)",
            f"{NEEDS}:text": "Quali settori politici vi interessano di più (rivisto)?",
        },
    )

    result = _import(app, po)

    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SLUG} (it): imported: 4 imported, 0 outdated, 0 fuzzy skipped\n"
    db.session.expire_all()
    assert (
        db.session.get(Course, course.id).content_version > content_version
    )  # coverage is recounted
    version = _question("Network or meeting")
    assert version.translations["it"]["text"].endswith("(rivista)?")
    assert version.translations["it"]["answers"][1]["feedback"].endswith("(rivisto).")
    assert version.translations["it"]["answers"][0]["feedback"]  # the other texts kept
    assert state(version.translations["it"], version.data) == PRESENT
    assert (
        db.session.execute(db.select(db.func.count(QuestionVersion.id))).scalar() == versions_before
    )  # no new version
    assert _proposal_it(_proposal())["criterion.relevance.title"] == (
        "Pertinenza (rivista)",
        PRESENT,
    )
    survey = _needs()
    assert survey.translations["it"]["policy_areas"].endswith("(rivisto)?")
    assert survey_states(
        survey.translations["it"], {"policy_areas": survey.questions[0]["text"]}
    ) == {"policy_areas": PRESENT}

    learner = make_user(name="Lucia Learner", locale="it")
    enrol(learner.id, db.session.get(Course, course.id))
    quiz = (
        db.session.execute(
            db.select(Quiz)
            .join(Activity, Activity.id == Quiz.activity_id)
            .where(Activity.key == "quiz", Activity.type_key == "quiz")
        )
        .scalars()
        .first()
    )
    attempt = start_attempt(quiz, learner.id, locale="it")
    needs_activity = db.session.get(Activity, survey.activity_id)
    db.session.commit()
    with app.test_request_context():
        survey_url = url_for("evaluation.surveys.answer", activity_id=needs_activity.id)
        attempt_url = url_for("quiz.attempt", attempt_id=attempt.id)
    reader = app.test_client()
    login(reader, learner)
    assert "Quali settori politici vi interessano di più (rivisto)?" in reader.get(
        survey_url
    ).get_data(as_text=True)
    page = reader.get(attempt_url).get_data(as_text=True)
    assert "rete di città gemellate (rivista)?" in page

    again = _import(app, po, "--json")
    assert json.loads(again.stdout)["imported"] == 0  # re-importing the same file changes nothing


def test_a_broken_placeholder_an_unknown_id_or_a_too_long_text_is_refused_by_line_and_nothing_is_written(
    app, course, tmp_path
):
    survey = _needs()
    questions = [dict(q) for q in survey.questions]
    questions[2]["text"] = "What do you expect for %(town)s?"
    survey.questions = questions
    db.session.commit()
    po = _export(app, tmp_path / "it.po")
    prefix = _proposal_prefix(_messages(po))
    expectations = f"activity/project-cycle/needs/question:{questions[2]['id']}:text"
    _edit(
        po,
        rename={f"{QUIZ}:answer:3:feedback": f"{QUIZ}:answer:9:feedback"},
        **{
            expectations: "Che cosa vi aspettate per la vostra città?",
            f"{QUIZ}:answer:1:feedback": "Corretto (rivisto).",
            f"{prefix}/rubric:criterion.relevance.title": "P" * 2001,
        },
    )
    before = (
        _question("Network or meeting").translations,
        _proposal().translations,
        _needs().translations,
    )

    result = _import(app, po)

    assert result.exit_code == 1
    assert (
        f"{po}:{_line(po, 'Che cosa vi aspettate')}: placeholder '%(town)s' of the English text is missing"
        in result.stderr
    )
    assert (
        f"{po}:{_line(po, f'{QUIZ}:answer:9:feedback')}: unknown text id '{QUIZ}:answer:9:feedback'"
        in result.stderr
    )
    assert (
        f"{po}:{_line(po, 'criterion.relevance.title')}: the text is longer than 2000 characters"
        in result.stderr
    )
    assert "nothing was changed" in result.stderr
    assert (
        _question("Network or meeting").translations,
        _proposal().translations,
        _needs().translations,
    ) == before


def test_a_text_whose_english_changed_after_the_export_is_imported_as_outdated(
    app, course, tmp_path
):
    po = _export(app, tmp_path / "it.po")
    prefix = _proposal_prefix(_messages(po))
    version = _question("Network or meeting")
    settings = db.session.execute(db.select(ProposalSettings)).scalar_one()
    survey = db.session.execute(db.select(Survey).filter_by(template="needs")).scalar_one()
    version.data = {
        **version.data,
        "text": "Which description fits a network of twinned towns best?",
    }
    rubric = json.loads(json.dumps(settings.rubric))
    rubric["criteria"][0]["title"] = "Relevance to the call"
    settings.rubric = rubric
    questions = json.loads(json.dumps(survey.questions))
    questions[0]["options"][0]["text"] = "Youth and young people"
    survey.questions = questions
    db.session.commit()
    _edit(
        po,
        **{
            f"{QUIZ}:text": "Quale descrizione corrisponde a una rete di città gemellate?",
            f"{prefix}/rubric:criterion.relevance.title": "Pertinenza",
            f"{NEEDS}:option:youth": "Giovani e giovani adulti",
            f"{QUIZ}:answer:1:text": "Più città che lavorano insieme su un tema comune",
        },
    )

    result = _import(app, po, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # a question keeps one fingerprint for all its texts: its other texts, current in the file,
    # come in as confirmed, but the question stays outdated (its changed text is not reviewed)
    assert {f"{QUIZ}:text", f"{QUIZ}:answer:1:text", f"{NEEDS}:option:youth"} <= set(
        report["imported_ids"]
    )
    assert sorted(report["outdated_ids"]) == sorted(
        [f"{QUIZ}:text", f"{prefix}/rubric:criterion.relevance.title", f"{NEEDS}:option:youth"]
    )
    version = _question("Network or meeting")
    assert (
        version.translations["it"]["text"]
        == "Quale descrizione corrisponde a una rete di città gemellate?"
    )
    assert state(version.translations["it"], version.data) == OUTDATED
    assert _proposal_it(_proposal())["criterion.relevance.title"] == ("Pertinenza", OUTDATED)
    survey = _needs()
    english = {"policy_areas/youth": "Youth and young people"}
    assert survey_states(survey.translations["it"], english) == {"policy_areas/youth": OUTDATED}
    again = _messages(_export(app, tmp_path / "again.po"))
    assert again[f"{QUIZ}:text"].fuzzy and again[f"{QUIZ}:text"].id.startswith(
        "Which description fits"
    )
    assert (
        again[f"{NEEDS}:option:youth"].fuzzy and not again[f"{NEEDS}:option:renewable-energy"].fuzzy
    )


def test_an_outdated_question_whose_texts_are_all_reviewed_in_the_file_becomes_up_to_date(
    app, course, tmp_path
):
    version = _question("Network or meeting")
    version.data = {
        **version.data,
        "text": "Which description fits a network of twinned towns best?",
    }
    db.session.commit()
    po = _export(app, tmp_path / "it.po")
    messages = _messages(po)
    mine = {c: m for c, m in messages.items() if c.startswith(f"{QUIZ}:")}
    assert mine and all(
        m.fuzzy for m in mine.values()
    )  # the question is outdated: all its texts are

    _edit(po, **{c: m.string for c, m in mine.items() if not c.endswith(":text") or "answer" in c})
    partly = _import(app, po, "--json")  # the changed question text is still fuzzy: not reviewed

    assert partly.exit_code == 0, partly.output
    assert json.loads(partly.stdout)["fuzzy_ids"] == [f"{QUIZ}:text"]
    version = _question("Network or meeting")
    assert state(version.translations["it"], version.data) == OUTDATED

    _edit(
        po,
        **{f"{QUIZ}:text": "Quale descrizione corrisponde meglio a una rete di città gemellate?"},
    )
    reviewed = _import(app, po)

    assert reviewed.exit_code == 0, reviewed.output
    version = _question("Network or meeting")
    assert (
        version.translations["it"]["text"]
        == "Quale descrizione corrisponde meglio a una rete di città gemellate?"
    )
    assert state(version.translations["it"], version.data) == PRESENT


def test_a_dry_run_checks_the_activities_texts_and_writes_nothing(app, course, tmp_path):
    po = _edit(
        _export(app, tmp_path / "it.po"),
        **{f"{QUIZ}:text": "Una domanda rivista?", f"{NEEDS}:text": "Una domanda rivista?"},
    )
    before = (_question("Network or meeting").translations, _needs().translations)

    result = _import(app, po, "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SLUG} (it): would import: 2 imported, 0 outdated, 0 fuzzy skipped\n"
    assert (_question("Network or meeting").translations, _needs().translations) == before
