"""Editing a course's structure in the browser: modules, lessons and activities.

Edits are checked like an import: a lesson is refused for the same reasons, with the same
messages, as the same lesson in a package (:func:`nttlearn.content.lessontext.check_lesson_text`).
Removing an element archives it when learners have work in it, as a re-import does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..activities import ActivityType
from ..content.layout import load_outline, package_layout, slugify
from ..content.lessontext import TextProblem, check_lesson_text
from ..content.media_types import media_prefix
from ..content.package import MAX_KEY, definition_digest
from ..content.retirement import retire_activities, retire_lessons, retire_modules
from ..content.translations import before_english_change, english_texts
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from ..storage import file_store
from .services import AuthoringError, fields_token


class LessonConflict(Exception):
    """Someone saved the lesson since the editor opened it; nothing was overwritten."""

    def __init__(self, lesson: Lesson) -> None:
        super().__init__("lesson changed")
        self.lesson = lesson


def _free_key(existing: set[str], title: str, fallback: str) -> str:
    base = slugify(title, fallback=fallback, limit=MAX_KEY - 5)
    key, n = base, 2
    while key in existing:
        key, n = f"{base}-{n}", n + 1
    return key


def _next_position(model: Any, parent_column: Any, parent_id: int) -> int:
    return (
        db.session.execute(
            db.select(db.func.max(model.position)).where(parent_column == parent_id)
        ).scalar()
        or 0
    ) + 1


def element_in_course(model: Any, element_id: int, course: Course) -> Any | None:
    """The live module, lesson or activity ``element_id`` if it belongs to ``course``."""
    element = db.session.get(model, element_id)
    if element is None or element.archived:
        return None
    module = element if isinstance(element, Module) else db.session.get(Module, element.module_id)
    if module.course_id != course.id or module.archived:
        return None
    return element


# -- modules -------------------------------------------------------------------------------------
def add_module(
    course: Course, *, title: str, summary: str = "", outcomes: list[str] | None = None
) -> Module:
    keys = set(
        db.session.execute(db.select(Module.key).where(Module.course_id == course.id)).scalars()
    )
    module = Module(
        course_id=course.id,
        key=_free_key(keys, title, "module"),
        title=title.strip(),
        summary=summary.strip(),
        outcomes=outcomes or [],
        position=_next_position(Module, Module.course_id, course.id),
    )
    db.session.add(module)
    db.session.flush()
    return module


def update_module(module: Module, *, title: str, summary: str, outcomes: list[str]) -> None:
    """Apply the module form; translations made from the old title and summary may become outdated."""
    before = english_texts(module)
    for name, value in (
        ("title", title.strip()),
        ("summary", summary.strip()),
        ("outcomes", outcomes),
    ):
        if getattr(module, name) != value:
            setattr(module, name, value)
    kept = before_english_change(module.translations, before, english_texts(module))
    if kept is not None:
        module.translations = kept


# -- lessons ---------------------------------------------------------------------------------------
def normalize_body(body: str) -> str:
    """Lesson text as a package stores it (Unix line ends, one final newline)."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return text + "\n" if text else ""


def check_lesson_body(course: Course, module: Module, body: str) -> list[TextProblem]:
    """The problems an import would find in ``body`` as a lesson of ``module``."""
    outline = load_outline(course)
    layout = package_layout(outline)
    translations = {
        lesson.id: sorted((lesson.translations or {}).keys())
        for lessons in outline.lessons.values()
        for lesson in lessons
    }
    files = layout.files(translations)
    store, media = file_store(), media_prefix(course.slug)
    folder = layout.module_dirs.get(module.id, "modules/00-new")

    def exists(path: str) -> bool:
        if path in files:
            return True
        if path.startswith("media/"):
            return store.exists(media + path[len("media/") :])
        return False

    # The body starts on line 1 of the editor's text box.
    return check_lesson_text(normalize_body(body), 1, folder, exists)


