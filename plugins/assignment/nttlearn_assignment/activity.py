"""The ``assignment`` activity type: how an assignment is read from a course package (its
settings and per-language instructions in ``module.yaml``), written back, checked, and summed up
for a learner."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from nttlearn.api import LANGUAGES, Activity, ActivityType, DefinitionProblem, TranslatableText, db

from .definition import apply_settings, read_settings, settings_definition
from .models import Assignment, Submission
from .services import ensure_assignment


def activity_type() -> ActivityType:
    return ActivityType(
        key="assignment", label=_l("Assignment"), endpoint="assignment.view", edit_endpoint="assignment.edit",
        import_definition=import_definition, export_definition=export_definition,
        validate_definition=validate_definition, default_definition=default_definition, status=status,
        translation_states=translation_states, translation_texts=translation_texts,
        package_untranslated=package_untranslated,
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


def validate_definition(definition: Mapping[str, Any], folder: Path, path: str) -> list[DefinitionProblem]:
    return [DefinitionProblem(path, _setting_line(folder, key), message)
            for key, message in read_settings(definition).problems]


def package_untranslated(definition: Mapping[str, Any], folder: Path, key: str) -> dict[str, list[str]]:
    """For ``nttlearn courses validate``: each language the instructions lack (``instructions:
    {en: …, it: …}`` without it). Nothing for settings with problems, nor without instructions."""
    settings = read_settings(definition)
    if settings.problems or not settings.values["instructions"].strip():
        return {}
    have = settings.values["translations"]
    return {locale: ["instructions"] for locale in LANGUAGES if not (have.get(locale) or "").strip()}


def import_definition(activity: Activity, definition: Mapping[str, Any], folder: Path) -> None:
    """Make (or update in place) the assignment's settings; submissions are never touched."""
    settings = read_settings(definition)
    if settings.problems:
        raise ValueError("; ".join(message for _key, message in settings.problems))
    apply_settings(ensure_assignment(activity), settings.values)


def export_definition(activity: Activity, folder: Path) -> dict[str, Any]:
    return settings_definition(ensure_assignment(activity))


def translation_texts(activities: Sequence[Activity]) -> dict[int, list[TranslatableText]]:
    """One text per assignment (its instructions): ``present`` or ``missing`` in each language.
    Their translations come with the course package; there is no page to edit them."""
    ids = [a.id for a in activities]
    rows = db.session.execute(db.select(Assignment).where(Assignment.activity_id.in_(ids))).scalars()
    found: dict[int, list[TranslatableText]] = {i: [] for i in ids}
    for assignment in rows:
        if not assignment.instructions.strip():
            continue
        found[assignment.activity_id].append(TranslatableText(
            label=_l("Instructions"), english=assignment.instructions,
            states={locale: "present" if (assignment.translations or {}).get(locale) else "missing"
                    for locale in LANGUAGES}))
    return found


def translation_states(activities: Sequence[Activity]) -> dict[int, dict[str, list[str]]]:
    """:func:`translation_texts` as counts: one state per text and language."""
    return {activity_id: {locale: [text.states[locale] for text in texts] for locale in LANGUAGES}
            for activity_id, texts in translation_texts(activities).items()}


def status(activity: Activity, user_id: int) -> str | None:
    """"Draft", "Submitted", "Submitted late" or "Graded: 8/10" on the course outline."""
    from flask_babel import gettext as _

    row = db.session.execute(db.select(Submission, Assignment.max_points)
                             .join(Assignment, Assignment.activity_id == Submission.activity_id)
                             .where(Submission.activity_id == activity.id, Submission.user_id == user_id)).first()
    if row is None:
        return None
    submission, max_points = row
    if submission.state == "graded" and submission.points is not None:
        return _("Graded: %(points)s/%(max)s", points=f"{submission.points:g}", max=f"{max_points:g}")
    if submission.state == "submitted":
        return _("Submitted late") if submission.late else _("Submitted")
    return _("Draft")

