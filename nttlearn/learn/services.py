"""Enrolment, completion and progress. Plugins mark their activities complete with
:func:`complete_activity`; the core derives module and course completion and emits the events."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from ..activities import activity_types
from ..events import emit
from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
    User,
    utcnow,
)


class EnrolmentError(ValueError):
    """The learner may not enrol (closed self-enrolment, unpublished course)."""


CARD_SUMMARY_LIMIT = 160
# The end of a sentence: ., ! or ? followed by a space (a summary is plain text, one paragraph).
SENTENCE_END = re.compile(r"[.!?](?=\s)")


def card_summary(text: str, limit: int = CARD_SUMMARY_LIMIT) -> str:
    """What a catalogue card says about a course: the summary's first sentence, or, when that is
    longer than ``limit`` characters, its first words up to ``limit`` with an ellipsis. The card is
    a teaser; the course page shows the whole summary."""
    text = " ".join((text or "").split())
    for match in SENTENCE_END.finditer(text):
        if match.end() >= 20:  # "e.g." or "St." near the start is not the end of a sentence
            if match.end() <= limit:
                return text[:match.end()]
            break
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _insert_once(row) -> bool:
    """Insert ``row`` unless its unique key exists; True when this call inserted it.

    A savepoint makes a concurrent duplicate (double click, two tabs) a no-op, not a 500.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


# Built once: every learner page asks, and building the statement cost as much as running it.
_ENROLMENT = db.select(Enrolment).where(
    Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id")
)


def get_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    """The learner's enrolment in the course, or None when they are not enrolled."""
    return db.session.execute(_ENROLMENT, {"user_id": user_id, "course_id": course_id}).scalar()


def enrol(user_id: int, course: Course, *, cohort: str = "", by_staff: bool = False) -> Enrolment:
    """Enrol a learner (idempotent). Self-enrolment needs a published course that allows it."""
    existing = get_enrolment(user_id, course.id)
    if existing is not None:
        return existing
    if not by_staff and not (course.published and course.self_enrolment and not course.archived):
        raise EnrolmentError("self-enrolment is closed for this course")
    enrolment = Enrolment(user_id=user_id, course_id=course.id, cohort=cohort)
    if _insert_once(enrolment):
        emit("course.enrolled", user_id=user_id, course_id=course.id, data={"cohort": cohort})
        from ..notifications.services import welcome_to_course

        welcome_to_course(db.session.get(User, user_id), course)
        return enrolment
    return get_enrolment(user_id, course.id)  # type: ignore[return-value]


def unenrol(user_id: int, course: Course) -> bool:
    enrolment = get_enrolment(user_id, course.id)
    if enrolment is None:
        return False
    db.session.delete(enrolment)
    emit("course.unenrolled", user_id=user_id, course_id=course.id)
    return True


def complete_lesson(user_id: int, lesson: Lesson) -> bool:
    """Mark a lesson done (idempotent); True when it was newly completed."""
    module = lesson.module
    if not _insert_once(LessonCompletion(user_id=user_id, lesson_id=lesson.id)):
        return False
    emit("lesson.completed", user_id=user_id, course_id=module.course_id,
         data={"lesson_id": lesson.id, "lesson": lesson.key, "module": module.key})
    _touch(user_id, module.course_id)
    update_completion(user_id, module.course_id)
    return True


def uncomplete_lesson(user_id: int, lesson: Lesson) -> bool:
    """Un-mark a lesson the learner marked done (idempotent); True when it was done.

    Progress is derived from the completions, so it drops at once. A module or course the
    learner has completed stays completed, as in Moodle: its date, its ``module.completed`` and
    ``course.completed`` events (announced exactly once) and any certificate issued for it are a
    record of what was achieved, not a live view; marking the lesson done again changes nothing
    there. Runs in the caller's transaction.
    """
    module = lesson.module
    deleted = db.session.execute(
        db.delete(LessonCompletion).where(
            LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
        )
    ).rowcount
    if not deleted:
        return False
    emit("lesson.uncompleted", user_id=user_id, course_id=module.course_id,
         data={"lesson_id": lesson.id, "lesson": lesson.key, "module": module.key})
    _touch(user_id, module.course_id)
    return True


