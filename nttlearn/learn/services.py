"""Enrolment, completion and progress. Plugins mark their activities complete with
:func:`complete_activity`; the core derives module and course completion and emits the events."""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError

from ..events import emit
from ..extensions import db
from ..models import (
    POLICY_AREAS,
    Activity,
    ActivityCompletion,
    Course,
    CourseStaff,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
    User,
    utcnow,
)
from .structure import Progress, counted_type_keys, course_structure, learner_done


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
                return text[: match.end()]
            break
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
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


# Built once: every learner page asks.
_COURSE_BY_SLUG = db.select(Course).where(Course.slug == bindparam("slug"))


def course_by_slug(slug: str) -> Course | None:
    return db.session.execute(_COURSE_BY_SLUG, {"slug": slug}).scalar()


def remember_lesson(enrolment_id: int, lesson_id: int) -> None:
    """Note the lesson the learner opened last, where "continue" takes them."""
    db.session.execute(
        db.update(Enrolment).where(Enrolment.id == enrolment_id).values(last_lesson_id=lesson_id)
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
    emit(
        "lesson.completed",
        user_id=user_id,
        course_id=module.course_id,
        data={"lesson_id": lesson.id, "lesson": lesson.key, "module": module.key},
    )
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
    emit(
        "lesson.uncompleted",
        user_id=user_id,
        course_id=module.course_id,
        data={"lesson_id": lesson.id, "lesson": lesson.key, "module": module.key},
    )
    _touch(user_id, module.course_id)
    return True


def complete_activity(user_id: int, activity: Activity, *, score: float | None = None) -> bool:
    """Called by plugins when a learner completes an activity (idempotent).

    ``score`` is 0..100 where the activity grades. A later call with a better score updates it
    but does not emit a second ``activity.completed``. Runs in the caller's transaction.
    """
    module = db.session.get(Module, activity.module_id)
    inserted = _insert_once(
        ActivityCompletion(user_id=user_id, activity_id=activity.id, score=score)
    )
    if not inserted:
        if score is not None:
            db.session.execute(
                db.update(ActivityCompletion)
                .where(
                    ActivityCompletion.user_id == user_id,
                    ActivityCompletion.activity_id == activity.id,
                )
                .where((ActivityCompletion.score.is_(None)) | (ActivityCompletion.score < score))
                .values(score=score)
            )
        return False
    emit(
        "activity.completed",
        user_id=user_id,
        course_id=module.course_id,
        data={
            "activity_id": activity.id,
            "activity": activity.key,
            "type": activity.type_key,
            "module": module.key,
            "score": score,
        },
    )
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
        db.update(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
        .values(last_activity_at=utcnow())
    )


def update_completion(user_id: int, course_id: int) -> None:
    """Record (and announce) every module and the course the learner has now completed.

    Reads the course from its cached structure (what counts: :meth:`CourseStructure.counted`)
    and the learner's completions (lessons, activities and modules) in one query."""
    course = db.session.get(Course, course_id)
    structure = course_structure(course)
    counted = structure.counted(course.completion_rule)
    done: set[tuple[str, int]] = set()
    completed_modules: set[int] = set()
    for kind, item in db.session.connection().execute(_COMPLETIONS, {"user_id": user_id}):
        if kind == "m":
            completed_modules.add(item)
        else:
            done.add((kind, item))
    all_done = True
    for module in structure.modules:
        needed = counted[module.id]
        if not needed <= done:
            all_done = False
            continue
        if (
            module.id not in completed_modules
            and needed
            and _insert_once(ModuleCompletion(user_id=user_id, module_id=module.id))
        ):
            emit(
                "module.completed",
                user_id=user_id,
                course_id=course_id,
                data={"module_id": module.id, "module": module.key},
            )
    if all_done and structure.modules:
        result = db.session.execute(
            db.update(Enrolment)
            .where(
                Enrolment.user_id == user_id,
                Enrolment.course_id == course_id,
                Enrolment.completed_at.is_(None),
            )
            .values(completed_at=utcnow())
        )
        if result.rowcount == 1:  # only the request that completed it announces it
            emit(
                "course.completed",
                user_id=user_id,
                course_id=course_id,
                data={"course": course.slug},
            )


# The learner's completed lessons ("l"), activities ("a") and modules ("m"), in every course:
# rows, not objects.
_COMPLETIONS = union_all(
    *(
        select(literal(kind), column).where(column.table.c.user_id == bindparam("user_id"))
        for kind, column in (
            ("l", LessonCompletion.__table__.c.lesson_id),
            ("a", ActivityCompletion.__table__.c.activity_id),
            ("m", ModuleCompletion.__table__.c.module_id),
        )
    )
)
_COMPLETED_AT = db.select(Enrolment.course_id, Enrolment.completed_at).where(
    Enrolment.user_id == bindparam("user_id")
)


def progress_by_course(
    user_id: int, courses: list[Course], enrolments: list[Enrolment] | None = None
) -> dict[int, Progress]:
    """Progress of one learner in many courses, from the courses' cached structures and the
    learner's completions: two queries, whatever the number of courses (no N+1); one when the
    caller has the learner's ``enrolments`` loaded already."""
    if not courses:
        return {}
    types = counted_type_keys()
    done = learner_done(user_id)
    if enrolments is None:
        completed = dict(db.session.execute(_COMPLETED_AT, {"user_id": user_id}).all())
    else:
        completed = {e.course_id: e.completed_at for e in enrolments}
    result = {}
    for course in courses:
        items = frozenset().union(
            *course_structure(course).counted(course.completion_rule, types).values()
        )
        result[course.id] = Progress(
            done=len(items & done), total=len(items), completed=completed.get(course.id) is not None
        )
    return result


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
    rank = func.row_number().over(
        partition_by=Module.course_id, order_by=(Module.position, Lesson.position)
    )
    ranked = (
        db.select(
            Module.course_id.label("course_id"),
            Lesson.id.label("lesson_id"),
            Module.id.label("module_id"),
            rank.label("rank"),
        )
        .join(Lesson, Lesson.module_id == Module.id)
        .where(
            Module.course_id.in_([c.id for c in courses]),
            Module.archived.is_(False),
            Lesson.archived.is_(False),
        )
        .subquery()
    )
    rows = db.session.execute(
        db.select(ranked.c.course_id, ranked.c.lesson_id, ranked.c.module_id).where(
            ranked.c.rank == 1
        )
    ).all()
    return {course_id: (lesson_id, module_id) for course_id, lesson_id, module_id in rows}


# -- what the learner pages list ----------------------------------------------------------------------
def activities_by_id(ids) -> dict[int, Activity]:
    """The activities with these ids, in one query."""
    if not ids:
        return {}
    return {
        a.id: a
        for a in db.session.execute(
            db.select(Activity).where(Activity.id.in_(sorted(ids)))
        ).scalars()
    }


def catalogue_courses(query: str = "", area: str = "") -> list[Course]:
    """The published courses matching the search box's ``query`` (title or summary) and the
    policy ``area`` (ignored when not one of ``POLICY_AREAS``), methodology first, then by title."""
    stmt = db.select(Course).where(Course.published.is_(True), Course.archived.is_(False))
    if query:
        # autoescape: a "%" or "_" typed in the search box is text, not a wildcard.
        stmt = stmt.where(
            or_(
                Course.title.icontains(query, autoescape=True),
                Course.summary.icontains(query, autoescape=True),
            )
        )
    if area in POLICY_AREAS:
        stmt = stmt.where(Course.policy_area == area)
    return list(
        db.session.execute(
            stmt.order_by(Course.policy_area != "methodology", Course.title)
        ).scalars()
    )


def course_trainers(courses: list[Course]) -> dict[int, list[str]]:
    """The names of each course's trainers, in one query."""
    trainers: dict[int, list[str]] = {}
    if courses:
        for course_id, name in db.session.execute(
            db.select(CourseStaff.course_id, User.name)
            .join(User, CourseStaff.user_id == User.id)
            .where(CourseStaff.course_id.in_([c.id for c in courses]))
        ):
            trainers.setdefault(course_id, []).append(name)
    return trainers


_ENROLLED_IN = db.select(Enrolment.course_id).where(Enrolment.user_id == bindparam("user_id"))


def enrolled_course_ids(user_id: int) -> set[int]:
    return set(db.session.execute(_ENROLLED_IN, {"user_id": user_id}).scalars())


def dashboard_courses(user_id: int) -> tuple[list[Enrolment], list[Course]]:
    """The learner's enrolments (the course they were last active in first; their courses
    loaded with them) and the courses they teach, by title."""
    enrolments = (
        db.session.execute(
            db.select(Enrolment)
            .where(Enrolment.user_id == user_id)
            .order_by(Enrolment.last_activity_at.desc().nulls_last(), Enrolment.created_at.desc())
        )
        .scalars()
        .all()
    )
    teaching = (
        db.session.execute(
            db.select(Course)
            .join(CourseStaff)
            .where(CourseStaff.user_id == user_id)
            .order_by(Course.title)
        )
        .scalars()
        .all()
    )
    return list(enrolments), list(teaching)
