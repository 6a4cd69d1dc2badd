"""The plugin's own tables, all prefixed ``example_partner_``. It reads core tables (users,
organisations) but never another plugin's."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nttlearn.api import UTCDateTime, db, utcnow


class PartneringMeeting(db.Model):
    """A transnational partnering event where officials build network proposals together."""

    __tablename__ = "example_partner_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    # Who added it: personal data, exported and forgotten with the account (see services).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # One meeting per town and first day: the seed command and double submits stay idempotent.
        UniqueConstraint("town", "starts_on"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("length(country) = 2", name="country_iso2"),
    )


class CompletedCourseCount(db.Model):
    """How many courses the officials of an organisation have completed (anonymous aggregate)."""

    __tablename__ = "example_partner_completions"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    completions: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
