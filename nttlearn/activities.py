"""Activity types: how a plugin's kind of work (quiz, proposal, survey) plugs into courses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, url_for

if TYPE_CHECKING:
    from .models import Activity


@dataclass(frozen=True)
class DefinitionProblem:
    """A problem in an activity's definition; ``path:line: message`` when printed."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ActivityType:
    """One kind of activity, returned by ``nttlearn_activity_types``.

    ``endpoint`` is a Flask endpoint called with ``activity_id=``; ``import_definition`` receives
    the placed activity (already flushed, so it has an id), the ``module.yaml`` entry and the
    module folder; it stores the plugin's own rows and may raise ``ValueError`` with a message.
    ``export_definition`` writes any files into the module folder and returns the entry for
    ``module.yaml``. ``validate_definition`` returns problems without touching the database.
    ``status`` returns a short text for a learner (``"Best grade: 80%"``) or None.
    """

    key: str
    label: str
    endpoint: str
    import_definition: Callable[[Activity, Mapping[str, Any], Path], None] | None = None
    export_definition: Callable[[Activity, Path], dict[str, Any]] | None = None
    validate_definition: Callable[[Mapping[str, Any], Path, str], list[DefinitionProblem]] | None = None
    default_definition: Callable[[], dict[str, Any]] = field(default=dict)
    edit_endpoint: str | None = None
    status: Callable[[Activity, int], str | None] | None = None
    # How far the activity's own texts (quiz questions, a rubric…) are translated:
    # ``translation_states(activities)`` → ``{activity_id: {locale: ["present", "missing", …]}}``,
    # one state per text; counted in a course's translation coverage. None: the plugin has none.
    translation_states: Callable[[Sequence[Activity]], Mapping[int, Mapping[str, Sequence[str]]]] | None = None
    plugin: str = ""

    def url(self, activity: Activity) -> str:
        return url_for(self.endpoint, activity_id=activity.id)


def activity_types() -> dict[str, ActivityType]:
    """The activity types of the enabled plugins, by key."""
    return current_app.extensions["nttlearn"].activity_types()


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
    user; 403 when the user is neither enrolled in the course nor one of its trainers.
    Plugins' activity views start with this call.
    """
    from flask import abort
    from flask_login import current_user

    from .auth.permissions import can_manage_course
    from .extensions import db
    from .learn.services import get_enrolment
    from .models import Activity, Course, Module

    if not current_user.is_authenticated:
        abort(401)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.archived or activity.type_key != type_key:
        abort(404)
    module = db.session.get(Module, activity.module_id)
    course = db.session.get(Course, module.course_id)
    is_staff = can_manage_course(current_user, course)
    if module.archived or course.archived or (not course.published and not is_staff):
        abort(404)
    enrolment = get_enrolment(current_user.id, course.id)
    if enrolment is None and not is_staff:
        abort(403)
    return ActivityAccess(activity, module, course, enrolment, is_staff)
