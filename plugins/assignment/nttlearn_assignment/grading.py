"""Grading with the assignment's rubric, and changing a rubric that may already have been used.

The mark is always computed here, from the levels the trainer chose (the page's live total is a
convenience). Once a learner has been graded with the rubric, its structure (the criteria's keys
and their levels' points) is fixed, as Moodle does with a rubric in use: texts may still be
reworded (their translations then show as outdated), but adding, removing or re-pointing a
criterion or level is refused until those grades are gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from nttlearn.api import Activity, User, db

from . import rubric as rubrics
from .models import Assignment, Submission
from .services import SubmissionError, Upload, grade


class RubricInUse(ValueError):
    """A structural change to a rubric learners have been graded with; the message says why."""


def graded_with_rubric(activity_id: int) -> int:
    """How many learners of the assignment have a grade made with its rubric."""
    return db.session.execute(
        db.select(db.func.count(Submission.id)).where(
            Submission.activity_id == activity_id, Submission.rubric_scores.is_not(None)
        )
    ).scalar_one()


def change_rubric(
    assignment: Assignment,
    rubric: Mapping[str, Any] | None,
    translations: Mapping[str, Any] | None = None,
) -> None:
    """Give the assignment ``rubric`` (checked, plain; None: no rubric) and, when given, its
    ``translations``; translations of texts the rubric no longer has are dropped, the others
    kept (a reworded English text makes them outdated). Raises :class:`RubricInUse`."""
    if rubrics.structure(rubric) != rubrics.structure(assignment.rubric):
        used = graded_with_rubric(assignment.activity_id) if assignment.rubric else 0
        if used:
            raise RubricInUse(
                ngettext(
                    "%(num)s learner has been graded with this rubric, so its criteria and levels cannot be "
                    "added, removed or given other points. You can still reword its texts.",
                    "%(num)s learners have been graded with this rubric, so its criteria and levels cannot be "
                    "added, removed or given other points. You can still reword its texts.",
                    used,
                )
            )
    assignment.rubric = dict(rubric) if rubric else None
    ids = rubrics.english_texts(rubric)
    kept: dict[str, Any] = {}
    for locale, entry in (
        translations if translations is not None else assignment.rubric_translations or {}
    ).items():
        texts = {k: v for k, v in entry.items() if k in ids}
        if texts:
            kept[locale] = {
                **texts,
                rubrics.SOURCE: {
                    k: v for k, v in (entry.get(rubrics.SOURCE) or {}).items() if k in ids
                },
            }
    assignment.rubric_translations = kept


def field_name(criterion_key: str) -> str:
    return f"criterion-{criterion_key}"


def comment_name(criterion_key: str) -> str:
    return f"comment-{criterion_key}"


def read_scores(
    rubric: Mapping[str, Any], form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The grading form's levels and comments as ``rubric_scores``, and a message for each
    criterion without a valid level (by criterion key)."""
    scores: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for criterion in rubric["criteria"]:
        key = criterion["key"]
        levels = {
            rubrics.points_key(level["points"]): level["points"] for level in criterion["levels"]
        }
        chosen = (form.get(field_name(key)) or "").strip()
        comment = (form.get(comment_name(key)) or "").replace("\r\n", "\n").strip()
        if chosen not in levels:
            errors[key] = _("Choose a level for this criterion.")
        elif len(comment) > rubrics.LIMITS["comment"]:
            errors[key] = _(
                "The comment is longer than %(num)s characters.", num=rubrics.LIMITS["comment"]
            )
        else:
            scores[key] = {"points": levels[chosen], "comment": comment}
    return scores, errors


def form_scores(rubric: Mapping[str, Any] | None, form: Mapping[str, str]) -> dict[str, Any] | None:
    """What the grading form sent, as typed, to show it again after a refusal."""
    if not rubric:
        return None
    return {
        c["key"]: {
            "points": form.get(field_name(c["key"]), ""),
            "comment": form.get(comment_name(c["key"]), ""),
        }
        for c in rubric["criteria"]
    }


def grade_with_rubric(
    activity: Activity,
    assignment: Assignment,
    learner: User,
    grader: User,
    *,
    scores: Mapping[str, Any],
    feedback: str,
    returned: Upload | None = None,
) -> Submission:
    """Grade the learner with the levels chosen (one per criterion): the points are the rubric's
    mark (:func:`.rubric.mark`); the rest is :func:`.services.grade`."""
    rubric = assignment.rubric
    if not rubric:
        raise SubmissionError(_("This assignment has no rubric."))
    if set(scores) != {c["key"] for c in rubric["criteria"]}:
        raise SubmissionError(_("Choose a level for every criterion."))
    points = rubrics.mark(
        rubric, {k: v["points"] for k, v in scores.items()}, assignment.max_points
    )
    ordered = {c["key"]: dict(scores[c["key"]]) for c in rubric["criteria"]}
    return grade(
        activity,
        assignment,
        learner,
        grader,
        points=points,
        feedback=feedback,
        returned=returned,
        rubric_scores=ordered,
    )


def shown_rubric(assignment: Assignment, scores: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The rubric in the reader's language with what was chosen (``scores``, as stored or as a
    form sent them) for the grading page and the learner's: each criterion's ``chosen`` level
    (its points as text) and ``comment``."""
    if not assignment.rubric:
        return None
    shown = rubrics.localized(
        assignment.rubric, assignment.rubric_translations, str(get_locale() or "en")
    )
    for criterion in shown["criteria"]:
        chosen = (scores or {}).get(criterion["key"]) or {}
        points = chosen.get("points")
        try:
            criterion["chosen"] = None if points is None else rubrics.points_key(float(points))
        except (TypeError, ValueError):
            criterion["chosen"] = None
        criterion["comment"] = chosen.get("comment") or ""
        for level in criterion["levels"]:
            level["value"] = rubrics.points_key(level["points"])
    shown["low"], shown["high"] = (
        rubrics.lowest_total(assignment.rubric),
        rubrics.highest_total(assignment.rubric),
    )
    return shown
