"""Sign-in sessions kept on the server, so that each can be listed and ended (logout, "log out
everywhere", a password change, an administrator) and a copied cookie dies with its record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class UserSession(db.Model):
    """One browser signed in to one account.

    The browser holds a random token (in the signed session cookie and, with "keep me logged in",
    the remember-me cookie); only its SHA-256 is stored, so a copy of the database does not give
    anyone a working session. Ending a session deletes its row.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute (see nttlearn.auth.sessions), so it is as precise as that.
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    device: Mapped[str] = mapped_column(String(120), default="")  # "Firefox 126 on Windows 10"
    ip_address: Mapped[str] = mapped_column(String(45), default="")  # the last one seen

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
