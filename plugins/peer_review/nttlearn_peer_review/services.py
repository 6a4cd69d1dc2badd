"""A proposal activity's settings and phase rules: the questions every other module asks
("which template?", "may this team still submit?", "are reviews open?"), answered in one place.

The phase workflow itself (moving between phases, by hand or at the dates) is in
:mod:`.workflow`; teams, writing, reviewing and results have modules of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from nttlearn.api import (
    LANGUAGE_NAMES,
    LANGUAGES,
    Activity,
    Enrolment,
    Module,
    Organisation,
    User,
    db,
    utcnow,
)
from nttlearn.api import deadline_for as core_deadline_for

from .grades import GradingSettings
from .languages import current_locale, default_dicts, english_texts, language_summary, localize
from .models import PHASES, Allocation, ProposalSettings, ReviewRecord
from .template import ProposalTemplate, Rubric

# The date at which the workflow enters each phase by itself.
PHASE_DATES = {
    "submission": "submission_opens_at",
    "allocation": "submission_deadline",
    "review": "review_opens_at",
    "feedback": "review_deadline",
    "closed": "closes_at",
}
PHASE_LABELS = {
    "drafting": _l("Drafting"),
    "submission": _l("Submission"),
    "allocation": _l("Allocation of reviewers"),
    "review": _l("Review"),
    "feedback": _l("Feedback and revision"),
    "closed": _l("Closed"),
}
PHASE_HELP = {
    "drafting": _l("Teams form and write their proposals; example proposals help calibrate."),
    "submission": _l("Teams submit their proposals. A submitted proposal is locked."),
    "allocation": _l("Each proposal is given reviewers; the trainer can adjust the allocation."),
    "review": _l("Reviewers score the proposals they were given with the rubric."),
    "feedback": _l("Authors read their feedback, rate it and may submit a revised version."),
    "closed": _l("The activity is closed and the grades are final."),
}
ANONYMITY_LABELS = {
    "anonymous": _l("Anonymous: authors do not see who reviewed them"),
    "reviewers_visible": _l("Reviewers visible: authors see their reviewers' names"),
    "double_blind": _l("Double-blind: neither authors nor reviewers see each other's names"),
}
COMPLETION_LABELS = {
    "submitted": _l("The learner's team has submitted its proposal"),
    "reviewed": _l("The learner has submitted every review allocated to them"),
    "both": _l("Both: submitted and reviewed"),
}


class PhaseError(ValueError):
    """An action the current phase (or its deadline) does not allow; the message says why."""


def phase_index(phase: str) -> int:
    return PHASES.index(phase)


def settings_for(activity: Activity | int) -> ProposalSettings:
    """The activity's settings, created with the defaults when the activity has none yet (an
    activity placed in the course editor or by the route walk, before anything was imported)."""
    activity_id = activity if isinstance(activity, int) else activity.id
    settings = db.session.get(ProposalSettings, activity_id)
    if settings is not None:
        return settings
    settings = new_settings(activity_id)
    try:
        with db.session.begin_nested():
            db.session.add(settings)
    except IntegrityError:  # a concurrent request created it first
        settings = db.session.get(ProposalSettings, activity_id, populate_existing=True)
    return settings


def new_settings(activity_id: int) -> ProposalSettings:
    template, rubric = default_dicts("en")
    return ProposalSettings(
        activity_id=activity_id,
        phase="drafting",
        phase_changed_at=utcnow(),
        template=template,
        rubric=rubric,
        translations={},
        reviewers_per_submission=3,
        anonymity="anonymous",
        late_submissions=False,
        min_countries=1,
        only_submitters_review=False,
        completion_rule="both",
        team_formation="learners",
        max_team_size=6,
        grading_method="mean",
        submission_weight=80.0,
        reviewing_weight=20.0,
        late_penalty=0.0,
        pass_grade=50.0,
        disagreement_threshold=25.0,
    )


def english_structures(settings: ProposalSettings) -> tuple[dict[str, Any], dict[str, Any]]:
    """The activity's English template and rubric (the shipped defaults where none is stored)."""
    if settings.template and settings.rubric:
        return settings.template, settings.rubric
    template, rubric = default_dicts("en")
    return settings.template or template, settings.rubric or rubric


