"""The assignment plugin's tables (all prefixed ``assignment_``): the settings of each assignment
placed as an activity, each learner's one submission to it, and the files of a submission
(the learner's and the one the trainer returns with the grade).

A learner has at most one submission per assignment (a unique constraint): saving a draft,
submitting and resubmitting change that row, so a double click can never make a second one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nttlearn.api import UTCDateTime, db, utcnow

#: ``draft``: the learner is writing; ``submitted``: waiting for the trainer; ``graded``: marked.
#: A trainer's "reopen" sends a graded or submitted one back to ``draft`` (the grade stays shown).
STATES = ("draft", "submitted", "graded")
#: The activity is complete when the learner submits, or when their grade reaches the pass mark.
COMPLETION_RULES = ("submitted", "passed")
FILE_KINDS = ("submission", "feedback")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Assignment(db.Model):
    """The settings of one assignment activity; English instructions in ``instructions``, the
    other languages in ``translations`` (``{"fi": "…"}``), as the core keeps activity titles."""

    __tablename__ = "assignment_assignments"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    instructions: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    max_points: Mapped[float] = mapped_column(Float, default=100.0)
    pass_mark: Mapped[float | None] = mapped_column(Float, nullable=True)
    text_entry: Mapped[bool] = mapped_column(Boolean, default=True)
    file_upload: Mapped[bool] = mapped_column(Boolean, default=True)
    file_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_file_mb: Mapped[int] = mapped_column(Integer, default=10)
    max_files: Mapped[int] = mapped_column(Integer, default=3)
    completion: Mapped[str] = mapped_column(String(20), default="submitted")
    # The grading rubric in English (``{"criteria": [{key, title, levels: [{points, label,
    # descriptor}]}]}``, see :mod:`.rubric`), None without one; its texts in the other languages
    # in ``rubric_translations`` (``{"fi": {text id: text, "_source": {text id: fingerprint}}}``).
    rubric: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    rubric_translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        CheckConstraint(_one_of("completion", COMPLETION_RULES), name="completion_known"),
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("text_entry OR file_upload", name="some_way_to_answer"),
    )

    def localized_instructions(self, locale: str | None) -> str:
        """The instructions in ``locale``, or in English where there is no translation."""
        return (self.translations or {}).get(locale or "en") or self.instructions


class Submission(db.Model):
    """One learner's work on one assignment, from the first draft to the grade."""

    __tablename__ = "assignment_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_assignments.activity_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # How many times it was handed in (a resubmission after a reopen counts again).
    times_submitted: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    feedback: Mapped[str] = mapped_column(Text, default="")
    # Graded with the rubric: the level chosen and the comment for each criterion
    # (``{"causes": {"points": 2, "comment": "…"}}``); None when graded with points alone.
    rubric_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    graded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint(_one_of("state", STATES), name="state_known"),
    )


class SubmissionFile(db.Model):
    """A file of a submission, kept in the site's file store under ``storage_key``."""

    __tablename__ = "assignment_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_submissions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="submission")
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("submission_id", "kind", "filename"),
        CheckConstraint(_one_of("kind", FILE_KINDS), name="kind_known"),
    )
