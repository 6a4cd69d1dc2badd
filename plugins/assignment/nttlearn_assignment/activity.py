"""The ``assignment`` activity type: how an assignment is read from a course package (its
settings and per-language instructions in ``module.yaml``), written back, checked, and summed up
for a learner."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nttlearn.api import (
    LANGUAGES,
    Activity,
    ActivityType,
    DefinitionProblem,
    TranslatableText,
    TranslationProblem,
    TranslationUnit,
    TranslationUpdate,
    db,
    fingerprint,
)

from . import instructions as translated_instructions
from . import rubric as rubrics
from .definition import apply_settings, read_settings, settings_definition
from .grading import RubricInUse, change_rubric
from .models import Assignment, Submission
from .services import ensure_assignment


def activity_type() -> ActivityType:
    return ActivityType(
        key="assignment",
        label=_l("Assignment"),
        endpoint="assignment.view",
        edit_endpoint="assignment.edit",
        import_definition=import_definition,
        export_definition=export_definition,
        validate_definition=validate_definition,
        default_definition=default_definition,
        status=status,
        statuses=statuses,
        translation_states=translation_states,
        translation_texts=translation_texts,
        package_untranslated=package_untranslated,
        translation_units=translation_units,
        apply_translations=apply_translations,
        has_learner_work=has_learner_work,
    )


def has_learner_work(activity_ids: Sequence[int]) -> set[int]:
    """The assignments someone has handed in (or started a draft of)."""
    ids = list(activity_ids)
    return set(
        db.session.execute(
            db.select(Submission.activity_id).where(Submission.activity_id.in_(ids)).distinct()
        ).scalars()
    )


def default_definition() -> dict[str, Any]:
    """An assignment added in the course editor: text and files, 100 points, complete on submission."""
    return {"max_points": 100, "submission": ["text", "file"], "completion": "submitted"}


def _setting_line(folder: Path, key: str) -> int:
    """Best effort: the line of ``module.yaml`` where a setting is written (1 when not found)."""
    try:
        lines = (folder / "module.yaml").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^\s*(-\s*)?{re.escape(key)}\s*:")
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def _package_rubric(definition: Mapping[str, Any], folder: Path) -> rubrics.PackageRubric | None:
    return (
        rubrics.read_package_rubric(definition["rubric"], folder)
        if definition.get("rubric") is not None
        else None
    )


def validate_definition(
    definition: Mapping[str, Any], folder: Path, path: str
) -> list[DefinitionProblem]:
    """The settings' problems at their line of ``module.yaml``; the rubric's at their line of its
    file (``…/problem-tree-rubric.sv.yaml:12``)."""
    problems = [
        DefinitionProblem(path, _setting_line(folder, key), message)
        for key, message in read_settings(definition).problems
    ]
    read = _package_rubric(definition, folder)
    for file, line, message in read.problems if read else []:
        if file is None:
            problems.append(DefinitionProblem(path, _setting_line(folder, "rubric"), message))
        else:
            problems.append(
                DefinitionProblem(str(PurePosixPath(path).parent / file), line or 1, message)
            )
    return problems


def package_untranslated(
    definition: Mapping[str, Any], folder: Path, key: str
) -> dict[str, list[str]]:
    """For ``nttlearn courses validate``: each language the instructions lack (``instructions:
    {en: …, it: …}`` without it). Nothing for settings with problems, nor without instructions."""
    settings = read_settings(definition)
    if settings.problems or not settings.values["instructions"].strip():
        return {}
    have = settings.values["translations"]
    lacking: dict[str, list[str]] = {
        locale: ["instructions"] for locale in LANGUAGES if not (have.get(locale) or "").strip()
    }
    read = _package_rubric(definition, folder)
    if read is not None and not read.problems:
        for locale, what in read.untranslated.items():
            lacking.setdefault(locale, []).extend(what)
    return lacking


def import_definition(activity: Activity, definition: Mapping[str, Any], folder: Path) -> None:
    """Make (or update in place) the assignment's settings and rubric; submissions are never
    touched, so a rubric learners were graded with keeps its structure (or the import fails)."""
    settings = read_settings(definition)
    if settings.problems:
        raise ValueError("; ".join(message for _key, message in settings.problems))
    read = _package_rubric(definition, folder)
    if read is not None and read.problems:
        raise ValueError("; ".join(message for _file, _line, message in read.problems))
    assignment = ensure_assignment(activity)
    apply_settings(assignment, settings.values)
    try:
        change_rubric(assignment, read.rubric if read else None, read.translations if read else {})
    except RubricInUse as refused:
        raise ValueError(str(refused)) from None


def export_definition(activity: Activity, folder: Path) -> dict[str, Any]:
    """The ``module.yaml`` entry; a rubric goes to ``<activity>-rubric.yaml`` (and its
    translations) beside it."""
    assignment = ensure_assignment(activity)
    entry = settings_definition(assignment)
    if assignment.rubric:
        entry["rubric"] = rubrics.write_package_rubric(
            assignment.rubric, assignment.rubric_translations or {}, folder, activity.key
        )
    return entry


def _rubric_label(text_id: str) -> str:
    """What a rubric text is, for the translation overview: ``criterion.<key>.title`` or
    ``criterion.<key>.level.<points>.label|descriptor``."""
    parts = text_id.split(".")
    if parts[-1] == "title":
        return _("Rubric, criterion “%(criterion)s”: title", criterion=parts[1])
    points = ".".join(parts[3:-1])
    if parts[-1] == "label":
        return _(
            "Rubric, criterion “%(criterion)s”, level of %(points)s points: name",
            criterion=parts[1],
            points=points,
        )
    return _(
        "Rubric, criterion “%(criterion)s”, level of %(points)s points: descriptor",
        criterion=parts[1],
        points=points,
    )


def translation_texts(activities: Sequence[Activity]) -> dict[int, list[TranslatableText]]:
    """Each assignment's instructions and each text of its rubric, ``present``, ``outdated`` or
    ``missing`` in each language, edited on the instructions' and the rubric's translation pages."""
    ids = [a.id for a in activities]
    rows = db.session.execute(
        db.select(Assignment).where(Assignment.activity_id.in_(ids))
    ).scalars()
    found: dict[int, list[TranslatableText]] = {i: [] for i in ids}
    for assignment in rows:
        texts = found[assignment.activity_id]
        if assignment.instructions.strip():
            texts.append(
                TranslatableText(
                    label=_("Instructions"),
                    english=assignment.instructions,
                    states={
                        locale: translated_instructions.state(assignment, locale)
                        for locale in LANGUAGES
                    },
                    editor="assignment.instructions_translate",
                    editor_args={"activity_id": assignment.activity_id},
                )
            )
        if assignment.rubric:
            states = {
                locale: rubrics.text_states(
                    assignment.rubric, assignment.rubric_translations, locale
                )
                for locale in LANGUAGES
            }
            texts.extend(
                TranslatableText(
                    label=_rubric_label(text_id),
                    english=english,
                    states={locale: states[locale][text_id] for locale in LANGUAGES},
                    editor="assignment.rubric_translate",
                    editor_args={"activity_id": assignment.activity_id},
                )
                for text_id, english in rubrics.english_texts(assignment.rubric).items()
            )
    return found


def translation_states(activities: Sequence[Activity]) -> dict[int, dict[str, list[str]]]:
    """:func:`translation_texts` as counts: one state per text and language."""
    return {
        activity_id: {locale: [text.states[locale] for text in texts] for locale in LANGUAGES}
        for activity_id, texts in translation_texts(activities).items()
    }


def _context(text_id: str) -> str:
    parts = text_id.split(".")
    if parts[-1] == "title":
        return f"Grading rubric, criterion '{parts[1]}': title. Trainers grade with it; learners read it with their grade."
    what = "name" if parts[-1] == "label" else "descriptor"
    return (
        f"Grading rubric, criterion '{parts[1]}', level of {'.'.join(parts[3:-1])} points: {what}."
    )


def _location(activity: Activity) -> str:
    return f"{activity.key}-rubric.yaml"


def translation_units(activity: Activity, locale: str) -> list[TranslationUnit]:
    """Every text of the assignment's rubric, with its translation into ``locale`` (ids
    ``rubric:criterion.<key>.title``, ``rubric:criterion.<key>.level.<points>.label``…)."""
    assignment = db.session.get(Assignment, activity.id)
    if assignment is None or not assignment.rubric:
        return []
    entry = (assignment.rubric_translations or {}).get(locale) or {}
    states = rubrics.text_states(assignment.rubric, assignment.rubric_translations, locale)
    return [
        TranslationUnit(
            f"rubric:{text_id}",
            english,
            entry.get(text_id, "") if states[text_id] != rubrics.MISSING else "",
            states[text_id] == rubrics.OUTDATED,
            _context(text_id),
            _location(activity),
        )
        for text_id, english in rubrics.english_texts(assignment.rubric).items()
    ]


def apply_translations(
    activity: Activity, locale: str, updates: Mapping[str, TranslationUpdate], write: bool = True
) -> list[TranslationProblem]:
    """Store ``updates`` in the rubric's translations into ``locale``, each stamped with the
    English the translator saw (so a text translated from an older English shows as outdated)."""
    assignment = db.session.get(Assignment, activity.id)
    english = rubrics.english_texts(assignment.rubric if assignment else None)
    problems = []
    for unit_id, update in updates.items():
        text_id = unit_id.removeprefix("rubric:")
        if not unit_id.startswith("rubric:") or text_id not in english:
            problems.append(
                TranslationProblem(unit_id, f"unknown text id '{unit_id}' of this assignment")
            )
        elif len(update.text) > rubrics.LIMITS[text_id.rsplit(".", 1)[-1]]:
            problems.append(
                TranslationProblem(
                    unit_id,
                    f"the text is longer than {rubrics.LIMITS[text_id.rsplit('.', 1)[-1]]} characters",
                )
            )
    if problems or not write or assignment is None:
        return problems
    translations = dict(assignment.rubric_translations or {})
    entry = dict(translations.get(locale) or {})
    source = dict(entry.get(rubrics.SOURCE) or {})
    for unit_id, update in updates.items():
        text_id = unit_id.removeprefix("rubric:")
        entry[text_id] = update.text.strip()
        current = update.source.strip() == english[text_id].strip()
        source[text_id] = fingerprint(english[text_id] if current else update.source)
    entry[rubrics.SOURCE] = source
    translations[locale] = entry
    assignment.rubric_translations = translations
    return problems


def status(activity: Activity, user_id: int) -> str | None:
    """ "Draft", "Submitted", "Submitted late" or "Graded: 8/10" on the course outline."""
    return statuses([activity], user_id).get(activity.id)


def statuses(activities: Sequence[Activity], user_id: int) -> dict[int, str | None]:
    """:func:`status` for several assignments (API 1.4), in one query."""
    ids = sorted({a.id for a in activities})
    result: dict[int, str | None] = dict.fromkeys(ids)
    if not ids:
        return result
    for submission, max_points in db.session.execute(
        db.select(Submission, Assignment.max_points)
        .join(Assignment, Assignment.activity_id == Submission.activity_id)
        .where(Submission.activity_id.in_(ids), Submission.user_id == user_id)
    ):
        if submission.state == "graded" and submission.points is not None:
            text = _(
                "Graded: %(points)s/%(max)s", points=f"{submission.points:g}", max=f"{max_points:g}"
            )
        elif submission.state == "submitted":
            text = _("Submitted late") if submission.late else _("Submitted")
        else:
            text = _("Draft")
        result[submission.activity_id] = text
    return result
