"""Where PyLTI1p3 keeps a login's nonce: in the database, not in the browser's session cookie.

A launch is a cross-site POST from the platform, which a SameSite session cookie does not come
with; and a nonce kept server-side is consumed once, so a replayed id_token is refused."""

from __future__ import annotations

from datetime import timedelta

from pylti1p3.contrib.flask import FlaskSessionService
from pylti1p3.exception import LtiException

from nttlearn.api import db, utcnow

from .models import Nonce

#: How long a platform has between our login redirect and its launch.
NONCE_LIFETIME = timedelta(hours=1)


class ReplayedLaunch(LtiException):
    """The id_token's nonce was already used by an accepted launch."""


class DatabaseSessionService(FlaskSessionService):
    def save_nonce(self, nonce: str) -> None:
        db.session.execute(db.delete(Nonce).where(Nonce.issued_at < utcnow() - timedelta(days=1)))
        db.session.add(Nonce(nonce=nonce))
        db.session.commit()

    def check_nonce(self, nonce: str) -> bool:
        row = db.session.execute(db.select(Nonce).where(Nonce.nonce == nonce)).scalar()
        if row is None or row.issued_at < utcnow() - NONCE_LIFETIME:
            return False
        if row.used_at is not None:
            raise ReplayedLaunch("nonce already used")
        return True


def consume_nonce(nonce: str) -> None:
    """Mark the nonce used; a second launch racing with the same id_token loses here."""
    done = db.session.execute(
        db.update(Nonce)
        .where(Nonce.nonce == nonce, Nonce.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if done.rowcount != 1:
        raise ReplayedLaunch("nonce already used")