def add_lesson(course: Course, module: Module, values: Mapping[str, Any]) -> Lesson:
    problems = check_lesson_body(course, module, values["body"])
    if problems:
        raise AuthoringError("\n".join(f"line {p.line}: {p.message}" for p in problems))
    keys = set(
        db.session.execute(db.select(Lesson.key).where(Lesson.module_id == module.id)).scalars()
    )
    lesson = Lesson(
        module_id=module.id,
        key=_free_key(keys, values["title"], "lesson"),
        position=_next_position(Lesson, Lesson.module_id, module.id),
        translations={},
        **_lesson_values(values),
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


LESSON_FIELDS = ("title", "body", "minutes", "required", "kind")


def lesson_token(lesson: Lesson) -> str:
    """What the lesson editor shows, as a token: a translation saved meanwhile is no conflict."""
    return fields_token(lesson, LESSON_FIELDS)


def save_lesson(
    course: Course,
    lesson: Lesson,
    values: Mapping[str, Any],
    version: str,
    opened_text: str | None = None,
) -> None:
    """Save an edited lesson opened at ``version``; :class:`LessonConflict` if it changed since.

    ``opened_text`` (:func:`lesson_token` when the editor opened) lets a newer version that
    changed only the lesson's translations through.
    """
    if str(lesson.version) != str(version) and opened_text != lesson_token(lesson):
        raise LessonConflict(lesson)
    module = db.session.get(Module, lesson.module_id)
    problems = check_lesson_body(course, module, values["body"])
    if problems:
        raise AuthoringError("\n".join(f"line {p.line}: {p.message}" for p in problems))
    before = {"title": lesson.title, "body": lesson.body}
    for name, value in _lesson_values(values).items():
        if getattr(lesson, name) != value:
            setattr(lesson, name, value)
    kept = before_english_change(
        lesson.translations, before, {"title": lesson.title, "body": lesson.body}
    )
    if kept is not None:
        lesson.translations = kept


def _lesson_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": values["title"].strip(),
        "minutes": int(values["minutes"]),
        "required": bool(values["required"]),
        "kind": values["kind"],
        "body": normalize_body(values["body"]),
    }


# -- activities ------------------------------------------------------------------------------------
def add_activity(
    module: Module, activity_type: ActivityType, *, title: str, required: bool
) -> Activity:
    """Place a new activity of ``activity_type``, created with the type's default definition."""
    definition = dict(activity_type.default_definition() or {})
    keys = set(
        db.session.execute(db.select(Activity.key).where(Activity.module_id == module.id)).scalars()
    )
    can_import = activity_type.import_definition is not None
    activity = Activity(
        module_id=module.id,
        key=_free_key(keys, activity_type.key, "activity"),
        position=_next_position(Activity, Activity.module_id, module.id),
        type_key=activity_type.key,
        title=title.strip(),
        required=required,
        spec={**definition, "_digest": definition_digest(definition), "_imported": can_import},
    )
    db.session.add(activity)
    db.session.flush()
    if can_import:
        with tempfile.TemporaryDirectory() as folder:
            try:
                activity_type.import_definition(activity, definition, Path(folder))  # type: ignore[misc]
            except Exception as exc:  # noqa: BLE001 - the plugin's message, for the trainer
                raise AuthoringError(str(exc) or type(exc).__name__) from exc
    return activity


def update_activity(activity: Activity, *, title: str, required: bool) -> None:
    """Apply the activity form; a translation of the old title becomes outdated."""
    before = {"title": activity.title}
    activity.title, activity.required = title.strip(), required
    kept = before_english_change(activity.translations, before, {"title": activity.title})
    if kept is not None:
        activity.translations = kept


# -- order and removal -----------------------------------------------------------------------------
def _siblings(element: Module | Lesson | Activity) -> list[Any]:
    model = type(element)
    if isinstance(element, Module):
        where = Module.course_id == element.course_id
    else:
        where = model.module_id == element.module_id
    return list(
        db.session.execute(
            db.select(model)
            .where(where, model.archived.is_(False))
            .order_by(model.position, model.id)
        ).scalars()
    )


def move(element: Module | Lesson | Activity, direction: str) -> bool:
    """Swap ``element`` with its neighbour (``up`` or ``down``); False at either end."""
    siblings = _siblings(element)
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
    index = siblings.index(element)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(siblings):
        return False
    siblings[index].position, siblings[other].position = (
        siblings[other].position,
        siblings[index].position,
    )
    return True


def remove(element: Module | Lesson | Activity) -> str:
    """Remove from the course: ``"archived"`` when learners have work in it, else ``"deleted"``."""
    retire = {Module: retire_modules, Lesson: retire_lessons, Activity: retire_activities}[
        type(element)
    ]
    archived, _deleted = retire([element])
    return "archived" if archived else "deleted"
