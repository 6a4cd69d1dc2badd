"""The peer-review plugin's tables, all prefixed ``peer_review_``. They point at the core's
activities and users; they never touch another plugin's tables.

Invariants the database keeps: one settings row per activity, one team per learner and activity,
one row per section of a team (its ``version`` is the compare-and-set token co-authors save
against) and one history row per section version, one original and one revision per team, one
review per allocation, one allocation per submission and reviewer, one helpfulness rating per
review and author, one override per team, one final grade per learner and activity.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nttlearn.api import UTCDateTime, db, utcnow

PHASES = ("drafting", "submission", "allocation", "review", "feedback", "closed")
ANONYMITY_MODES = ("anonymous", "reviewers_visible", "double_blind")
COMPLETION_RULES = ("submitted", "reviewed", "both")
TEAM_FORMATION = ("trainer", "learners")
GRADING_METHODS = ("mean", "median")
SUBMISSION_KINDS = ("original", "revision")
INVITATION_STATES = ("pending", "accepted", "declined", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class ProposalSettings(db.Model):
    """A ``proposal`` activity's settings and current phase (one row per activity).

    Each ``*_at`` date is when the workflow moves into a phase by itself: submissions open,
    the submission deadline (allocation starts), reviews open, the review deadline (feedback
    starts) and closing.
    """

    __tablename__ = "peer_review_settings"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(20), default="drafting")
    phase_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rubric: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The template's and the rubric's texts in other languages (see `languages.py`):
    # {"sv": {"section.objectives.title": "…", "_source": {"section.objectives.title": "3f9c…"}}}.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    reviewers_per_submission: Mapped[int] = mapped_column(Integer, default=3)
    anonymity: Mapped[str] = mapped_column(String(20), default="anonymous")
    late_submissions: Mapped[bool] = mapped_column(Boolean, default=False)
    min_countries: Mapped[int] = mapped_column(Integer, default=1)
    only_submitters_review: Mapped[bool] = mapped_column(Boolean, default=False)
    completion_rule: Mapped[str] = mapped_column(String(20), default="both")
    team_formation: Mapped[str] = mapped_column(String(20), default="learners")
    max_team_size: Mapped[int] = mapped_column(Integer, default=6)
    grading_method: Mapped[str] = mapped_column(String(10), default="mean")
    submission_weight: Mapped[float] = mapped_column(Float, default=80.0)
    reviewing_weight: Mapped[float] = mapped_column(Float, default=20.0)
    late_penalty: Mapped[float] = mapped_column(Float, default=0.0)
    pass_grade: Mapped[float] = mapped_column(Float, default=50.0)
    disagreement_threshold: Mapped[float] = mapped_column(Float, default=25.0)

    __table_args__ = (
        CheckConstraint(_in("phase", PHASES), name="phase_known"),
        CheckConstraint(_in("anonymity", ANONYMITY_MODES), name="anonymity_known"),
        CheckConstraint(_in("completion_rule", COMPLETION_RULES), name="completion_known"),
        CheckConstraint(_in("team_formation", TEAM_FORMATION), name="team_formation_known"),
        CheckConstraint(_in("grading_method", GRADING_METHODS), name="grading_method_known"),
        CheckConstraint("reviewers_per_submission >= 1", name="reviewers_positive"),
        CheckConstraint("min_countries >= 1", name="min_countries_positive"),
        CheckConstraint("max_team_size >= 1", name="max_team_size_positive"),
        CheckConstraint("pass_grade >= 0 AND pass_grade <= 100", name="pass_grade_range"),
    )


class Team(db.Model):
    """The officials who write one proposal together."""

    __tablename__ = "peer_review_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    # The proposal's working title and policy area: edited with a version check like a section.
    title: Mapped[str] = mapped_column(String(200), default="")
    policy_area: Mapped[str] = mapped_column(String(40), default="")
    details_version: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TeamMember.id",
    )

    __table_args__ = (UniqueConstraint("activity_id", "name"),)


class TeamMember(db.Model):
    __tablename__ = "peer_review_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_teams.id", ondelete="CASCADE"), index=True
    )
    # Repeated from the team so that the database allows one team per learner and activity.
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")

    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)


class Invitation(db.Model):
    """A learner invited by e-mail to join a team, answered on the activity's page."""

    __tablename__ = "peer_review_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_teams.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("team_id", "invitee_id"),
        CheckConstraint(_in("status", INVITATION_STATES), name="status_known"),
    )


class Section(db.Model):
    """The current text of one section of a team's proposal.

    ``version`` counts saves; a save names the version it started from and only succeeds when
    that is still the current one (compare and set), so two co-authors never overwrite each other.
    """

    __tablename__ = "peer_review_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("peer_review_teams.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("team_id", "key"),)


class SectionVersion(db.Model):
    """Every saved text of a section: its full history, for comparing versions."""

    __tablename__ = "peer_review_section_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_sections.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("section_id", "version"),)


