"""Activity types: how a plugin's kind of work (quiz, proposal, survey) plugs into courses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app

from .hooktypes import ActivityType, DefinitionProblem

if TYPE_CHECKING:
    from .models import Activity

__all__ = [
    "ActivityAccess",
    "ActivityType",
    "DefinitionProblem",
    "activity_access",
    "activity_types",
    "assessment_types",
]


def activity_types() -> dict[str, ActivityType]:
    """The activity types of the enabled plugins, by key."""
    return current_app.extensions["nttlearn"].activity_types()


def assessment_types() -> frozenset[str]:
    """(API 1.4) The keys of the installed activity types that are assessments
    (``ActivityType.assessment``: a quiz), the switched-off plugins' included: a course's
    quizzes stay its quizzes while the plugin is off."""
    return frozenset(
        k
        for k, t in current_app.extensions["nttlearn"].all_activity_types().items()
        if t.assessment
    )


@dataclass(frozen=True)
class ActivityAccess:
    """An activity opened by the current user, with what a plugin's view needs to know."""

    activity: Activity
    module: Any
    course: Any
    enrolment: Any
    is_staff: bool

    @property
    def user_id(self) -> int:
        from flask_login import current_user

        return current_user.id


def activity_access(activity_id: int, type_key: str) -> ActivityAccess:
    """Load an activity of ``type_key`` for the logged-in user, or abort.

    404 when it does not exist, is archived, is of another type or its course is hidden from the
    user; 403 when the user is neither enrolled in the course nor one of its trainers, and 403
    with the reason and the opening date when a release rule keeps it locked for this learner
    (:func:`nttlearn.api.activity_release`): every route of the activity, showing or changing it,
    is closed until it opens.
    Plugins' activity views start with this call.
    """
    from flask import abort
    from flask_login import current_user

    from .auth.permissions import can_manage_course
    from .cohorts.pacing import ItemLocked, activity_release
    from .extensions import db
    from .models import Activity, Course, Enrolment, Module

    if not current_user.is_authenticated:
        abort(401)
    # The activity with its module, its course and the user's enrolment in it, in one query.
    row = db.session.execute(
        db.select(Activity, Module, Course, Enrolment)
        .join(Module, Activity.module_id == Module.id)
        .join(Course, Module.course_id == Course.id)
        .outerjoin(
            Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == current_user.id)
        )
        .where(Activity.id == activity_id)
    ).first()
    if row is None or row[0].archived or row[0].type_key != type_key:
        abort(404)
    activity, module, course, enrolment = row
    is_staff = can_manage_course(current_user, course)
    if module.archived or course.archived or (not course.published and not is_staff):
        abort(404)
    if enrolment is None and not is_staff:
        abort(403)
    if not is_staff:
        release = activity_release(current_user, activity)
        if not release.open:
            raise ItemLocked(release)
    return ActivityAccess(activity, module, course, enrolment, is_staff)
