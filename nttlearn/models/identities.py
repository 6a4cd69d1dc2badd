"""Single sign-on identities: an account's logins at OpenID Connect providers.

An identity is the provider's stable name for a person, the pair (issuer, subject) from the ID
token; an e-mail address can change hands, so it is never what a returning login is matched by.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class UserIdentity(db.Model):
    __tablename__ = "user_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))  # the ID token's "iss"
    subject: Mapped[str] = mapped_column(String(255))  # the ID token's "sub"
    # The address the provider gave when the identity was linked (shown on the account page).
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    def __repr__(self) -> str:
        return f"<UserIdentity {self.id} user={self.user_id} {self.issuer}>"
