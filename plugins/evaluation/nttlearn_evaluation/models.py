"""The evaluation plugin's tables: surveys placed in courses, who answered, and the answers;
and its copy of the applications teams submitted to funders (from peer_review's events).

Anonymity is a property of the schema, not of the pages: an anonymous survey's response row has
no user id and no time, its primary key is random, and the row that records *that* someone
answered (to refuse a second answer) shares nothing with it. On SQLite the three tables are
``WITHOUT ROWID`` so that not even the storage order pairs a respondent with a response.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nttlearn.api import UTCDateTime, db

TEMPLATES = ("end-of-course", "needs")


def random_id() -> str:
    return uuid.uuid4().hex


class Survey(db.Model):
    """The survey behind an activity of type ``survey``: a template or inline questions, with
    their translations."""

    __tablename__ = "evaluation_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), unique=True
    )
    template: Mapped[str] = mapped_column(String(40), default="")  # "" when questions are inline
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The questions with their English texts (see languages.py): as validated from module.yaml, or
    # copied from the template on import; empty only for a template survey stored before that copy.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {"it": {"<question id>": …, "<question id>/<option id>": …, "_source": {…}}}: the texts in
    # other languages, each with the fingerprint of the English it was made from.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


class SurveyRespondent(db.Model):
    """That ``user_id`` has answered ``survey_id``: nothing more (no time, no response id)."""

    __tablename__ = "evaluation_respondents"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = ({"sqlite_with_rowid": False},)


class SurveyResponse(db.Model):
    """One submitted questionnaire. ``user_id`` and ``submitted_at`` stay empty when anonymous."""

    __tablename__ = "evaluation_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_surveys.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("survey_id", "user_id"),
        {"sqlite_with_rowid": False},
    )


class SurveyAnswer(db.Model):
    """One answer to one question: a Likert value, one chosen option, or a text.

    A multiple-choice answer is one row per chosen option (``item`` numbers them), so that
    distributions are a ``GROUP BY`` in the database.
    """

    __tablename__ = "evaluation_answers"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    item: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    survey_id: Mapped[int] = mapped_column(ForeignKey("evaluation_surveys.id", ondelete="CASCADE"))
    value: Mapped[int | None] = mapped_column(Integer)
    choice: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_evaluation_answers_survey_id_question", "survey_id", "question"),
        {"sqlite_with_rowid": False},
    )


class FundingApplication(db.Model):
    """The evaluation plugin's own copy of an application a team submitted to a funder, kept from
    the ``peer_review.application_recorded``/``…_updated`` events (latest state wins), so that the
    impact report never reads another plugin's tables."""

    __tablename__ = "evaluation_applications"

    application_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    team_id: Mapped[int | None] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(200), default="")
    funding_call: Mapped[str] = mapped_column(String(200), default="")
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    lead_organisation: Mapped[str] = mapped_column(String(200), default="")
    partner_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    outcome: Mapped[str] = mapped_column(String(10), default="pending")
    granted_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CourseActivity(db.Model):
    """Pre-aggregated from the event log by the periodic job ``evaluation.refresh-report-summaries``:
    each learner's latest event in each course, up to the event ``ReportSummaryState.last_event_id``.
    The reports add the events after that mark live, so what they show never lags the log."""

    __tablename__ = "evaluation_course_activity"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_evaluation_course_activity_last_event_at", "last_event_at", "course_id"),
    )


class ReportSummaryState(db.Model):
    """How far into the event log (by event id) each pre-aggregated table has been brought."""

    __tablename__ = "evaluation_summary_state"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
