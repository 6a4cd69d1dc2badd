"""Example proposals with a reference assessment: the trainer publishes them in drafting, and a
learner who scores one with the rubric sees how close they came to the reference (calibration),
before reviewing their peers for real."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import db, utcnow

from . import grades
from .models import Calibration, Example, ProposalSettings
from .services import rubric_of, template_of

MAX_TITLE = 200


class ExampleError(ValueError):
    """An example or a calibration that cannot be saved; the message says why."""


def examples_of(activity_id: int, published_only: bool) -> list[Example]:
    stmt = db.select(Example).where(Example.activity_id == activity_id).order_by(Example.id)
    if published_only:
        stmt = stmt.where(Example.published.is_(True))
    return list(db.session.execute(stmt).scalars())


def _check_scores(settings: ProposalSettings, scores: dict[str, float | None]) -> dict[str, float]:
    rubric = rubric_of(settings)
    checked = {}
    for criterion in rubric.criteria:
        points = scores.get(criterion.key)
        if points is None:
            raise ExampleError(_("Choose a level for “%(title)s”.", title=criterion.title))
        if points not in {level.points for level in criterion.levels}:
            raise ExampleError(
                _(
                    "“%(title)s” has no level worth %(points)s points.",
                    title=criterion.title,
                    points=points,
                )
            )
        checked[criterion.key] = points
    return checked


def save_example(
    settings: ProposalSettings,
    example: Example | None,
    *,
    title: str,
    sections: dict[str, str],
    scores: dict[str, float | None],
    comments: dict[str, str],
    published: bool,
) -> Example:
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise ExampleError(_("Give the example a title of at most %(n)d characters.", n=MAX_TITLE))
    keys = {s.key for s in template_of(settings).sections}
    if example is None:
        example = Example(activity_id=settings.activity_id, created_at=utcnow())
        db.session.add(example)
    example.title = title
    example.sections = {k: v.replace("\r\n", "\n") for k, v in sections.items() if k in keys}
    example.reference_scores = _check_scores(settings, scores)
    example.reference_comments = {k: v for k, v in comments.items() if v.strip()}
    example.published = published
    db.session.flush()
    return example


@dataclass(frozen=True)
class CalibrationResult:
    """How a learner's practice scores compare with the reference, criterion by criterion."""

    agreement: float | None
    mine: dict[str, float]
    reference: dict[str, float]


def calibrate(
    settings: ProposalSettings, example: Example, user_id: int, scores: dict[str, float | None]
) -> CalibrationResult:
    mine = _check_scores(settings, scores)
    rubric = rubric_of(settings)
    reference = {k: v for k, v in example.reference_scores.items()}
    try:
        value = grades.agreement(
            rubric,
            grades.Review(str(user_id), "example", mine),
            [grades.Review("reference", "example", reference)],
        )
    except ValueError:  # the rubric changed since the reference was written
        value = None
    row = db.session.execute(
        db.select(Calibration).where(
            Calibration.example_id == example.id, Calibration.user_id == user_id
        )
    ).scalar()
    if row is None:
        row = Calibration(example_id=example.id, user_id=user_id)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            row = db.session.execute(
                db.select(Calibration).where(
                    Calibration.example_id == example.id, Calibration.user_id == user_id
                )
            ).scalar()
    row.scores, row.agreement, row.updated_at = mine, value, utcnow()
    return CalibrationResult(value, mine, reference)


def calibration_of(example: Example, user_id: int) -> CalibrationResult | None:
    row = db.session.execute(
        db.select(Calibration).where(
            Calibration.example_id == example.id, Calibration.user_id == user_id
        )
    ).scalar()
    if row is None:
        return None
    return CalibrationResult(row.agreement, dict(row.scores), dict(example.reference_scores))