def languages_of(settings: ProposalSettings) -> list[tuple[str, str, dict[str, int]]]:
    """Each language, its name and how far the template and rubric are translated into it."""
    english = english_texts(*english_structures(settings))
    return [
        (
            locale,
            LANGUAGE_NAMES.get(locale, locale),
            language_summary(english, settings.translations, locale),
        )
        for locale in LANGUAGES
    ]


def template_of(settings: ProposalSettings, locale: str | None = None) -> ProposalTemplate:
    """The activity's template with its texts in ``locale`` (default: the reader's language),
    each text in English where it has no translation. Keys and word limits are the English's."""
    template, rubric = english_structures(settings)
    shown, _rubric = localize(template, {}, settings.translations, locale or current_locale())
    return ProposalTemplate.from_dict(shown)


def rubric_of(settings: ProposalSettings, locale: str | None = None) -> Rubric:
    """The activity's rubric in ``locale`` (default: the reader's language); keys, weights and
    points, which reviews are scored on, are the same in every language."""
    template, rubric = english_structures(settings)
    _template, shown = localize({}, rubric, settings.translations, locale or current_locale())
    return Rubric.from_dict(shown)


def _scoring(rubric: Mapping[str, Any]) -> list[tuple[str, float, list[float]]]:
    """What a review's scores depend on: each criterion's key, weight and level points."""
    return [
        (str(c["key"]), float(c["weight"]), sorted(float(level["points"]) for level in c["levels"]))
        for c in rubric.get("criteria", [])
    ]


def rubric_change_refused(settings: ProposalSettings, rubric: Mapping[str, Any]) -> str | None:
    """Why ``rubric`` may not replace the activity's rubric, or None when it may.

    Reviews store points per criterion key: once one exists (a draft too), another set of keys,
    weights or points would hide its scores or change its total without anyone noticing. Titles,
    labels and descriptors may still be reworded.
    """
    if _scoring(rubric) == _scoring(english_structures(settings)[1]):
        return None
    reviews = db.session.execute(
        db.select(db.func.count(ReviewRecord.id))
        .join(Allocation, Allocation.id == ReviewRecord.allocation_id)
        .where(Allocation.activity_id == settings.activity_id)
    ).scalar_one()
    if not reviews:
        return None
    return ngettext(
        "The rubric's criteria, weights and points cannot change: %(num)d review already scores "
        "them, and its scores would no longer count. You can still reword titles, labels and "
        "descriptors; for another rubric, add a new proposal activity.",
        "The rubric's criteria, weights and points cannot change: %(num)d reviews already score "
        "them, and their scores would no longer count. You can still reword titles, labels and "
        "descriptors; for another rubric, add a new proposal activity.",
        reviews,
    )


def grading_of(settings: ProposalSettings) -> GradingSettings:
    return GradingSettings(
        method=settings.grading_method,  # type: ignore[arg-type]
        submission_weight=settings.submission_weight,
        reviewing_weight=settings.reviewing_weight,
        late_penalty=settings.late_penalty,
        disagreement_threshold=settings.disagreement_threshold,
    )


def activity_and_course(activity_id: int) -> tuple[Activity, int]:
    activity = db.session.get(Activity, activity_id)
    module = db.session.get(Module, activity.module_id)
    return activity, module.course_id


# -- phase rules ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionWindow:
    """Whether a team may submit its original now, and whether it would be late."""

    allowed: bool
    late: bool = False
    reason: str = ""


def learner_deadline(settings: ProposalSettings, user_id: int | None, kind: str) -> datetime | None:
    """A learner's deadline for submitting (``"close"``) or reviewing (``"review"``): their
    cohort's, or their extension, where a trainer set one (``nttlearn.api.deadline_for``), else the
    activity's own date. The phases stay the activity's; only being late moves per learner."""
    own = settings.submission_deadline if kind == "close" else settings.review_deadline
    if user_id is None:
        return own
    cohort_deadline = core_deadline_for(
        user_id, db.session.get(Activity, settings.activity_id), kind
    )
    return cohort_deadline if cohort_deadline is not None else own


