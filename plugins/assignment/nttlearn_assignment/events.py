"""The assignment's events, declared for ``nttlearn_event_types``; a grade is also announced as the
core's generic ``activity.graded``."""

from __future__ import annotations

from typing import Annotated, TypedDict

from nttlearn.api import EventType


class Submitted(TypedDict):
    activity_id: Annotated[int, "the assignment activity's id"]
    activity: Annotated[str, "the activity's key in the course package"]
    submission_id: Annotated[int, "the submission's id"]
    late: Annotated[bool, "handed in after the learner's due date"]
    times_submitted: Annotated[
        int, "how many times this work has been handed in (1 the first time)"
    ]


class Graded(TypedDict):
    activity_id: Annotated[int, "the assignment activity's id"]
    activity: Annotated[str, "the activity's key in the course package"]
    submission_id: Annotated[int, "the submission's id"]
    points: Annotated[float, "the points given"]
    max_points: Annotated[float, "the assignment's maximum points"]
    passed: Annotated[bool, "the points reach the pass mark (True when the assignment has none)"]
    graded_by: Annotated[int, "the trainer's user id"]


EVENT_TYPES = [
    EventType(
        "assignment.submitted",
        Submitted,
        "a learner handed in their work (again after a reopening)",
    ),
    EventType(
        "assignment.graded", Graded, "a trainer graded a learner's work, or changed the grade"
    ),
]
