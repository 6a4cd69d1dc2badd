"""The quiz plugin's tables (all prefixed ``quiz_``): the question bank of each course, the
quizzes placed as activities, and the learners' attempts, answers and grades.

A question's content lives in its versions (the question JSON of `questions.py`, without the
category); an attempt answer points to the version it was taken with, so editing a question
that attempts used makes a new version and never changes what a learner answered.
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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from nttlearn.api import UTCDateTime, db, utcnow

GRADING_METHODS = ("highest", "average", "first", "last")
COMPLETION_RULES = ("pass", "attempt")
LAYOUTS = ("one_page", "per_question")
NAVIGATION = ("free", "sequential")
REVIEW_TIMES = ("immediately", "after_last", "after_close", "never")
ATTEMPT_STATES = ("in_progress", "finished")
CLOSED_BY = ("learner", "timeout", "trainer")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Category(db.Model):
    """A folder of a course's question bank; ``path`` names it from the top, GIFT-style
    (``Networks/Funding``, a literal slash doubled), and is unique in the course."""

    __tablename__ = "quiz_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_categories.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("course_id", "path"),)


class Tag(db.Model):
    __tablename__ = "quiz_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("course_id", "name"),)


class QuestionTag(db.Model):
    __tablename__ = "quiz_question_tags"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Question(db.Model):
    """A question of the bank. Its content is version ``latest_version`` (see QuestionVersion);
    ``hidden`` questions were deleted by a trainer but are kept for the attempts that used them."""

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("quiz_categories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    qtype: Mapped[str] = mapped_column(String(50))
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_quiz_questions_category_id_name", "category_id", "name"),)


class QuestionVersion(db.Model):
    """One version of a question: its JSON (``Question.to_json()`` without ``category``, plus
    ``rubric`` for essays and ``case_sensitive`` for short answers), and its texts in other
    languages (``translations``, see `languages.py`), which change no version."""

    __tablename__ = "quiz_question_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("question_id", "number"),)


class Quiz(db.Model):
    """The settings of one placed quiz activity (its key is the activity's id)."""

    __tablename__ = "quiz_quizzes"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_answers: Mapped[bool] = mapped_column(Boolean, default=True)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=0)  # 0: unlimited
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    time_limit: Mapped[int | None] = mapped_column(Integer)  # seconds
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pass_mark: Mapped[float] = mapped_column(Float, default=0.0)  # percent
    completion: Mapped[str] = mapped_column(String(10), default="pass")
    layout: Mapped[str] = mapped_column(String(20), default="one_page")
    navigation: Mapped[str] = mapped_column(String(20), default="free")
    review_marks: Mapped[str] = mapped_column(String(20), default="immediately")
    review_feedback: Mapped[str] = mapped_column(String(20), default="immediately")
    review_correct: Mapped[str] = mapped_column(String(20), default="after_last")
    source_file: Mapped[str | None] = mapped_column(String(255))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_categories.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("attempts_allowed >= 0", name="attempts_allowed_not_negative"),
        CheckConstraint("time_limit IS NULL OR time_limit > 0", name="time_limit_positive"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark_percent"),
        CheckConstraint(_one_of("grading_method", GRADING_METHODS), name="grading_method_known"),
        CheckConstraint(_one_of("completion", COMPLETION_RULES), name="completion_known"),
        CheckConstraint(_one_of("layout", LAYOUTS), name="layout_known"),
        CheckConstraint(_one_of("navigation", NAVIGATION), name="navigation_known"),
        CheckConstraint(_one_of("review_marks", REVIEW_TIMES), name="review_marks_known"),
        CheckConstraint(_one_of("review_feedback", REVIEW_TIMES), name="review_feedback_known"),
        CheckConstraint(_one_of("review_correct", REVIEW_TIMES), name="review_correct_known"),
    )
    __mapper_args__ = {"version_id_col": version}


class Slot(db.Model):
    """A place in a quiz: a fixed question, or one question drawn at random from a category
    when an attempt starts."""

    __tablename__ = "quiz_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_quizzes.activity_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_categories.id", ondelete="CASCADE"), index=True
    )
    include_subcategories: Mapped[bool] = mapped_column(Boolean, default=False)
    mark: Mapped[float] = mapped_column(Float, default=1.0)

    __table_args__ = (
        CheckConstraint(
            "(question_id IS NULL AND category_id IS NOT NULL)"
            " OR (question_id IS NOT NULL AND category_id IS NULL)",
            name="fixed_or_random",
        ),
        CheckConstraint("mark >= 0", name="mark_not_negative"),
    )


class Attempt(db.Model):
    """One learner's attempt at a quiz. ``version`` counts the changes made to it (saves,
    submission): with the answers' ``sequence`` it tells a stale page from a current one.
    ``marks`` and ``percent`` are None while essays wait for a grader. ``locale`` is the language
    the attempt was taken in (None before languages were recorded)."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(20))
    current_page: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    marks: Mapped[float | None] = mapped_column(Float)
    max_marks: Mapped[float] = mapped_column(Float, default=0.0)
    percent: Mapped[float | None] = mapped_column(Float)
    needs_grading: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    locale: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", "number"),
        # At most one open attempt per learner and quiz, whatever two tabs do at once.
        Index(
            "uq_quiz_attempts_one_open",
            "activity_id",
            "user_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
        Index("ix_quiz_attempts_activity_id_state", "activity_id", "state"),
        CheckConstraint(_one_of("state", ATTEMPT_STATES), name="state_known"),
        CheckConstraint(
            f"closed_by IS NULL OR {_one_of('closed_by', CLOSED_BY)}", name="closed_by_known"
        ),
    )


class AttemptAnswer(db.Model):
    """One question of an attempt (``slot_number`` in the order shown) and the learner's
    response, in the shape `grading.py` documents. ``sequence`` counts the saves of this
    response: a save based on an older sequence was made on a stale page and is refused."""

    __tablename__ = "quiz_attempt_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    slot_number: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer, default=0)
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_slots.id", ondelete="SET NULL"), index=True
    )
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_question_versions.id"), index=True
    )
    mark: Mapped[float] = mapped_column(Float, default=1.0)
    choice_order: Mapped[list[int] | None] = mapped_column(JSON)
    response: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fraction: Mapped[float | None] = mapped_column(Float)
    needs_grading: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("attempt_id", "slot_number"),)


class QuizGrade(db.Model):
    """A learner's grade for a quiz (from their attempts by the grading method), and a
    trainer's override, which wins when set."""

    __tablename__ = "quiz_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    grade: Mapped[float | None] = mapped_column(Float)
    override: Mapped[float | None] = mapped_column(Float)
    override_comment: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint(
            "override IS NULL OR (override >= 0 AND override <= 100)", name="override_percent"
        ),
    )

    @property
    def effective(self) -> float | None:
        return self.override if self.override is not None else self.grade


class Allowance(db.Model):
    """Extra attempts and extra time a trainer gave one learner for one quiz."""

    __tablename__ = "quiz_allowances"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_quizzes.activity_id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint("extra_attempts >= 0 AND extra_minutes >= 0", name="not_negative"),
    )
