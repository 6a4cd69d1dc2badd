"""The structure of a course as learner pages read it, cached per worker.

A lesson page needs the course's modules, lessons and activities in order (sidebar, previous
and next, progress) and the lesson's HTML. Loading and rendering them on every request was most
of the page's cost, although they change only when someone edits the course. So each worker
keeps an immutable copy, keyed by the course's ``content_version``, which the listeners in
:mod:`nttlearn.caching` bump in the same transaction as any change to the course, its modules, lessons or activities.
The course row is read on every request anyway (visibility), so a stale copy is never served,
in this process or any other: an edit shows on the very next page in every gunicorn worker.

The learner's own state (enrolment, what they have done) is never cached: :func:`learner_state`
reads it per request, in one query.

This is the one read model of a course for learner pages and for completion: the lesson page,
the course page, "done → next lesson", progress on the dashboard, deriving module and course
completion, and the trainers' progress reports all read the course from :func:`course_structure`,
and what counts towards completion is decided in one place, :meth:`CourseStructure.counted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all

from ..activities import activity_types
from ..caching import worker_cache
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

Item = tuple[str, int]  # ("l", lesson id) or ("a", activity id)


_TRANSLATED = {"title": "titles", "summary": "summaries"}  # an entry's texts by locale


class _Titled:
    __slots__ = ()

    def localized(self, field_name: str, locale: str | None) -> str:
        """As ``Lesson.localized``, for the title and a module's summary (the entries hold no
        other translated text)."""
        texts = getattr(self, _TRANSLATED[field_name], None) if field_name in _TRANSLATED else None
        if texts is not None:
            return texts.get(locale or "en") or getattr(self, field_name)
        return getattr(self, field_name)


@dataclass(frozen=True, slots=True)
class ModuleEntry(_Titled):
    id: int
    key: str
    title: str
    titles: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    summaries: dict[str, str] = field(default_factory=dict)


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
        object.__setattr__(
            self,
            "activity_ids",
            frozenset(a.id for items in self.activities.values() for a in items),
        )

    def lesson(self, lesson_id: int) -> LessonEntry | None:
        """The lesson if it is in this course and neither it nor its module is archived."""
        index = self.position.get(lesson_id)
        return None if index is None else self.ordered[index]

    def neighbours(self, lesson_id: int) -> tuple[LessonEntry | None, LessonEntry | None]:
        ordered, index = self.ordered, self.position[lesson_id]
        return (
            ordered[index - 1] if index > 0 else None,
            ordered[index + 1] if index + 1 < len(ordered) else None,
        )

    def counted(
        self, completion_rule: str, type_keys: frozenset[str] | None = None
    ) -> dict[int, frozenset[Item]]:
        """What counts towards completion, by module: the one place that decides it.

        Every lesson and activity that is not archived (nor its module) when the rule is "all",
        the required ones when it is "all_required"; an activity only when its plugin is enabled
        (``type_keys``, by default :func:`counted_type_keys`)."""
        types = counted_type_keys() if type_keys is None else type_keys
        rule_all = completion_rule == "all"
        return {
            m.id: frozenset(
                [("l", lesson.id) for lesson in self.lessons[m.id] if rule_all or lesson.required]
                + [
                    ("a", a.id)
                    for a in self.activities[m.id]
                    if (rule_all or a.required) and a.type_key in types
                ]
            )
            for m in self.modules
        }

    def outline(self, course: Course, done: frozenset[Item]) -> LearnerOutline:
        """The outline of the course with one learner's ``done`` items (see :func:`learner_state`)."""
        return LearnerOutline(course, self, done)


def counted_type_keys() -> frozenset[str]:
    """The activity types that count towards completion: those of the enabled plugins.

    A disabled (or uninstalled) plugin's activities cannot be opened, so counting them would
    make every course that holds one impossible to finish; they count again once the plugin is
    back. A completion recorded meanwhile stays, as completions always do."""
    return frozenset(activity_types())


