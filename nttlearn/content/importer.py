"""Importing a course package into the database: all-or-nothing, idempotent, keeps progress.

Elements are matched by their stable id; an element removed from the package is archived when
learners have work in it, deleted otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from ..activities import ActivityType
from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Course,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
)
from .package import ActivitySpec, CourseSpec, LessonSpec, ModuleSpec, Problem, load_package


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    slug: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.deleted)

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "changed": self.changed, "created": self.created, "updated": self.updated,
                "archived": self.archived, "deleted": self.deleted, "warnings": self.warnings}


def import_package(path: Path | str, types: Mapping[str, ActivityType], *, copy_media: bool = True) -> ImportReport:
    """Validate then import the package at ``path`` in the current transaction.

    Raises :class:`ImportFailed` with every problem before changing anything. The caller commits
    (or rolls back for a dry run); media files are copied only by :func:`install_media`.
    """
    result = load_package(path, types)
    if result.problems or result.course is None:
        raise ImportFailed(result.problems)
    spec = result.course
    report = ImportReport(spec.slug, warnings=[str(w) for w in result.warnings])
    with db.session.no_autoflush:
        course = _sync_course(spec, report)
        db.session.flush()
        _sync_modules(course, spec, types, report)
    db.session.flush()
    if copy_media:
        db.session.info.setdefault("nttlearn_media", []).append((spec.slug, spec.path))
    return report


def install_media(slug: str, package: Path) -> None:
    """Copy ``media/`` into the instance folder (after the import committed)."""
    source = package / "media"
    target = Path(current_app.instance_path) / "media" / slug
    staging = target.with_name(slug + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    if source.is_dir():
        shutil.copytree(source, staging, symlinks=False)
    else:
        staging.mkdir(parents=True)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only what differs, so an unchanged re-import writes nothing."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _sync_course(spec: CourseSpec, report: ImportReport) -> Course:
    course = db.session.execute(db.select(Course).filter_by(slug=spec.slug)).scalar()
    values = {
        "title": spec.title, "summary": spec.summary, "translations": spec.translations,
        "policy_area": spec.policy_area, "languages": spec.languages, "hours": spec.hours,
        "outcomes": spec.outcomes, "completion_rule": spec.completion_rule,
        "self_enrolment": spec.self_enrolment, "certificate": spec.certificate,
        "published": spec.published, "archived": False,
    }
    if course is None:
        course = Course(slug=spec.slug, **values)
        db.session.add(course)
        report.created.append(f"course {spec.slug}")
    elif _assign(course, values):
        report.updated.append(f"course {spec.slug}")
    return course


def _sync_modules(course: Course, spec: CourseSpec, types: Mapping[str, ActivityType], report: ImportReport) -> None:
    existing = {m.key: m for m in db.session.execute(db.select(Module).filter_by(course_id=course.id)).scalars()}
    for module_spec in spec.modules:
        module = existing.pop(module_spec.key, None)
        values = {"position": module_spec.position, "title": module_spec.title, "summary": module_spec.summary,
                  "outcomes": module_spec.outcomes, "archived": False}
        if module is None:
            module = Module(course_id=course.id, key=module_spec.key, **values)
            db.session.add(module)
            db.session.flush()
            report.created.append(f"module {module_spec.key}")
        elif _assign(module, values):
            report.updated.append(f"module {module_spec.key}")
        _sync_lessons(module, module_spec, report)
        _sync_activities(module, module_spec, types, report)
    for module in existing.values():
        _retire(module, f"module {module.key}", ModuleCompletion.module_id, report)


def _sync_lessons(module: Module, spec: ModuleSpec, report: ImportReport) -> None:
    existing = {x.key: x for x in db.session.execute(db.select(Lesson).filter_by(module_id=module.id)).scalars()}
    for lesson_spec in spec.lessons:
        lesson = existing.pop(lesson_spec.key, None)
        values = _lesson_values(lesson_spec)
        if lesson is None:
            db.session.add(Lesson(module_id=module.id, key=lesson_spec.key, **values))
            report.created.append(f"lesson {module.key}/{lesson_spec.key}")
        elif _assign(lesson, values):
            report.updated.append(f"lesson {module.key}/{lesson_spec.key}")
    for lesson in existing.values():
        _retire(lesson, f"lesson {module.key}/{lesson.key}", LessonCompletion.lesson_id, report)


def _lesson_values(spec: LessonSpec) -> dict[str, Any]:
    return {"position": spec.position, "title": spec.title, "body": spec.body, "translations": spec.translations,
            "minutes": spec.minutes, "required": spec.required, "kind": spec.kind, "archived": False}


def _sync_activities(module: Module, spec: ModuleSpec, types: Mapping[str, ActivityType], report: ImportReport) -> None:
    existing = {x.key: x for x in db.session.execute(db.select(Activity).filter_by(module_id=module.id)).scalars()}
    for activity_spec in spec.activities:
        activity = existing.pop(activity_spec.key, None)
        stored = {**activity_spec.definition, "_digest": activity_spec.digest}
        values = {"position": activity_spec.position, "type_key": activity_spec.type_key, "title": activity_spec.title,
                  "required": activity_spec.required, "spec": stored, "archived": False}
        label = f"activity {module.key}/{activity_spec.key}"
        if activity is None:
            activity = Activity(module_id=module.id, key=activity_spec.key, **values)
            db.session.add(activity)
            db.session.flush()
            report.created.append(label)
            _hand_to_plugin(activity, activity_spec, spec.path, types)
        else:
            definition_changed = (activity.spec or {}).get("_digest") != activity_spec.digest
            if _assign(activity, values):
                report.updated.append(label)
                db.session.flush()
            if definition_changed:
                _hand_to_plugin(activity, activity_spec, spec.path, types)
    for activity in existing.values():
        _retire(activity, f"activity {module.key}/{activity.key}", ActivityCompletion.activity_id, report)


def _hand_to_plugin(activity: Activity, spec: ActivitySpec, folder: Path, types: Mapping[str, ActivityType]) -> None:
    activity_type = types.get(spec.type_key)
    if activity_type is not None and activity_type.import_definition is not None:
        try:
            activity_type.import_definition(activity, spec.definition, folder)
        except ValueError as exc:
            raise ImportFailed([Problem(str(folder / "module.yaml"), 1, f"activity '{spec.key}': {exc}")]) from exc


def _retire(obj: Any, label: str, completion_column: Any, report: ImportReport) -> None:
    if obj.archived:
        return
    has_work = db.session.execute(db.select(completion_column).where(completion_column == obj.id).limit(1)).first()
    if has_work:
        obj.archived = True
        report.archived.append(label)
    else:
        db.session.delete(obj)
        report.deleted.append(label)