def submission_window(
    settings: ProposalSettings, now: datetime | None = None, user_id: int | None = None
) -> SubmissionWindow:
    """Submission is open in the submission phase until the learner's deadline
    (:func:`learner_deadline`); after that (up to the end of the review phase) only when late
    submissions are allowed, and then marked late."""
    now = now or utcnow()
    phase = settings.phase
    deadline = learner_deadline(settings, user_id, "close")
    overdue = deadline is not None and now >= deadline
    if phase == "drafting":
        return SubmissionWindow(False, reason=_("Submission has not opened yet."))
    if phase == "submission" and not overdue:
        return SubmissionWindow(True)
    if phase in ("submission", "allocation", "review") and settings.late_submissions:
        return SubmissionWindow(True, late=True)
    if phase in ("submission", "allocation", "review"):
        return SubmissionWindow(False, reason=_("The submission deadline has passed."))
    return SubmissionWindow(False, reason=_("Submission is closed."))


def writing_open(settings: ProposalSettings, submitted: bool, revised: bool) -> bool:
    """Co-authors may edit until their original is submitted, and again in the feedback phase
    until they submit a revision."""
    if settings.phase == "closed":
        return False
    if settings.phase == "feedback":
        return submitted and not revised
    return not submitted


def revision_open(settings: ProposalSettings) -> bool:
    return settings.phase == "feedback"


def reviews_visible_to_reviewers(settings: ProposalSettings) -> bool:
    """Reviewers see their allocations once the review phase has started."""
    return phase_index(settings.phase) >= phase_index("review")


def feedback_visible(settings: ProposalSettings) -> bool:
    return phase_index(settings.phase) >= phase_index("feedback")


def review_edit_rule(
    settings: ProposalSettings,
    submitted: bool,
    now: datetime | None = None,
    user_id: int | None = None,
) -> tuple[bool, bool, str]:
    """(may edit, would be late, reason if not). In the review phase reviews are written and
    may be changed (late after the reviewer's deadline, :func:`learner_deadline`); once feedback
    has started, a review not yet submitted may still be submitted (late); once the activity is
    closed, nothing changes."""
    now = now or utcnow()
    deadline = learner_deadline(settings, user_id, "review")
    overdue = deadline is not None and now >= deadline
    if settings.phase == "review":
        return True, overdue, ""
    if settings.phase == "feedback" and not submitted:
        return True, True, ""
    if settings.phase == "feedback":
        return False, False, _("Reviews can no longer be changed: the feedback phase has started.")
    if settings.phase == "closed":
        return False, False, _("The activity is closed: reviews can no longer be changed.")
    return False, False, _("Reviews have not opened yet.")


# -- people ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """What the plugin needs to know about a learner: for allocation, teams and display."""

    id: int
    name: str
    email: str
    country: str | None
    organisation_id: int | None
    organisation: str


def course_learners(course_id: int) -> list[Person]:
    """Everyone enrolled in the course with an active account, in name order (one query)."""
    rows = db.session.execute(
        db.select(
            User.id, User.name, User.email, Organisation.country, Organisation.id, Organisation.name
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Enrolment.course_id == course_id, User.active.is_(True), User.deleted_at.is_(None))
        .order_by(User.name, User.id)
    ).all()
    return [Person(r[0], r[1], r[2], r[3], r[4], r[5] or "") for r in rows]


def people(user_ids: list[int] | set[int]) -> dict[int, Person]:
    """The named users (one query)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        db.select(
            User.id, User.name, User.email, Organisation.country, Organisation.id, Organisation.name
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(list(user_ids)))
    ).all()
    return {r[0]: Person(r[0], r[1], r[2], r[3], r[4], r[5] or "") for r in rows}


def is_enrolled(user_id: int, course_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Enrolment.id).where(
                Enrolment.user_id == user_id, Enrolment.course_id == course_id
            )
        ).first()
        is not None
    )