class Submission(db.Model):
    """A locked snapshot of a team's proposal: the original (reviewed) or the revision.

    ``sections`` is a list of ``{"key", "title", "text"}`` as they were at submission time,
    ``authors`` the members' user ids and ``countries`` their ISO codes, so later changes to
    the team or the template do not change what was reviewed.
    """

    __tablename__ = "peer_review_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("peer_review_teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="original")
    title: Mapped[str] = mapped_column(String(200), default="")
    policy_area: Mapped[str] = mapped_column(String(40), default="")
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    authors: Mapped[list[int]] = mapped_column(JSON, default=list)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("team_id", "kind"),
        CheckConstraint(_in("kind", SUBMISSION_KINDS), name="kind_known"),
    )


class Example(db.Model):
    """An example proposal the trainer publishes in drafting, with a reference assessment that
    learners compare their own scores with (calibration)."""

    __tablename__ = "peer_review_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # section key -> text
    reference_scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    reference_comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Calibration(db.Model):
    """A learner's practice assessment of an example, compared with the reference."""

    __tablename__ = "peer_review_calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_examples.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    agreement: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("example_id", "user_id"),)


class Allocation(db.Model):
    """One reviewer asked to review one submission."""

    __tablename__ = "peer_review_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_submissions.id", ondelete="CASCADE")
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[ReviewRecord | None] = relationship(lazy="raise", viewonly=True)

    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)


class ReviewRecord(db.Model):
    """A review of an allocated submission: a draft until ``submitted_at`` is set."""

    __tablename__ = "peer_review_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_allocations.id", ondelete="CASCADE"), unique=True
    )
    strengths: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    scores: Mapped[list[CriterionScore]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CriterionScore.id",
    )


class CriterionScore(db.Model):
    """A review's points and comment on one rubric criterion (points empty in a draft)."""

    __tablename__ = "peer_review_criterion_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("peer_review_reviews.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    points: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("review_id", "criterion"),)


class HelpfulnessRating(db.Model):
    """How helpful an author found a review, 1 (not helpful) to 5 (very helpful)."""

    __tablename__ = "peer_review_helpfulness"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("peer_review_reviews.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("review_id", "rater_id"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),
    )


class GradeOverride(db.Model):
    """The trainer's grade for a team's submission, instead of the reviewers' mean or median."""

    __tablename__ = "peer_review_grade_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_teams.id", ondelete="CASCADE"), unique=True
    )
    grade: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("grade >= 0 AND grade <= 100", name="grade_range"),)


class FinalGrade(db.Model):
    """A learner's grades as fixed when the activity closed."""

    __tablename__ = "peer_review_final_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("peer_review_teams.id", ondelete="SET NULL")
    )
    submission_grade: Mapped[float | None] = mapped_column(Float)
    reviewing_grade: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[float | None] = mapped_column(Float)
    # Set once the proposal's acceptance has been announced, so closing again does not repeat it.
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)


class Notification(db.Model):
    """An in-app message (invitation, reminder, reviews to do), shown on the dashboard with a
    link to its activity."""

    __tablename__ = "peer_review_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# -- the partner directory and the applications teams send to funders ------------------------------
OUTCOMES = ("pending", "funded", "rejected", "withdrawn")


class DirectoryEntry(db.Model):
    """A learner's opt-in card in the partner directory (at most one; deleting it opts out).

    ``policy_areas`` and ``languages`` are keys between commas (``",youth,other,"``), so that a
    filter on one of them is a portable ``LIKE`` in the search query.
    """

    __tablename__ = "peer_review_directory_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    town: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    policy_areas: Mapped[str] = mapped_column(String(300), default=",")
    languages: Mapped[str] = mapped_column(String(200), default=",")
    looking_for: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(db.Model):
    """What a team submitted to a funder after the capstone: one row per team, programme and
    call (so a double submit cannot record it twice), corrected by its trainers.

    ``partners`` is a list of ``{"organisation", "town", "country"}``; amounts are in euro.
    """

    __tablename__ = "peer_review_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_teams.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    programme: Mapped[str] = mapped_column(String(200))
    funding_call: Mapped[str] = mapped_column(String(200))
    submitted_on: Mapped[date] = mapped_column(Date)
    lead_organisation: Mapped[str] = mapped_column(String(200))
    partners: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    requested_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    outcome: Mapped[str] = mapped_column(String(10), default="pending")
    granted_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("team_id", "programme", "funding_call"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome_known"),
        CheckConstraint("requested_eur >= 0", name="requested_not_negative"),
        CheckConstraint("granted_eur IS NULL OR granted_eur >= 0", name="granted_not_negative"),
    )


class ApplicationDocument(db.Model):
    """The document a team submitted, kept in the database with its application (one per
    application; a new upload replaces it), checked against the core's media allow-list."""

    __tablename__ = "peer_review_application_documents"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("peer_review_applications.id", ondelete="CASCADE"), primary_key=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