def complete_activity(user_id: int, activity: Activity, *, score: float | None = None) -> bool:
    """Called by plugins when a learner completes an activity (idempotent).

    ``score`` is 0..100 where the activity grades. A later call with a better score updates it
    but does not emit a second ``activity.completed``. Runs in the caller's transaction.
    """
    module = db.session.get(Module, activity.module_id)
    inserted = _insert_once(ActivityCompletion(user_id=user_id, activity_id=activity.id, score=score))
    if not inserted:
        if score is not None:
            db.session.execute(
                db.update(ActivityCompletion)
                .where(ActivityCompletion.user_id == user_id, ActivityCompletion.activity_id == activity.id)
                .where((ActivityCompletion.score.is_(None)) | (ActivityCompletion.score < score))
                .values(score=score)
            )
        return False
    emit("activity.completed", user_id=user_id, course_id=module.course_id,
         data={"activity_id": activity.id, "activity": activity.key, "type": activity.type_key,
               "module": module.key, "score": score})
    _touch(user_id, module.course_id)
    update_completion(user_id, module.course_id)
    return True


def revoke_activity_completion(user_id: int, activity: Activity) -> None:
    """Undo an activity's completion (a trainer reopened the work); course completion stays."""
    db.session.execute(
        db.delete(ActivityCompletion).where(
            ActivityCompletion.user_id == user_id, ActivityCompletion.activity_id == activity.id
        )
    )


def _touch(user_id: int, course_id: int) -> None:
    """Note the learner's activity, before their completion is derived: the UPDATE locks the
    enrolment row, so two completions by one learner in one course (two tabs) take turns, and the
    second one sees the first one's rows when it derives module and course completion. Without it,
    each would see only its own lesson and neither would complete the course."""
    db.session.execute(
        db.update(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
        .values(last_activity_at=utcnow())
    )


def counted_type_keys() -> frozenset[str]:
    """The activity types that count towards completion: those of the enabled plugins.

    A disabled (or uninstalled) plugin's activities cannot be opened, so counting them would
    make every course that holds one impossible to finish; they count again once the plugin is
    back. A completion recorded meanwhile stays, as completions always do."""
    return frozenset(activity_types())


def counted_items(course: Course):
    """Statements for the lessons and activities that count towards completion of ``course``."""
    lessons = db.select(Lesson.id, Lesson.module_id).join(Module).where(
        Module.course_id == course.id, Module.archived.is_(False), Lesson.archived.is_(False)
    )
    activities = db.select(Activity.id, Activity.module_id).join(Module).where(
        Module.course_id == course.id, Module.archived.is_(False), Activity.archived.is_(False),
        Activity.type_key.in_(sorted(counted_type_keys())),
    )
    if course.completion_rule == "all_required":
        lessons = lessons.where(Lesson.required.is_(True))
        activities = activities.where(Activity.required.is_(True))
    return lessons, activities


def update_completion(user_id: int, course_id: int) -> None:
    """Record (and announce) every module and the course the learner has now completed."""
    course = db.session.get(Course, course_id)
    lessons_q, activities_q = counted_items(course)
    needed: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for lesson_id, module_id in db.session.execute(lessons_q):
        needed[module_id].add(("l", lesson_id))
    for activity_id, module_id in db.session.execute(activities_q):
        needed[module_id].add(("a", activity_id))
    done = {("l", i) for i in db.session.execute(
        db.select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == user_id)
        .where(LessonCompletion.lesson_id.in_(db.select(lessons_q.subquery().c.id)))
    ).scalars()}
    done |= {("a", i) for i in db.session.execute(
        db.select(ActivityCompletion.activity_id).where(ActivityCompletion.user_id == user_id)
        .where(ActivityCompletion.activity_id.in_(db.select(activities_q.subquery().c.id)))
    ).scalars()}
    modules = db.session.execute(
        db.select(Module).where(Module.course_id == course_id, Module.archived.is_(False))
    ).scalars().all()
    completed_modules = set(db.session.execute(
        db.select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user_id)
    ).scalars())
    all_done = True
    for module in modules:
        if not needed[module.id] <= done:
            all_done = False
            continue
        if module.id not in completed_modules and needed[module.id] and _insert_once(
            ModuleCompletion(user_id=user_id, module_id=module.id)
        ):
            emit("module.completed", user_id=user_id, course_id=course_id, data={"module_id": module.id, "module": module.key})
    if all_done and modules:
        result = db.session.execute(
            db.update(Enrolment)
            .where(Enrolment.user_id == user_id, Enrolment.course_id == course_id, Enrolment.completed_at.is_(None))
            .values(completed_at=utcnow())
        )
        if result.rowcount == 1:  # only the request that completed it announces it
            emit("course.completed", user_id=user_id, course_id=course_id, data={"course": course.slug})


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    completed: bool = False
    done_ids: set[tuple[str, int]] = field(default_factory=set)

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 and self.completed else int(100 * self.done / self.total) if self.total else 0


