"""People: users, their organisations (municipalities and other bodies)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ROLES = ("learner", "trainer", "coordinator", "admin")


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    town: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("length(country) = 2", name="country_iso2"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.town}, {self.country})" if self.town else self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default="learner")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(5))
    # A zoneinfo name (Europe/Rome); None: the site's NTTLEARN_DEFAULT_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The secret in the address of the personal calendar feed; None: no feed. A new one revokes it.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(
            "role IN ('learner', 'trainer', 'coordinator', 'admin')", name="role_known"
        ),
    )

    # Set by nttlearn.auth.sessions when this object is the signed-in user of a request: the
    # token of that browser's session record (never stored; only its hash is), and the record.
    session_token = None
    session_record = None

    def get_id(self) -> str:
        """Flask-Login's "alternative id": the session record's token, not the user id, so that
        a copied cookie stops working as soon as its record is ended."""
        if not self.session_token:
            raise RuntimeError(
                "start a session with nttlearn.auth.sessions.start_session(), not login_user()"
            )
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated and deleted users cannot log in
        return self.active and self.deleted_at is None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_trainer(self) -> bool:
        """May author courses (site role); per-course rights are in CourseStaff."""
        return self.role in ("trainer", "admin")

    @property
    def is_coordinator(self) -> bool:
        return self.role in ("coordinator", "admin")

    @property
    def country(self) -> str | None:
        return self.organisation.country if self.organisation else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
