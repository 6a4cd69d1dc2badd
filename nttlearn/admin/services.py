"""Switching plugins on and off: what a switch affects, and the switch itself."""

from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..jobs.queueing import enqueue
from ..learn.services import recheck_completions
from ..models import Activity, Course, Module
from ..plugins import host


@dataclass(frozen=True)
class AffectedCourse:
    """A course holding activities of a plugin: what stops working there when it is disabled."""

    course: Course
    activities: list[Activity]


def plugin_type_keys(name: str) -> list[str]:
    """The activity types the plugin ``name`` provides (whether it is enabled or not)."""
    return sorted(key for key, t in host().all_activity_types().items() if t.plugin == name)


def courses_using(name: str) -> list[AffectedCourse]:
    """The courses (not archived) with activities of plugin ``name``, each with those activities."""
    keys = plugin_type_keys(name)
    if not keys:
        return []
    rows = db.session.execute(
        db.select(Activity, Course)
        .join(Module, Activity.module_id == Module.id)
        .join(Course, Module.course_id == Course.id)
        .where(
            Activity.type_key.in_(keys),
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Course.archived.is_(False),
        )
        .order_by(Course.title, Module.position, Activity.position)
    ).all()
    by_course: dict[int, AffectedCourse] = {}
    for activity, course in rows:
        by_course.setdefault(course.id, AffectedCourse(course, [])).activities.append(activity)
    return list(by_course.values())


def switch_plugin(name: str, enabled: bool) -> None:
    """Enable or disable plugin ``name`` in the caller's transaction.

    Disabling takes its activities out of completion (see ``learn.structure.counted_type_keys``):
    a job then completes the courses of the learners who had done everything else.
    """
    host().set_enabled(name, enabled)
    if not enabled:
        course_ids = sorted({affected.course.id for affected in courses_using(name)})
        if course_ids:
            enqueue(recheck_completions, course_ids)
