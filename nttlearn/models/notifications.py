"""Notifications: what a person is told in the app (and by e-mail), and how they want to be told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

#: How a person wants one kind of notification by e-mail: at once, in the daily digest, or not.
DELIVERIES = ("immediately", "digest", "off")
#: What happened to a notification's e-mail: sent, waiting for the digest, or none to send.
MAIL_STATES = ("sent", "digest", "none")


class Notification(db.Model):
    """One message to one person, listed in the app; ``key`` (when set) makes it unique per person,
    so a deadline reminder is stored, and mailed, at most once however often the job runs."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    mail: Mapped[str] = mapped_column(String(10), default="none")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint("mail IN ('sent', 'digest', 'none')", name="mail_known"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_digest", "mail", "user_id"),
    )


class NotificationPreference(db.Model):
    """How ``user_id`` wants notifications of ``kind`` by e-mail; no row means ``immediately``."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(12), default="immediately")

    __table_args__ = (
        CheckConstraint("delivery IN ('immediately', 'digest', 'off')", name="delivery_known"),
    )
