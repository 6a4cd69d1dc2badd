"""The structure of a course as learner pages read it, cached per worker.

A lesson page needs the course's modules, lessons and activities in order (sidebar, previous
and next, progress) and the lesson's HTML. Loading and rendering them on every request was most
of the page's cost, although they change only when someone edits the course. So each worker
keeps an immutable copy, keyed by the course's ``content_version``, which the listeners below
bump in the same transaction as any change to the course, its modules, lessons or activities.
The course row is read on every request anyway (visibility), so a stale copy is never served,
in this process or any other: an edit shows on the very next page in every gunicorn worker.

The learner's own state (enrolment, what they have done) is never cached: :func:`learner_state`
reads it per request, in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, event, inspect, literal, select, union_all, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..caching import app_cache
from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
)
from .services import CourseOutline

CONTENT_MODELS = (Course, Module, Lesson, Activity)


class _Titled:
    __slots__ = ()

    def localized(self, field_name: str, locale: str | None) -> str:
        """As ``Lesson.localized``, for the title (the entries hold no other translated text)."""
        if field_name == "title":
            return self.titles.get(locale or "en") or self.title  # type: ignore[attr-defined]
        return getattr(self, field_name)


@dataclass(frozen=True, slots=True)
class ModuleEntry(_Titled):
    id: int
    key: str
    title: str
    titles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LessonEntry(_Titled):
    """A lesson without its text (``body_locales``: the languages it has a translated text in)."""

    id: int
    module_id: int
    key: str
    title: str
    minutes: int
    required: bool
    kind: str
    titles: dict[str, str] = field(default_factory=dict)
    body_locales: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ActivityEntry(_Titled):
    id: int
    module_id: int
    key: str
    type_key: str
    title: str
    required: bool
    titles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseStructure:
    """Modules, lessons and activities of one course at one ``content_version``."""

    course_id: int
    version: int
    modules: tuple[ModuleEntry, ...]
    lessons: dict[int, list[LessonEntry]]
    activities: dict[int, list[ActivityEntry]]
    # Derived once from the fields above.
    ordered: tuple[LessonEntry, ...] = field(init=False, repr=False)
    position: dict[int, int] = field(init=False, repr=False)
    module_by_id: dict[int, ModuleEntry] = field(init=False, repr=False)
    activity_ids: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ordered = tuple(lesson for m in self.modules for lesson in self.lessons[m.id])
        object.__setattr__(self, "ordered", ordered)
        object.__setattr__(self, "position", {lesson.id: i for i, lesson in enumerate(ordered)})
        object.__setattr__(self, "module_by_id", {m.id: m for m in self.modules})
        object.__setattr__(self, "activity_ids", frozenset(a.id for items in self.activities.values() for a in items))

    def lesson(self, lesson_id: int) -> LessonEntry | None:
        """The lesson if it is in this course and neither it nor its module is archived."""
        index = self.position.get(lesson_id)
        return None if index is None else self.ordered[index]

    def neighbours(self, lesson_id: int) -> tuple[LessonEntry | None, LessonEntry | None]:
        ordered, index = self.ordered, self.position[lesson_id]
        return (ordered[index - 1] if index > 0 else None,
                ordered[index + 1] if index + 1 < len(ordered) else None)

    def outline(self, course: Course, done: frozenset[tuple[str, int]]) -> CourseOutline:
        """The outline of the course with one learner's ``done`` items (see :func:`learner_state`)."""
        return CourseOutline(course, list(self.modules), self.lessons, self.activities, set(done))  # type: ignore[arg-type]


def lesson_after_activity(course: Course, activity_id: int) -> LessonEntry | None:
    """The lesson a learner reads next after finishing an activity, in the order of the course
    outline (a module's lessons, then its activities): the first lesson of a later module, or
    None when the activity is the end of the course (or not in it)."""
    structure = course_structure(course)
    later = False
    for module in structure.modules:
        if later and structure.lessons[module.id]:
            return structure.lessons[module.id][0]
        later = later or any(a.id == activity_id for a in structure.activities[module.id])
    return None


# -- the per-worker cache ----------------------------------------------------------------------------
def course_structure(course: Course) -> CourseStructure:
    """The course's structure at its current ``content_version``, built once per worker."""
    key = (course.id, course.content_version)
    return app_cache("structure", 512).get_or_make(key, lambda: _load_structure(course.id, course.content_version))


def _titles(translations: dict[str, Any] | None) -> dict[str, str]:
    return {locale: t["title"] for locale, t in (translations or {}).items() if isinstance(t, dict) and t.get("title")}


