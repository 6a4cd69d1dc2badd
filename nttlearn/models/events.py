"""The event log: everything learners did, stored before plugins hear of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class EventRecord(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_events_name_created_at", "name", "created_at"),
        # user_id included: "active in the last N days" per course is answered from the index alone.
        Index("ix_events_course_id_created_at_user_id", "course_id", "created_at", "user_id"),
        Index("ix_events_user_id_created_at", "user_id", "created_at"),
        # The course report's failed attempts: one course's *.attempt_submitted events (0016).
        Index("ix_events_course_id_name", "course_id", "name"),
    )
