"""The ``quiz`` activity type: how a quiz is read from a course package (a ``.gift`` file and
its settings in ``module.yaml``), written back, checked, and summed up for a learner."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import lazy_gettext as _l

from nttlearn.api import (
    Activity,
    ActivityType,
    DefinitionProblem,
    Module,
    TranslatableText,
    db,
    format_percent,
    translated_file_name,
)

from . import translation_units
from .bank import current_versions, export_versions, import_questions, split_path
from .gift import GiftError, export_gift, parse_gift
from .languages import LANGUAGES, store_translations
from .languages import state as language_state
from .models import Attempt, Category, Quiz, QuizGrade, Slot
from .models import Question as BankQuestion
from .parallel import pair_questions, texts_by_locale, translated_questions
from .questions import Question
from .quizzes import (
    WantedSlot,
    apply_settings,
    default_mark,
    draws_of,
    ensure_draw_categories,
    ensure_quiz,
    fixed_question_ids,
    read_settings,
    settings_definition,
    sync_slots,
)
from .settings import gift_max_questions

DEFAULT_FILE = "quiz.gift"


def activity_type() -> ActivityType:
    return ActivityType(
        key="quiz",
        label=_l("Quiz"),
        endpoint="quiz.view",
        edit_endpoint="quiz.edit_quiz",
        import_definition=import_definition,
        export_definition=export_definition,
        validate_definition=validate_definition,
        default_definition=default_definition,
        status=status,
        statuses=statuses,
        translation_states=translation_states,
        translation_texts=translation_texts,
        translation_units=translation_units.translation_units,
        apply_translations=translation_units.apply_translations,
        package_untranslated=package_untranslated,
        has_learner_work=has_learner_work,
        assessment=True,
    )


def has_learner_work(activity_ids: Sequence[int]) -> set[int]:
    """The quizzes someone has attempted or been graded in: their attempts stay when one leaves its course."""
    ids = list(activity_ids)
    rows = db.session.execute(
        db.select(Attempt.activity_id)
        .where(Attempt.activity_id.in_(ids))
        .union(db.select(QuizGrade.activity_id).where(QuizGrade.activity_id.in_(ids)))
    ).scalars()
    return set(rows)


def translation_texts(activities: Sequence[Activity]) -> dict[int, list[TranslatableText]]:
    """Each quiz's fixed questions in slot order, one text per question (its question, answers
    and feedback share one translation and one state), with its state per language and its
    translation editor: what the course's translation overview lists and its coverage counts.
    Questions drawn at random from a category are not counted (they change from attempt to
    attempt). Two queries."""
    ids = [a.id for a in activities]
    slots = db.session.execute(
        db.select(Slot.activity_id, Slot.question_id, BankQuestion.course_id)
        .join(BankQuestion, BankQuestion.id == Slot.question_id)
        .where(Slot.activity_id.in_(ids))
        .order_by(Slot.activity_id, Slot.position, Slot.id)
    ).all()
    versions = current_versions({question_id for _, question_id, _ in slots})
    found: dict[int, list[TranslatableText]] = {i: [] for i in ids}
    for activity_id, question_id, course_id in slots:
        version = versions.get(question_id)
        if version is None:
            continue
        number = len(found[activity_id]) + 1
        found[activity_id].append(
            TranslatableText(
                label=_l("Question %(num)d (with its answers and feedback)", num=number),
                english=str((version.data or {}).get("text") or ""),
                states={
                    locale: language_state((version.translations or {}).get(locale), version.data)
                    for locale in LANGUAGES
                },
                editor="quiz.translate_question",
                editor_args={"course_id": course_id, "question_id": question_id},
            )
        )
    return found


def translation_states(activities: Sequence[Activity]) -> dict[int, dict[str, list[str]]]:
    """:func:`translation_texts` as counts: one state per question and language."""
    return {
        activity_id: {locale: [text.states[locale] for text in texts] for locale in LANGUAGES}
        for activity_id, texts in translation_texts(activities).items()
    }


def default_definition() -> dict[str, Any]:
    """A quiz added in the course editor: no questions yet, unlimited attempts, pass at 60 %."""
    return {"pass_mark": 60, "attempts": 0}


def read_gift_file(folder: Path, name: str, display: str) -> tuple[Any, list[GiftError]]:
    """The parsed file, or its problems (missing, not UTF-8, GIFT errors) as GIFT errors."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
        return None, [GiftError(1, f"'{name}' is not a file in the module folder", display)]
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [GiftError(line, "the file is not UTF-8 text", display)]
    result = parse_gift(text, display, max_questions=gift_max_questions())
    return result, list(result.errors)