def _load_structure(course_id: int, version: int) -> CourseStructure:
    modules = tuple(
        ModuleEntry(id=m.id, key=m.key, title=m.title, titles=_titles(m.translations))
        for m in db.session.execute(
            select(Module.id, Module.key, Module.title, Module.translations)
            .where(Module.course_id == course_id, Module.archived.is_(False)).order_by(Module.position)
        )
    )
    ids = [m.id for m in modules]
    lessons: dict[int, list[LessonEntry]] = {i: [] for i in ids}
    activities: dict[int, list[ActivityEntry]] = {i: [] for i in ids}
    if ids:
        for row in db.session.execute(
            select(Lesson.id, Lesson.module_id, Lesson.key, Lesson.title, Lesson.minutes, Lesson.required,
                   Lesson.kind, Lesson.translations)
            .where(Lesson.module_id.in_(ids), Lesson.archived.is_(False)).order_by(Lesson.position)
        ):
            translations = row.translations or {}
            lessons[row.module_id].append(LessonEntry(
                id=row.id, module_id=row.module_id, key=row.key, title=row.title, minutes=row.minutes,
                required=row.required, kind=row.kind, titles=_titles(translations),
                body_locales=frozenset(loc for loc, t in translations.items() if isinstance(t, dict) and t.get("body")),
            ))
        for row in db.session.execute(
            select(Activity.id, Activity.module_id, Activity.key, Activity.type_key, Activity.title, Activity.required,
                   Activity.translations)
            .where(Activity.module_id.in_(ids), Activity.archived.is_(False)).order_by(Activity.position)
        ):
            activities[row.module_id].append(ActivityEntry(*row[:-1], titles=_titles(row.translations)))
    return CourseStructure(course_id, version, modules, lessons, activities)


@dataclass(frozen=True)
class LearnerState:
    """One learner in one course: the enrolment (None when not enrolled) and what they have done,
    ``("l", lesson_id)`` and ``("a", activity_id)``."""

    enrolment_id: int | None
    last_lesson_id: int | None
    done: frozenset[tuple[str, int]]


# All of the learner's completions, not only this course's: a learner has at most a few hundred,
# and an IN list of the course's lessons made the statement more costly than the rows.
_enrolments, _lesson_done, _activity_done = Enrolment.__table__, LessonCompletion.__table__, ActivityCompletion.__table__
_LEARNER_STATE = union_all(  # Core, not ORM: rows, not objects
    select(literal("e"), _enrolments.c.id, _enrolments.c.last_lesson_id).where(
        _enrolments.c.user_id == bindparam("user_id"), _enrolments.c.course_id == bindparam("course_id"),
    ),
    select(literal("l"), _lesson_done.c.lesson_id, literal(None)).where(_lesson_done.c.user_id == bindparam("user_id")),
    select(literal("a"), _activity_done.c.activity_id, literal(None)).where(_activity_done.c.user_id == bindparam("user_id")),
)


def learner_state(user_id: int, structure: CourseStructure) -> LearnerState:
    """The learner's enrolment and completions in the course, in one query."""
    enrolment_id = last_lesson_id = None
    lessons, activities = structure.position, structure.activity_ids
    done = set()
    rows = db.session.connection().execute(_LEARNER_STATE, {"user_id": user_id, "course_id": structure.course_id})
    for kind, item, extra in rows:
        if kind == "e":
            enrolment_id, last_lesson_id = item, extra
        elif item in (lessons if kind == "l" else activities):
            done.add((kind, item))
    return LearnerState(enrolment_id, last_lesson_id, frozenset(done))


# -- keeping content_version true ---------------------------------------------------------------------
_courses = Course.__table__


def _course_ids_changed(objects: Iterable[Any]) -> tuple[set[int], set[int], bool]:
    """(course ids, module ids, unknown) for the content objects among ``objects``; ``unknown``
    when a changed object no longer knows its parent (then every course is bumped)."""
    courses: set[int] = set()
    modules: set[int] = set()
    unknown = False
    for obj in objects:
        if not isinstance(obj, CONTENT_MODELS):
            continue
        loaded = inspect(obj).dict  # never load an attribute here: the row may be gone
        if isinstance(obj, Course):
            target, key = courses, loaded.get("id")
        elif isinstance(obj, Module):
            target, key = courses, loaded.get("course_id")
        else:
            target, key = modules, loaded.get("module_id")
        if key is None:
            unknown = True
        else:
            target.add(key)
    return courses, modules, unknown


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, flush_context: Any) -> None:
    courses, modules, unknown = _course_ids_changed(chain(session.new, session.dirty, session.deleted))
    if not (courses or modules or unknown):
        return
    statement = update(_courses).values(content_version=_courses.c.content_version + 1)
    if not unknown:
        condition = _courses.c.id.in_(courses) if courses else None
        if modules:
            of_modules = _courses.c.id.in_(select(Module.course_id).where(Module.id.in_(modules)))
            condition = of_modules if condition is None else condition | of_modules
        statement = statement.where(condition)
    session.connection().execute(statement)
    session.info["nttlearn_bumped"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_bumped(session: Session, flush_context: Any) -> None:
    """The content_version of Course objects in this session is now stale: reload it when read."""
    if not session.info.pop("nttlearn_bumped", False):
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Course) and obj not in session.deleted:
            session.expire(obj, ["content_version"])


@event.listens_for(Session, "do_orm_execute")
def _bump_after_bulk_statement(state: ORMExecuteState) -> Any:
    """``session.execute(insert(Lesson), rows)`` and other bulk statements bypass the flush:
    after one on a content table, every course's version is bumped (imports and retirements are
    rare; the next page of each course rebuilds its structure)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, CONTENT_MODELS):
        return None
    result = state.invoke_statement()
    state.session.connection().execute(update(_courses).values(content_version=_courses.c.content_version + 1))
    for obj in list(state.session.identity_map.values()):
        if isinstance(obj, Course):
            state.session.expire(obj, ["content_version"])
    return result
