"""Cohorts (runs of a course), release rules, deadlines and learners' extensions.

A course runs self-paced (no cohort, the default) and in any number of cohorts at once. Release
rules belong to the course and apply to every learner: a date relative to the start is read from
the learner's cohort, or from their enrolment when they have none. Deadlines belong to a cohort;
an extension moves one learner's deadline for one activity.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .courses import Course
from .users import User

#: What a relative release date counts from: the cohort's start (a self-paced learner's
#: enrolment when they are in no cohort), or always the learner's own enrolment.
RELATIVE_TO = ("start", "enrolment")

#: The deadlines an activity can have: ``close`` (a quiz closes, a survey, a proposal's
#: submission), ``review`` (a proposal's peer-review phase ends).
DEADLINE_KINDS = ("close", "review")


class Cohort(db.Model):
    """A run of a course with its own dates, language and members."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5), default="")  # "" = each learner's own
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("course_id", "name"),
        # The target of cohort_members' composite key: a member's course is the cohort's course.
        UniqueConstraint("id", "course_id", name="uq_cohorts_id_course"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )


class CohortMember(db.Model):
    """A learner in a cohort: at most one cohort per learner and course."""

    __tablename__ = "cohort_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(index=True)
    course_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        ForeignKeyConstraint(
            ["cohort_id", "course_id"],
            ["cohorts.id", "cohorts.course_id"],
            ondelete="CASCADE",
            name="fk_cohort_members_cohort",
        ),
    )


class CohortStaff(db.Model):
    """A trainer of one cohort (not of the whole course): they see and manage that cohort's
    learners, deadlines, extensions and messages, and nothing else of the course's cohorts."""

    __tablename__ = "cohort_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)


class ReleaseRule(db.Model):
    """When a module or an activity opens: from a date (absolute, or ``offset_days`` after the
    start), after its prerequisites are complete, or both. One rule per module or activity."""

    __tablename__ = "release_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), unique=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), unique=True
    )
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offset_days: Mapped[int | None] = mapped_column(Integer)
    relative_to: Mapped[str] = mapped_column(String(20), default="start")

    prerequisites: Mapped[list[ReleasePrerequisite]] = relationship(
        back_populates="rule",
        lazy="raise",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("(module_id IS NULL) <> (activity_id IS NULL)", name="one_target"),
        CheckConstraint("offset_days IS NULL OR offset_days >= 0", name="offset_not_negative"),
        CheckConstraint("relative_to IN ('start', 'enrolment')", name="relative_to_known"),
    )


class ReleasePrerequisite(db.Model):
    """A module or activity a learner completes before the rule's target opens."""

    __tablename__ = "release_prerequisites"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("release_rules.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))

    rule: Mapped[ReleaseRule] = relationship(back_populates="prerequisites")

    __table_args__ = (
        CheckConstraint("(module_id IS NULL) <> (activity_id IS NULL)", name="one_target"),
        UniqueConstraint("rule_id", "module_id", "activity_id"),
    )


class Deadline(db.Model):
    """When an activity closes (or its review phase ends) for the members of one cohort."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="close")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("cohort_id", "activity_id", "kind"),
        CheckConstraint("kind IN ('close', 'review')", name="kind_known"),
    )


class Extension(db.Model):
    """One learner's later deadline for one activity, granted by a trainer."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="close")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "activity_id", "kind"),
        CheckConstraint("kind IN ('close', 'review')", name="kind_known"),
    )
