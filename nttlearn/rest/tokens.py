"""Personal access tokens: made, checked and revoked here (the model is ``nttlearn.models.ApiToken``).

A token reads ``ntt_<8 characters of prefix>_<secret>``; the prefix is stored in clear so that a
token can be recognised in a list (and in a leaked log), the whole token only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from ..extensions import db
from ..models import API_SCOPES, ApiToken, User, utcnow

TOKEN_START = "ntt_"  # noqa: S105 - the visible start of every token, not a secret


class TokenError(ValueError):
    """A token request that cannot be honoured (unknown scope, a scope the account may not have)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def allowed_scopes(user: User) -> tuple[str, ...]:
    """The scopes ``user`` may give a token: ``admin`` only for administrators."""
    return API_SCOPES if user.is_admin else tuple(s for s in API_SCOPES if s != "admin")


def create_token(
    user: User, scopes: list[str], name: str = "", expires_days: int | None = None
) -> tuple[str, ApiToken]:
    """Make a token for ``user`` (added to the session, not committed): (the token, its record).

    The token is returned once; it cannot be read back from the database.
    """
    unknown = [s for s in scopes if s not in API_SCOPES]
    if unknown or not scopes:
        raise TokenError(
            f"unknown scope {unknown[0]!r}" if unknown else "a token needs at least one scope"
        )
    refused = [s for s in scopes if s not in allowed_scopes(user)]
    if refused:
        raise TokenError(f"the account may not hold the scope {refused[0]!r}")
    if not user.active or user.deleted_at is not None:
        raise TokenError("the account is not active")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise TokenError("expires_days must be between 1 and 3650")
    prefix = TOKEN_START + secrets.token_hex(4)
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        prefix=prefix,
        token_hash=_digest(token),
        scopes=" ".join(s for s in API_SCOPES if s in scopes),
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def find_token(token: str, at: datetime | None = None) -> ApiToken | None:
    """The live token record for ``token``: not revoked, not expired, its account active."""
    if not token.startswith(TOKEN_START) or len(token) > 100:
        return None
    record = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).scalar()
    at = at or utcnow()
    if (
        record is None
        or record.revoked_at is not None
        or (record.expires_at and record.expires_at <= at)
    ):
        return None
    user = record.user
    if not user.active or user.deleted_at is not None:
        return None
    return record


def user_tokens(user: User) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    now = utcnow()
    return [
        t
        for t in db.session.execute(
            db.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
        if not (t.expires_at and t.expires_at <= now)
    ]


def revoke_token(record: ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