def progress_by_course(user_id: int, courses: list[Course]) -> dict[int, Progress]:
    """Progress of one learner in many courses, in a fixed number of queries (no N+1)."""
    if not courses:
        return {}
    ids = [c.id for c in courses]
    all_ids = [c.id for c in courses if c.completion_rule == "all"]
    result = {c.id: Progress() for c in courses}
    type_keys = sorted(counted_type_keys())

    def counts(model, completion, fk):
        counted = (model.required.is_(True)) | (Module.course_id.in_(all_ids))
        if model is Activity:
            counted = counted & Activity.type_key.in_(type_keys)
        total = db.session.execute(
            db.select(Module.course_id, func.count(model.id)).join(Module)
            .where(Module.course_id.in_(ids), Module.archived.is_(False), model.archived.is_(False), counted)
            .group_by(Module.course_id)
        ).all()
        done = db.session.execute(
            db.select(Module.course_id, func.count(completion.id))
            .select_from(completion).join(model, fk == model.id).join(Module)
            .where(completion.user_id == user_id, Module.course_id.in_(ids), Module.archived.is_(False),
                   model.archived.is_(False), counted)
            .group_by(Module.course_id)
        ).all()
        for course_id, n in total:
            result[course_id].total += n
        for course_id, n in done:
            result[course_id].done += n

    counts(Lesson, LessonCompletion, LessonCompletion.lesson_id)
    counts(Activity, ActivityCompletion, ActivityCompletion.activity_id)
    for course_id, completed_at in db.session.execute(
        db.select(Enrolment.course_id, Enrolment.completed_at).where(
            Enrolment.user_id == user_id, Enrolment.course_id.in_(ids)
        )
    ):
        result[course_id].completed = completed_at is not None
    return result


@dataclass
class CourseOutline:
    """A course with its modules, lessons and activities loaded, and one learner's state."""

    course: Course
    modules: list[Module]
    lessons: dict[int, list[Lesson]]
    activities: dict[int, list[Activity]]
    done: set[tuple[str, int]]
    counted_types: frozenset[str] | None = None  # None: the enabled plugins' (counted_type_keys)

    def counts(self, activity: Activity) -> bool:
        """Whether ``activity`` counts towards completion now (its plugin is enabled)."""
        if self.counted_types is None:
            self.counted_types = counted_type_keys()
        return activity.type_key in self.counted_types

    def not_counted(self) -> list[Activity]:
        """The activities left out of progress and completion because their plugin is off."""
        return [a for m in self.modules for a in self.activities[m.id] if not self.counts(a)]

    def module_progress(self, module: Module) -> Progress:
        rule_all = self.course.completion_rule == "all"
        items = [("l", lesson.id) for lesson in self.lessons[module.id] if rule_all or lesson.required]
        items += [("a", a.id) for a in self.activities[module.id] if (rule_all or a.required) and self.counts(a)]
        return Progress(done=sum(1 for i in items if i in self.done), total=len(items))

    def course_progress(self) -> Progress:
        total = Progress()
        for module in self.modules:
            p = self.module_progress(module)
            total.done += p.done
            total.total += p.total
        return total

    def ordered_lessons(self) -> list[Lesson]:
        return [lesson for m in self.modules for lesson in self.lessons[m.id]]

    def next_lesson(self) -> Lesson | None:
        for lesson in self.ordered_lessons():
            if ("l", lesson.id) not in self.done:
                return lesson
        return None

    def resume_lesson(self, last_lesson_id: int | None) -> Lesson | None:
        """Where to continue: the lesson last opened if it is not done yet, else the first lesson
        after it that is not done, else the first one not done anywhere; the last opened one when
        everything is done. None for a course without lessons."""
        ordered = self.ordered_lessons()
        ids = [lesson.id for lesson in ordered]
        if last_lesson_id not in ids:  # never opened, or archived since
            return self.next_lesson() or (ordered[0] if ordered else None)
        start = ids.index(last_lesson_id)
        for lesson in ordered[start:]:
            if ("l", lesson.id) not in self.done:
                return lesson
        return self.next_lesson() or ordered[start]