def read_translations(
    folder: Path, name: str, english: list[Question], display_of: Callable[[str], str]
) -> tuple[list[dict[str, Any]], list[GiftError]]:
    """The translated texts of each English question (``{locale: texts}``), read from the files
    ``quiz.<lang>.gift`` beside ``name`` for every language the site knows, or their problems."""
    per_locale: dict[str, list[dict[str, Any] | None]] = {}
    errors: list[GiftError] = []
    for locale in LANGUAGES:
        file = translated_file_name(name, locale)
        if not (folder / file).is_file():
            continue
        result, problems = read_gift_file(folder, file, display_of(file))
        if not problems:
            last = max((q.line for q in result.questions), default=1)
            texts, problems = pair_questions(
                english, result.questions, display_of(name), display_of(file), last
            )
            per_locale[locale] = texts
        errors += problems
    return texts_by_locale(per_locale, len(english)), errors


def package_untranslated(
    definition: Mapping[str, Any], folder: Path, key: str
) -> dict[str, list[str]]:
    """For ``nttlearn courses validate``: each language whose ``quiz.<lang>.gift`` is not beside
    the quiz's file (a file that is there has every question: `pair_questions` refuses a missing
    one). Nothing when the file is not there or does not parse (validation says so)."""
    name = definition.get("file")
    if not isinstance(name, str) or not name.strip():
        return {}
    result, errors = read_gift_file(folder, name, name)
    if errors or not result.questions:
        return {}
    return {
        locale: [f"{translated_file_name(name, locale)} (the whole quiz)"]
        for locale in LANGUAGES
        if not (folder / translated_file_name(name, locale)).is_file()
    }


def _setting_line(folder: Path, key: str) -> int:
    """Best effort: the line of ``module.yaml`` where a setting is written (1 when not found)."""
    try:
        lines = (folder / "module.yaml").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^\s*(-\s*)?{re.escape(key)}\s*:")
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def validate_definition(
    definition: Mapping[str, Any], folder: Path, path: str
) -> list[DefinitionProblem]:
    """Check the settings and the ``.gift`` file without touching the database."""
    settings = read_settings(definition)
    problems = [
        DefinitionProblem(path, _setting_line(folder, key), str(message))
        for key, message in settings.problems
    ]
    name = definition.get("file")
    if isinstance(name, str) and name.strip():
        display = str(PurePosixPath(path).parent / name)
        result, errors = read_gift_file(folder, name, display)
        if result is None:
            problems += [
                DefinitionProblem(path, _setting_line(folder, "file"), e.message) for e in errors
            ]
        else:
            problems += [DefinitionProblem(display, e.line, e.message) for e in errors]
            if result.ok:
                in_file = {tuple(split_path(q.category)) for q in result.questions if q.category}
                for draw in settings.draws:
                    if tuple(split_path(draw.path)) not in in_file:
                        problems.append(
                            DefinitionProblem(
                                path,
                                _setting_line(folder, "random"),
                                f"random: no question of {name} is in category '{draw.path}'",
                            )
                        )
                _texts, errors = read_translations(
                    folder,
                    name,
                    result.questions,
                    lambda file: str(PurePosixPath(path).parent / file),
                )
                problems += [DefinitionProblem(e.source, e.line, e.message) for e in errors]
    return problems