def counted_ids(course: Course) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the lessons and of the activities that count towards completion of ``course``."""
    items = frozenset().union(*course_structure(course).counted(course.completion_rule).values())
    return (
        frozenset(i for kind, i in items if kind == "l"),
        frozenset(i for kind, i in items if kind == "a"),
    )


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    completed: bool = False

    @property
    def percent(self) -> int:
        return (
            100
            if self.total == 0 and self.completed
            else int(100 * self.done / self.total)
            if self.total
            else 0
        )


class LearnerOutline:
    """A course's structure with one learner's state: what the course page, the lesson page's
    sidebar, "continue" and the to-do list read."""

    def __init__(self, course: Course, structure: CourseStructure, done: frozenset[Item]) -> None:
        self.course, self.structure, self.done = course, structure, done
        self.modules, self.lessons, self.activities = (
            list(structure.modules),
            structure.lessons,
            structure.activities,
        )
        self._counted: dict[int, frozenset[Item]] | None = None
        self._types: frozenset[str] | None = None

    @property
    def counted_items(self) -> dict[int, frozenset[Item]]:
        if self._counted is None:
            self._counted = self.structure.counted(self.course.completion_rule, self.counted_types)
        return self._counted

    @property
    def counted_types(self) -> frozenset[str]:
        if self._types is None:
            self._types = counted_type_keys()
        return self._types

    def counts(self, activity: ActivityEntry) -> bool:
        """Whether ``activity``'s type counts towards completion now (its plugin is enabled)."""
        return activity.type_key in self.counted_types

    def not_counted(self) -> list[ActivityEntry]:
        """The activities left out of progress and completion because their plugin is off."""
        return [a for m in self.modules for a in self.activities[m.id] if not self.counts(a)]

    def module_progress(self, module: ModuleEntry) -> Progress:
        items = self.counted_items[module.id]
        return Progress(done=len(items & self.done), total=len(items))

    def course_progress(self) -> Progress:
        total = Progress()
        for module in self.modules:
            p = self.module_progress(module)
            total.done += p.done
            total.total += p.total
        return total

    def ordered_lessons(self) -> list[LessonEntry]:
        return list(self.structure.ordered)

    def next_lesson(self) -> LessonEntry | None:
        return next(
            (lesson for lesson in self.structure.ordered if ("l", lesson.id) not in self.done), None
        )

    def resume_lesson(self, last_lesson_id: int | None) -> LessonEntry | None:
        """Where to continue: the lesson last opened if it is not done yet, else the first lesson
        after it that is not done, else the first one not done anywhere; the last opened one when
        everything is done. None for a course without lessons."""
        ordered = self.structure.ordered
        start = self.structure.position.get(last_lesson_id) if last_lesson_id is not None else None
        if start is None:  # never opened, or archived since
            return self.next_lesson() or (ordered[0] if ordered else None)
        for lesson in ordered[start:]:
            if ("l", lesson.id) not in self.done:
                return lesson
        return self.next_lesson() or ordered[start]


def course_outline(course: Course, user_id: int | None) -> LearnerOutline:
    """The outline of ``course`` with what ``user_id`` has done (nothing for None): the cached
    structure and, for a learner, one query."""
    structure = course_structure(course)
    done = learner_state(user_id, structure).done if user_id is not None else frozenset()
    return structure.outline(course, done)


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
    return worker_cache("structure").get_or_make(
        key, lambda: _load_structure(course.id, course.content_version)
    )


def _titles(translations: dict[str, Any] | None, name: str = "title") -> dict[str, str]:
    return {
        locale: t[name]
        for locale, t in (translations or {}).items()
        if isinstance(t, dict) and t.get(name)
    }


