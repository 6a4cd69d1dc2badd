"""The core's events, declared once: each name with its payload (the keys of ``Event.data``).

``docs/plugins.md`` lists them (``python -m nttlearn.apidoc``) and ``emit`` checks every event
against them, so a listener reads only keys that are promised. ``activity.graded`` is the core's
and generic: any plugin that grades an activity announces it, and rules that need "a graded
activity passed" (a certificate's minimum grade) listen to it instead of to one plugin's events.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

from .hooktypes import EventType


class UserRegistered(TypedDict, total=False):
    role: Annotated[str, "the account's role (learner, trainer, admin)"]
    via: Annotated[str, "how the account came: `sso` for a first single sign-on"]


class NoPayload(TypedDict):
    pass


class CourseEnrolled(TypedDict):
    cohort: Annotated[str, 'the cohort the learner was enrolled in ("" for none)']


class LessonDone(TypedDict):
    lesson_id: Annotated[int, "the lesson's id"]
    lesson: Annotated[str, "the lesson's key in the course package"]
    module: Annotated[str, "its module's key"]


class ActivityCompleted(TypedDict):
    activity_id: Annotated[int, "the activity's id"]
    activity: Annotated[str, "the activity's key in the course package"]
    type: Annotated[str, "the activity type's key"]
    module: Annotated[str, "its module's key"]
    score: Annotated[float | None, "the score 0..100 the plugin reported, or None"]


class ActivityGraded(TypedDict):
    activity_id: Annotated[int, "the graded activity's id"]
    score: Annotated[
        float | None, "the learner's grade for this piece of work, 0..100 (None: not graded yet)"
    ]
    passed: Annotated[
        bool | None,
        "whether it reached the activity's pass mark (None: no pass mark or not graded)",
    ]


class ModuleCompleted(TypedDict):
    module_id: Annotated[int, "the module's id"]
    module: Annotated[str, "the module's key"]


class CourseCompleted(TypedDict):
    course: Annotated[str, "the course's slug"]


class CohortJoined(TypedDict):
    cohort_id: Annotated[int, "the cohort's id"]
    cohort: Annotated[str, "the cohort's name"]


class CohortMessaged(TypedDict):
    cohort_id: Annotated[int, "the cohort's id"]
    recipients: Annotated[int, "how many members were e-mailed"]


class OrganisationMerged(TypedDict):
    from_id: Annotated[int, "the organisation merged away (deleted right after the listeners ran)"]
    to_id: Annotated[int, "the organisation that now holds its people"]


CORE_EVENT_TYPES: tuple[EventType, ...] = tuple(
    EventType(name, payload, meaning, course, emitter="core")
    for name, payload, meaning, course in (
        (
            "user.registered",
            UserRegistered,
            "an account is created (registration form, single sign-on, "
            "`nttlearn users create`, a participants import, demo)",
            "None",
        ),
        ("user.deleted", NoPayload, "a person deleted their account", "None"),
        ("course.enrolled", CourseEnrolled, "a learner enrolled or was enrolled", "the course"),
        ("course.unenrolled", NoPayload, "a trainer unenrolled a learner", "the course"),
        (
            "lesson.completed",
            LessonDone,
            "a lesson was marked as done (once per learner and lesson)",
            "the course",
        ),
        (
            "lesson.uncompleted",
            LessonDone,
            "a learner un-marked a lesson they had marked as done (modules and "
            "the course they completed stay completed)",
            "the course",
        ),
        (
            "activity.completed",
            ActivityCompleted,
            "a plugin called `complete_activity` for the first time",
            "the course",
        ),
        (
            "activity.graded",
            ActivityGraded,
            "a plugin graded a learner's work in an activity (a quiz attempt, "
            "an assignment), again when the grade changes: emitted by the plugin, declared by the core so that "
            "rules read grades without knowing which plugin gave them",
            "the course",
        ),
        (
            "module.completed",
            ModuleCompleted,
            "every required lesson and activity of a module is done",
            "the course",
        ),
        (
            "course.completed",
            CourseCompleted,
            "the learner completed the whole course (once)",
            "the course",
        ),
        (
            "cohort.joined",
            CohortJoined,
            "a learner was added to a cohort, or moved to another one",
            "the course",
        ),
        (
            "cohort.messaged",
            CohortMessaged,
            "a trainer e-mailed a cohort (`user_id` is the trainer)",
            "the course",
        ),
        (
            "organisation.merged",
            OrganisationMerged,
            "an administrator merged organisation `from_id` into "
            "`to_id`: a plugin keeping rows per organisation moves them to `to_id` here",
            "None",
        ),
    )
)