def import_definition(activity: Activity, definition: Mapping[str, Any], folder: Path) -> None:
    """Build (or update in place) the quiz from its package definition: questions go into the
    course's bank (matched by name and category, a new version only when changed), fixed
    slots follow the file's order, and ``random`` categories are drawn from."""
    settings = read_settings(definition)
    if settings.problems:
        raise ValueError("; ".join(str(message) for _key, message in settings.problems))
    module = db.session.get(Module, activity.module_id)
    quiz = ensure_quiz(activity)
    apply_settings(quiz, settings.values)
    name = definition.get("file")
    wanted: list[WantedSlot] = []
    if isinstance(name, str) and name.strip():
        result, errors = read_gift_file(folder, name, name)
        if not errors:
            translations, errors = read_translations(folder, name, result.questions, str)
        if errors:
            raise ValueError("; ".join(str(e) for e in errors[:5]))
        default = [module.key, activity.key]
        report = import_questions(module.course_id, result.questions, default)
        db.session.flush()  # the import runs without autoflush: versions it just made must be found
        versions = current_versions(report.question_ids)
        store_translations([versions[qid] for qid in report.question_ids], translations)
        drawn = {tuple(split_path(d.path)) for d in settings.draws}
        for question, question_id in zip(result.questions, report.question_ids, strict=True):
            names = tuple(split_path(question.category)) if question.category else tuple(default)
            if names not in drawn:
                wanted.append(WantedSlot(question_id=question_id, mark=default_mark(question.type)))
        quiz.source_file = name
        if report.categories:
            quiz.category_id = db.session.execute(
                db.select(Category.id).where(
                    Category.course_id == module.course_id, Category.path == report.categories[0]
                )
            ).scalar()
    wanted += ensure_draw_categories(module.course_id, settings.draws)
    sync_slots(quiz, wanted)


def export_definition(activity: Activity, folder: Path) -> dict[str, Any]:
    """Write the quiz's questions (fixed ones and those of its random categories) to its
    ``.gift`` file, and their translations to ``quiz.<lang>.gift`` beside it, and return its
    settings for ``module.yaml``."""
    quiz = ensure_quiz(activity)
    draws = draws_of(quiz)
    exported = export_versions(quiz.course_id, question_ids=fixed_question_ids(quiz))
    for draw in draws:
        category = db.session.execute(
            db.select(Category).where(
                Category.course_id == quiz.course_id, Category.path == draw.path
            )
        ).scalar()
        if category is not None:
            known = {(q.category, q.name) for q, _v in exported}
            exported += [
                (q, v)
                for q, v in export_versions(quiz.course_id, category=category)
                if q.category == draw.path and (q.category, q.name) not in known
            ]
    questions = [q for q, _v in exported]
    entry = settings_definition(quiz, draws)
    if questions:
        name = quiz.source_file or (
            DEFAULT_FILE if not (folder / DEFAULT_FILE).exists() else f"{activity.key}.gift"
        )
        (folder / name).write_text(export_gift(questions), encoding="utf-8")
        for locale in LANGUAGES:
            translated = translated_questions(exported, locale)
            if translated is not None:
                (folder / translated_file_name(name, locale)).write_text(
                    export_gift(translated), encoding="utf-8"
                )
        entry = {"file": name, **entry}
    return entry


def status(activity: Activity, user_id: int) -> str | None:
    """ "Best grade: 80%" once the learner may see marks; "Attempted" or "In progress" before."""
    return statuses([activity], user_id).get(activity.id)


def statuses(activities: Sequence[Activity], user_id: int) -> dict[int, str | None]:
    """:func:`status` for several quizzes (API 1.4), in two queries at most: the states of the
    learner's attempts, then the quizzes attempted with the learner's grade rows."""
    from flask_babel import gettext as _

    ids = sorted({a.id for a in activities})
    result: dict[int, str | None] = dict.fromkeys(ids)
    if not ids:
        return result
    states: dict[int, set[str]] = {}
    for activity_id, state in db.session.execute(
        db.select(Attempt.activity_id, Attempt.state)
        .distinct()
        .where(Attempt.activity_id.in_(ids), Attempt.user_id == user_id)
    ):
        states.setdefault(activity_id, set()).add(state)
    if not states:
        return result
    for quiz, row in db.session.execute(
        db.select(Quiz, QuizGrade)
        .outerjoin(
            QuizGrade, (QuizGrade.activity_id == Quiz.activity_id) & (QuizGrade.user_id == user_id)
        )
        .where(Quiz.activity_id.in_(sorted(states)))
    ):
        grade = row.effective if row is not None else None
        if grade is not None and quiz.review_marks == "immediately":
            result[quiz.activity_id] = {
                "highest": _("Best grade: %(grade)s", grade=format_percent(grade)),
                "average": _("Average grade: %(grade)s", grade=format_percent(grade)),
                "first": _("Grade: %(grade)s", grade=format_percent(grade)),
                "last": _("Grade: %(grade)s", grade=format_percent(grade)),
            }[quiz.grading_method]
        elif "in_progress" in states[quiz.activity_id]:
            result[quiz.activity_id] = _("In progress")
        else:
            result[quiz.activity_id] = _("Attempted")
    return result