def _load_structure(course_id: int, version: int) -> CourseStructure:
    modules = tuple(
        ModuleEntry(
            id=m.id,
            key=m.key,
            title=m.title,
            titles=_titles(m.translations),
            summary=m.summary or "",
            summaries=_titles(m.translations, "summary"),
        )
        for m in db.session.execute(
            select(Module.id, Module.key, Module.title, Module.translations, Module.summary)
            .where(Module.course_id == course_id, Module.archived.is_(False))
            .order_by(Module.position)
        )
    )
    ids = [m.id for m in modules]
    lessons: dict[int, list[LessonEntry]] = {i: [] for i in ids}
    activities: dict[int, list[ActivityEntry]] = {i: [] for i in ids}
    if ids:
        for row in db.session.execute(
            select(
                Lesson.id,
                Lesson.module_id,
                Lesson.key,
                Lesson.title,
                Lesson.minutes,
                Lesson.required,
                Lesson.kind,
                Lesson.translations,
            )
            .where(Lesson.module_id.in_(ids), Lesson.archived.is_(False))
            .order_by(Lesson.position)
        ):
            translations = row.translations or {}
            lessons[row.module_id].append(
                LessonEntry(
                    id=row.id,
                    module_id=row.module_id,
                    key=row.key,
                    title=row.title,
                    minutes=row.minutes,
                    required=row.required,
                    kind=row.kind,
                    titles=_titles(translations),
                    body_locales=frozenset(
                        loc
                        for loc, t in translations.items()
                        if isinstance(t, dict) and t.get("body")
                    ),
                )
            )
        for row in db.session.execute(
            select(
                Activity.id,
                Activity.module_id,
                Activity.key,
                Activity.type_key,
                Activity.title,
                Activity.required,
                Activity.translations,
            )
            .where(Activity.module_id.in_(ids), Activity.archived.is_(False))
            .order_by(Activity.position)
        ):
            activities[row.module_id].append(
                ActivityEntry(*row[:-1], titles=_titles(row.translations))
            )
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
_enrolments, _lesson_done, _activity_done = (
    Enrolment.__table__,
    LessonCompletion.__table__,
    ActivityCompletion.__table__,
)
_LEARNER_STATE = union_all(  # Core, not ORM: rows, not objects
    select(literal("e"), _enrolments.c.id, _enrolments.c.last_lesson_id).where(
        _enrolments.c.user_id == bindparam("user_id"),
        _enrolments.c.course_id == bindparam("course_id"),
    ),
    select(literal("l"), _lesson_done.c.lesson_id, literal(None)).where(
        _lesson_done.c.user_id == bindparam("user_id")
    ),
    select(literal("a"), _activity_done.c.activity_id, literal(None)).where(
        _activity_done.c.user_id == bindparam("user_id")
    ),
)


_DONE = union_all(
    select(literal("l"), _lesson_done.c.lesson_id).where(
        _lesson_done.c.user_id == bindparam("user_id")
    ),
    select(literal("a"), _activity_done.c.activity_id).where(
        _activity_done.c.user_id == bindparam("user_id")
    ),
)


def learner_done(user_id: int) -> frozenset[Item]:
    """Every lesson and activity the learner has completed, in any course, in one query."""
    return frozenset(
        (kind, item) for kind, item in db.session.connection().execute(_DONE, {"user_id": user_id})
    )


def learner_state(user_id: int, structure: CourseStructure) -> LearnerState:
    """The learner's enrolment and completions in the course, in one query."""
    enrolment_id = last_lesson_id = None
    lessons, activities = structure.position, structure.activity_ids
    done = set()
    rows = db.session.connection().execute(
        _LEARNER_STATE, {"user_id": user_id, "course_id": structure.course_id}
    )
    for kind, item, extra in rows:
        if kind == "e":
            enrolment_id, last_lesson_id = item, extra
        elif item in (lessons if kind == "l" else activities):
            done.add((kind, item))
    return LearnerState(enrolment_id, last_lesson_id, frozenset(done))
