"""The quiz's events, declared for ``nttlearn_event_types``; a quiz's grade is also announced as
the core's generic ``activity.graded`` (for rules that need a grade, whichever plugin gave it)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from nttlearn.api import EventType


class AttemptGraded(TypedDict):
    activity_id: Annotated[int, "the quiz activity's id"]
    attempt_id: Annotated[int, "the attempt's id"]
    score: Annotated[
        float | None, "the attempt's percentage 0..100 (None while an essay awaits its grade)"
    ]
    passed: Annotated[
        bool | None, "whether the attempt reached the quiz's pass mark (None: not graded yet)"
    ]


EVENT_TYPES = [
    EventType(
        "quiz.attempt_submitted",
        AttemptGraded,
        "a learner submitted an attempt (graded as far as possible)",
    ),
    EventType(
        "quiz.attempt_graded", AttemptGraded, "a trainer graded the last essay of an attempt"
    ),
    EventType(
        "quiz.attempt_regraded",
        AttemptGraded,
        "an attempt's grade changed (a trainer's mark for an "
        "essay, or a regrade after a question was corrected)",
    ),
]
