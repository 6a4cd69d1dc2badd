"""The certificates plugin's tables, all prefixed ``certificates_``.

They refer to the core's users and courses only. An issued certificate copies everything it
prints (the learner's name as it was that day, the course's title, hours and outcomes, the
issuer, the signatories), so editing a course or renaming a person never changes a certificate
after the fact: a correction is a revocation and a new certificate.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from nttlearn.api import UTCDateTime, db, utcnow

STATUS_VALID = "valid"
STATUS_REVOKED = "revoked"
STATUS_EXPIRED = "expired"


class CourseCertificateSettings(db.Model):
    """Whether and when a course's learners get a certificate (absent: the defaults)."""

    __tablename__ = "certificates_course_settings"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Also required besides completing the course: every quiz of the course graded at least
    # this (0..100, from the core's activity completions), and an accepted proposal (from the
    # event log's ``peer_review.proposal_accepted``).
    min_quiz_grade: Mapped[float | None] = mapped_column(Float)
    require_accepted_proposal: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(
            "min_quiz_grade IS NULL OR (min_quiz_grade >= 0 AND min_quiz_grade <= 100)",
            name="grade_is_a_percentage",
        ),
        CheckConstraint("valid_months IS NULL OR valid_months > 0", name="validity_is_positive"),
    )


class CertificateDesign(db.Model):
    """A certificate template: a course's own, or the site default (``course_id`` NULL).

    ``site_default`` is True on the site default and NULL on course templates, so that a unique
    constraint allows exactly one site default on every database.
    """

    __tablename__ = "certificates_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    site_default: Mapped[bool | None] = mapped_column(Boolean, unique=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    primary_colour: Mapped[str] = mapped_column(String(7), default="#1F3A5F")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#B08D57")
    text_colour: Mapped[str] = mapped_column(String(7), default="#222222")
    # [{"name": "Maria Rossi", "role": "Coordinator"}, …], at most three.
    signatories: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_1: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_2: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_3: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(
            "(course_id IS NULL AND site_default IS NOT NULL) "
            "OR (course_id IS NOT NULL AND site_default IS NULL)",
            name="site_default_or_course",
        ),
    )

    @property
    def signature_images(self) -> list[bytes | None]:
        return [self.signature_1, self.signature_2, self.signature_3]


class StatusList(db.Model):
    """A published W3C Bitstring Status List (``/certificates/status/<id>``) and its signed
    ``BitstringStatusListCredential``, re-signed whenever one of its certificates is revoked.

    Ids are given, not generated (1, 2, …), so that two requests starting the same new list
    collide on the primary key instead of publishing two.
    """

    __tablename__ = "certificates_status_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    purpose: Mapped[str] = mapped_column(String(20), default="revocation")
    size: Mapped[int] = mapped_column(Integer)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("size > 0 AND size % 8 = 0", name="size_is_whole_bytes"),)


class IssuedCertificate(db.Model):
    """One certificate as issued: what it printed and signed, and what happened to it since."""

    __tablename__ = "certificates_issued"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates_templates.id", ondelete="SET NULL")
    )
    # As printed on the day it was issued.
    learner_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    course_slug: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    hours: Mapped[float | None] = mapped_column(Float)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_url: Mapped[str] = mapped_column(String(300), default="")
    signatories: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who issued it by hand, and why (None and "" when the course's rule issued it).
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issue_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates_issued.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # The signed OpenBadgeCredential and the salt of its recipient hash.
    credential: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    salt: Mapped[str] = mapped_column(String(64), default="")
    # The certificate's revocation bit (``credentialStatus``); None for certificates issued
    # before status lists, whose credentials point to the 1EdTech revocation list only.
    status_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates_status_lists.id", ondelete="RESTRICT")
    )
    status_list_index: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # A learner holds at most one certificate per course that is not revoked: the automatic
        # issue and a trainer's (or two workers hearing the same event) cannot both insert one.
        Index(
            "uq_certificates_issued_live_user_course",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        # One certificate per bit: two issued at once cannot share a place in a status list.
        UniqueConstraint("status_list_id", "status_list_index"),
        CheckConstraint(
            "(status_list_id IS NULL) = (status_list_index IS NULL)",
            name="status_place_is_complete",
        ),
        CheckConstraint(
            "status_list_index IS NULL OR status_list_index >= 0",
            name="status_index_is_not_negative",
        ),
    )

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return STATUS_REVOKED
        moment = now or datetime.now(UTC)
        if self.valid_until is not None and moment >= self.valid_until:
            return STATUS_EXPIRED
        return STATUS_VALID

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
