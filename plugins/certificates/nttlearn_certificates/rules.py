"""When a course's learners earn a certificate: the trainer's rule, and checking it for one learner.

Everything is read from the core and from declared events: completion from the enrolment, grades
from the activity completions of the course's assessments (activity types that declare
``assessment``, such as quizzes: the score their plugin reported, 0..100, announced as the core's
``activity.graded``), and an accepted proposal from the event log (``peer_review.proposal_accepted``,
whose declared payload lists the ``authors``). The plugin never reads another plugin's tables,
nor knows an activity type's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_

from nttlearn.api import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    EventRecord,
    Module,
    assessment_types,
    db,
    format_percent,
    localized,
    localized_text,
)

from .models import CourseCertificateSettings

PROPOSAL_ACCEPTED = "peer_review.proposal_accepted"
# Declared events that can make a learner who already completed the course eligible later on: a
# completion, a new grade (the core's generic event, whichever plugin graded), an accepted proposal.
LATE_EVENTS = frozenset({"activity.completed", "activity.graded", PROPOSAL_ACCEPTED})


@dataclass(frozen=True)
class CertificateRule:
    """A course's rule: always completion, optionally a quiz grade and an accepted proposal."""

    enabled: bool = True
    min_quiz_grade: float | None = None
    require_accepted_proposal: bool = False
    valid_months: int | None = None

    @property
    def has_extra_conditions(self) -> bool:
        return self.min_quiz_grade is not None or self.require_accepted_proposal


@dataclass
class RuleCheck:
    """Whether one learner meets the rule, and what is missing when not."""

    missing: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing


def rule_for(course: Course) -> CertificateRule:
    """The course's rule; without one saved, the defaults (certificates on completion)."""
    row = db.session.get(CourseCertificateSettings, course.id)
    if row is None:
        return CertificateRule()
    return CertificateRule(
        enabled=row.enabled,
        min_quiz_grade=row.min_quiz_grade,
        require_accepted_proposal=row.require_accepted_proposal,
        valid_months=row.valid_months,
    )


def save_rule(course: Course, rule: CertificateRule) -> None:
    row = db.session.get(CourseCertificateSettings, course.id)
    if row is None:
        row = CourseCertificateSettings(course_id=course.id)
        db.session.add(row)
    row.enabled = rule.enabled
    row.min_quiz_grade = rule.min_quiz_grade
    row.require_accepted_proposal = rule.require_accepted_proposal
    row.valid_months = rule.valid_months
    db.session.flush()


def certificate_enabled(course_id: int) -> bool:
    """The course setting ``certificate`` (course form, ``course.yaml``): whether the course's
    learners receive certificates. The same switch as the rule's "Issue certificates"."""
    row = db.session.get(CourseCertificateSettings, course_id)
    return True if row is None else bool(row.enabled)


def save_certificate_enabled(course_id: int, value: bool) -> None:
    """Turn the course's certificates on or off, keeping the rest of its rule."""
    row = db.session.get(CourseCertificateSettings, course_id)
    if row is None:
        row = CourseCertificateSettings(course_id=course_id, require_accepted_proposal=False)
        db.session.add(row)
    row.enabled = bool(value)
    db.session.flush()


def check_rule(rule: CertificateRule, user_id: int, course: Course) -> RuleCheck:
    """Check completion and the extra conditions for one learner (a few indexed queries)."""
    check = RuleCheck()
    completed_at = db.session.execute(
        db.select(Enrolment.completed_at).filter_by(user_id=user_id, course_id=course.id)
    ).scalar()
    if completed_at is None:
        check.missing.append(_("The course is not completed yet."))
    if rule.min_quiz_grade is not None:
        low = quizzes_below(user_id, course, rule.min_quiz_grade)
        if low:
            check.missing.append(
                _(
                    "Quizzes below %(grade)s: %(titles)s",
                    grade=grade_text(rule.min_quiz_grade),
                    titles=", ".join(low),
                )
            )
    if rule.require_accepted_proposal and not has_accepted_proposal(user_id, course.id):
        check.missing.append(_("No accepted proposal yet."))
    return check


def quizzes_below(user_id: int, course: Course, minimum: float) -> list[str]:
    """Titles of the course's assessments (quizzes) the learner has not completed with at least
    ``minimum`` (in the current language)."""
    rows = db.session.execute(
        db.select(Activity.title, Activity.translations, ActivityCompletion.score)
        .join(Module, Module.id == Activity.module_id)
        .outerjoin(
            ActivityCompletion,
            and_(
                ActivityCompletion.activity_id == Activity.id, ActivityCompletion.user_id == user_id
            ),
        )
        .where(
            Module.course_id == course.id,
            Module.archived.is_(False),
            Activity.archived.is_(False),
            Activity.type_key.in_(assessment_types()),
        )
        .order_by(Module.position, Activity.position)
    ).all()
    return [
        localized_text(title, translations)
        for title, translations, score in rows
        if score is None or score < minimum
    ]


def has_accepted_proposal(user_id: int, course_id: int) -> bool:
    """True when the event log holds an accepted proposal by the learner in the course.

    The peer review plugin announces it once per author (``user_id``), and its declared payload
    lists every author's id in ``data["authors"]``.
    """
    rows = db.session.execute(
        db.select(EventRecord.user_id, EventRecord.data).where(
            EventRecord.name == PROPOSAL_ACCEPTED, EventRecord.course_id == course_id
        )
    ).all()
    for author_id, data in rows:
        if author_id == user_id:
            return True
        authors = (data or {}).get("authors") if isinstance(data, dict) else None
        if isinstance(authors, list) and user_id in authors:
            return True
    return False


def criteria_narrative(rule: CertificateRule, course: Course) -> str:
    """What a learner did to earn the certificate, in words for the credential's criteria."""
    parts = [
        _(
            "Completed every required lesson and activity of the course %(title)s.",
            title=localized(course),
        )
    ]
    if rule.min_quiz_grade is not None:
        parts.append(
            _(
                "Scored at least %(grade)s in every quiz of the course.",
                grade=grade_text(rule.min_quiz_grade),
            )
        )
    if rule.require_accepted_proposal:
        parts.append(_("Wrote a network proposal with colleagues that passed peer review."))
    return " ".join(parts)


def grade_text(value: float) -> str:
    """A grade threshold as a percentage the reader's way ("80%", "80 %", "72,5 %")."""
    return format_percent(value, 0 if float(value).is_integer() else 1)