def course_outline(course: Course, user_id: int | None) -> CourseOutline:
    """Load the outline in four queries, whatever the size of the course."""
    modules = db.session.execute(
        db.select(Module).where(Module.course_id == course.id, Module.archived.is_(False)).order_by(Module.position)
    ).scalars().all()
    module_ids = [m.id for m in modules]
    lessons: dict[int, list[Lesson]] = {m.id: [] for m in modules}
    activities: dict[int, list[Activity]] = {m.id: [] for m in modules}
    for lesson in db.session.execute(
        # The outline lists lessons; their bodies (the bulk of a course) are loaded only where shown.
        db.select(Lesson).options(defer(Lesson.body)).where(Lesson.module_id.in_(module_ids), Lesson.archived.is_(False)).order_by(Lesson.position)
    ).scalars():
        lessons[lesson.module_id].append(lesson)
    for activity in db.session.execute(
        db.select(Activity).where(Activity.module_id.in_(module_ids), Activity.archived.is_(False)).order_by(Activity.position)
    ).scalars():
        activities[activity.module_id].append(activity)
    done: set[tuple[str, int]] = set()
    if user_id is not None and module_ids:
        done |= {("l", i) for i in db.session.execute(
            db.select(LessonCompletion.lesson_id).join(Lesson)
            .where(LessonCompletion.user_id == user_id, Lesson.module_id.in_(module_ids))
        ).scalars()}
        done |= {("a", i) for i in db.session.execute(
            db.select(ActivityCompletion.activity_id).join(Activity)
            .where(ActivityCompletion.user_id == user_id, Activity.module_id.in_(module_ids))
        ).scalars()}
    return CourseOutline(course, list(modules), lessons, activities, done)


def recheck_completions(course_ids: list[int]) -> None:
    """Derive again the completion of every learner of ``course_ids`` who has not finished.

    Queued when an admin disables a plugin (see ``admin/services.py``): a learner who had done
    everything but a quiz finishes the course as soon as the quiz stops counting, without having
    to open another page. A background job, as a course may have thousands of learners.
    """
    from ..plugins import host

    host().forget_state()  # this worker's copy of the switches may predate the one just made
    for user_id, course_id in db.session.execute(
        db.select(Enrolment.user_id, Enrolment.course_id)
        .where(Enrolment.course_id.in_(course_ids), Enrolment.completed_at.is_(None))
        .order_by(Enrolment.course_id, Enrolment.user_id)
    ).all():
        update_completion(user_id, course_id)


def first_lessons(courses: list[Course]) -> dict[int, tuple[int, int]]:
    """The first lesson (by module and lesson position, archived ones left out) of each course,
    as ``{course id: (lesson id, module id)}``, in one query: the lessons a visitor may preview."""
    if not courses:
        return {}
    rank = func.row_number().over(partition_by=Module.course_id, order_by=(Module.position, Lesson.position))
    ranked = (
        db.select(Module.course_id.label("course_id"), Lesson.id.label("lesson_id"), Module.id.label("module_id"),
                  rank.label("rank"))
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id.in_([c.id for c in courses]), Module.archived.is_(False), Lesson.archived.is_(False))
        .subquery()
    )
    rows = db.session.execute(
        db.select(ranked.c.course_id, ranked.c.lesson_id, ranked.c.module_id).where(ranked.c.rank == 1)
    ).all()
    return {course_id: (lesson_id, module_id) for course_id, lesson_id, module_id in rows}
