"""Removing course elements without losing learners' work.

A module, lesson or activity that leaves a course (removed from a re-imported package, or deleted
in the editor) is archived when learners have work in it and deleted otherwise. Work means a
completion in the core tables, and for activities also any row of a plugin table that points to
both the activity and a user (a quiz attempt, a proposal): the core cannot read a plugin's
tables, but it can see which ones hold people's work.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import Table, inspect

from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
)


def _learner_tables() -> list[tuple[Table, object]]:
    """Tables of this app's plugins with a foreign key to ``activities.id`` and one to ``users.id``.

    The metadata holds the models of every plugin imported in this process; only those of the
    plugins loaded by this app (tables prefixed with the plugin's name) whose tables exist count.
    """
    prefixes = tuple(f"{name}_" for name in current_app.extensions["nttlearn"].plugins)
    candidates = [t for t in db.metadata.tables.values() if prefixes and t.name.startswith(prefixes)]
    if not candidates:
        return []
    existing = set(inspect(db.session.connection()).get_table_names())
    found = []
    for table in candidates:
        if table.name not in existing:
            continue
        activity_column = user_column = None
        for fk in table.foreign_keys:
            if fk.column.table.name == "activities" and fk.column.name == "id":
                activity_column = fk.parent
            elif fk.column.table.name == "users" and fk.column.name == "id":
                user_column = fk.parent
        if activity_column is not None and user_column is not None:
            found.append((table, activity_column))
    return found


def lessons_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.execute(
        db.select(LessonCompletion.lesson_id).where(LessonCompletion.lesson_id.in_(ids)).distinct()
    ).scalars())


def activities_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    found = set(db.session.execute(
        db.select(ActivityCompletion.activity_id).where(ActivityCompletion.activity_id.in_(ids)).distinct()
    ).scalars())
    for _table, column in _learner_tables():
        found |= set(db.session.execute(db.select(column).where(column.in_(ids)).distinct()).scalars())
    return found


def modules_with_work(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    found = set(db.session.execute(
        db.select(ModuleCompletion.module_id).where(ModuleCompletion.module_id.in_(ids)).distinct()
    ).scalars())
    found |= set(db.session.execute(
        db.select(Lesson.module_id).join(LessonCompletion, LessonCompletion.lesson_id == Lesson.id)
        .where(Lesson.module_id.in_(ids)).distinct()
    ).scalars())
    found |= set(db.session.execute(
        db.select(Activity.module_id).join(ActivityCompletion, ActivityCompletion.activity_id == Activity.id)
        .where(Activity.module_id.in_(ids)).distinct()
    ).scalars())
    for _table, column in _learner_tables():
        found |= set(db.session.execute(
            db.select(Activity.module_id).join(_table, column == Activity.id)
            .where(Activity.module_id.in_(ids)).distinct()
        ).scalars())
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
        db.session.execute(db.delete(Lesson).where(Lesson.module_id.in_(ids)).execution_options(synchronize_session=False))
        db.session.execute(db.delete(Activity).where(Activity.module_id.in_(ids)).execution_options(synchronize_session=False))
        for obj in list(db.session):
            loaded = inspect(obj).dict  # no refresh: expired rows may already be gone
            if (isinstance(obj, Lesson | Activity) and loaded.get("module_id") in ids) or (
                    isinstance(obj, Module) and loaded.get("id") in ids):
                db.session.expunge(obj)
        db.session.execute(db.delete(Module).where(Module.id.in_(ids)).execution_options(synchronize_session=False))
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
