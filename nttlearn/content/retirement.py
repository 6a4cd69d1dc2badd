"""Removing course elements without losing learners' work.

A module, lesson or activity that leaves a course (removed from a re-imported package, or deleted
in the editor) is archived when learners have work in it and deleted otherwise. Work means a
completion in the core tables, and for activities also whatever the plugin that owns the type says
through :attr:`ActivityType.has_learner_work` (a quiz attempt, a proposal, a hand-in): the core asks
each plugin about its own activities and never reads a plugin's tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import inspect

from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
)


def _plugin_work(activities: Iterable[tuple[int, str]]) -> set[int]:
    """The ids among ``(activity id, type key)`` whose plugin says they hold learners' work.

    Every installed plugin is asked, a disabled one too: its learners' work stays and must not be
    deleted with the activity. A type no installed plugin provides has no plugin work to keep.
    """
    by_type: dict[str, list[int]] = defaultdict(list)
    for activity_id, type_key in activities:
        by_type[type_key].append(activity_id)
    types = current_app.extensions["nttlearn"].all_activity_types()
    found: set[int] = set()
    for type_key, ids in by_type.items():
        activity_type = types.get(type_key)
        if activity_type is not None and activity_type.has_learner_work is not None:
            found |= set(activity_type.has_learner_work(ids)) & set(ids)
    return found


def lessons_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    return set(
        db.session.execute(
            db.select(LessonCompletion.lesson_id)
            .where(LessonCompletion.lesson_id.in_(ids))
            .distinct()
        ).scalars()
    )


def activities_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    found = set(
        db.session.execute(
            db.select(ActivityCompletion.activity_id)
            .where(ActivityCompletion.activity_id.in_(ids))
            .distinct()
        ).scalars()
    )
    found |= _plugin_work(
        db.session.execute(
            db.select(Activity.id, Activity.type_key).where(Activity.id.in_(ids))
        ).all()
    )
    return found


def modules_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    found = set(
        db.session.execute(
            db.select(ModuleCompletion.module_id)
            .where(ModuleCompletion.module_id.in_(ids))
            .distinct()
        ).scalars()
    )
    found |= set(
        db.session.execute(
            db.select(Lesson.module_id)
            .join(LessonCompletion, LessonCompletion.lesson_id == Lesson.id)
            .where(Lesson.module_id.in_(ids))
            .distinct()
        ).scalars()
    )
    found |= set(
        db.session.execute(
            db.select(Activity.module_id)
            .join(ActivityCompletion, ActivityCompletion.activity_id == Activity.id)
            .where(Activity.module_id.in_(ids))
            .distinct()
        ).scalars()
    )
    placed = db.session.execute(
        db.select(Activity.id, Activity.type_key, Activity.module_id).where(
            Activity.module_id.in_(ids)
        )
    ).all()
    work = _plugin_work((row.id, row.type_key) for row in placed)
    found |= {row.module_id for row in placed if row.id in work}
    return found


def retire_lessons(lessons: list[Lesson]) -> tuple[list[Lesson], list[Lesson]]:
    """Archive the lessons with work, delete the others; returns (archived, deleted)."""
    work = lessons_with_work(x.id for x in lessons)
    return _retire(lessons, work)


def retire_activities(activities: list[Activity]) -> tuple[list[Activity], list[Activity]]:
    work = activities_with_work(x.id for x in activities)
    return _retire(activities, work)


def retire_modules(modules: list[Module]) -> tuple[list[Module], list[Module]]:
    """Archive modules with work; delete the others with their lessons and activities."""
    work = modules_with_work(x.id for x in modules)
    archived = [m for m in modules if m.id in work]
    deleted = [m for m in modules if m.id not in work]
    for module in archived:
        module.archived = True
    if deleted:
        ids = [m.id for m in deleted]
        # Bulk deletes: the collections are lazy="raise", and the database cascades anyway.
        db.session.execute(
            db.delete(Lesson)
            .where(Lesson.module_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            db.delete(Activity)
            .where(Activity.module_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        for obj in list(db.session):
            loaded = inspect(obj).dict  # no refresh: expired rows may already be gone
            if (isinstance(obj, Lesson | Activity) and loaded.get("module_id") in ids) or (
                isinstance(obj, Module) and loaded.get("id") in ids
            ):
                db.session.expunge(obj)
        db.session.execute(
            db.delete(Module).where(Module.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return archived, deleted


def _retire(items: list, work: set[int]) -> tuple[list, list]:
    archived, deleted = [], []
    for item in items:
        if item.id in work:
            item.archived = True
            archived.append(item)
        else:
            db.session.delete(item)
            deleted.append(item)
    return archived, deleted
