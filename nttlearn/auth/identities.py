"""Single sign-on, the accounts side: which account a provider's verified claims open.

A returning identity (issuer, subject) opens its account. A new identity whose verified e-mail
belongs to an account here is linked only after the person types that account's password: a
provider that says "verified" for an address it does not control must not hand over an account.
Otherwise a learner account is made (``NTTLEARN_OIDC_REGISTER``, on by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..config import LOCALES
from ..events import emit
from ..extensions import db
from ..models import User, UserIdentity, utcnow
from .oidc import SsoFailure
from .services import find_user, normalise_email

# Reasons a provider's claims open no account (beside nttlearn.auth.oidc's).
NO_EMAIL, UNVERIFIED, CLOSED, INACTIVE, TAKEN = "no_email", "unverified", "closed", "inactive", "taken"


@dataclass(frozen=True)
class Outcome:
    """What the claims lead to: ``login`` (the account of a known identity or a new one) or
    ``confirm`` (an existing account the person must prove with its password before linking)."""

    action: str
    user: User
    created: bool = False


def find_identity(issuer: str, subject: str) -> UserIdentity | None:
    return db.session.execute(
        db.select(UserIdentity).where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    ).scalar()


def identities_of(user: User) -> list[UserIdentity]:
    return list(db.session.execute(
        db.select(UserIdentity).where(UserIdentity.user_id == user.id).order_by(UserIdentity.created_at, UserIdentity.id)
    ).scalars())


def verified_email(claims: dict[str, Any], trusted: bool = False) -> str | None:
    """The claims' e-mail address when the provider says it has verified it (or the site trusts
    every address of this provider), else None.

    ``email_verified`` must be the JSON value true (some providers send the string "true");
    Entra ID's ``xms_edov`` (the address's domain is verified by its owner) counts too."""
    email = normalise_email(str(claims.get("email") or ""))
    if not email or "@" not in email or len(email) > 254:
        return None
    marks = (claims.get("email_verified"), claims.get("xms_edov"))
    verified = trusted or any(mark is True or str(mark).lower() == "true" for mark in marks)
    return email if verified else None


def _locale(claims: dict[str, Any]) -> str | None:
    code = str(claims.get("locale") or "").replace("_", "-").split("-")[0].lower()
    return code if code in LOCALES else None


def _name(claims: dict[str, Any], email: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(c) or "").strip() for c in ("given_name", "family_name")).strip()
    return (name or email.split("@")[0])[:200]


def account_for(claims: dict[str, Any], *, register: bool, trust_email: bool = False) -> Outcome:
    """Which account the provider's claims open (flushed, not committed). Raises SsoFailure
    with a reason for the login page when there is none."""
    if len(str(claims["iss"])) > 255 or len(str(claims["sub"])) > 255:  # OpenID Connect Core: sub fits 255
        raise SsoFailure("failed", "issuer or subject longer than 255 characters")
    identity = find_identity(claims["iss"], claims["sub"])
    if identity is not None:
        user = db.session.get(User, identity.user_id)
        if user is None or not user.is_active:
            raise SsoFailure(INACTIVE, f"user {identity.user_id}")
        identity.last_login_at = utcnow()
        return Outcome("login", user)
    if not str(claims.get("email") or "").strip():
        raise SsoFailure(NO_EMAIL)
    email = verified_email(claims, trust_email)
    if email is None:
        raise SsoFailure(UNVERIFIED)
    existing = find_user(email)
    if existing is not None:
        if not existing.is_active:
            raise SsoFailure(INACTIVE, f"user {existing.id}")
        return Outcome("confirm", existing)
    if not register:
        raise SsoFailure(CLOSED)
    user = User(email=email, name=_name(claims, email), password_hash="", role="learner", locale=_locale(claims))
    db.session.add(user)
    db.session.flush()
    emit("user.registered", user_id=user.id, data={"role": "learner", "via": "sso"})
    link_identity(user, claims)
    return Outcome("login", user, created=True)


def link_identity(user: User, claims: dict[str, Any]) -> UserIdentity:
    """Add the identity to ``user`` (flushed). A second, simultaneous link of the same identity
    (a double submit) finds the first; one linked to another account raises SsoFailure."""
    identity = UserIdentity(user_id=user.id, issuer=claims["iss"], subject=claims["sub"],
                            email=normalise_email(str(claims.get("email") or ""))[:254], last_login_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(identity)
    except IntegrityError:
        identity = find_identity(claims["iss"], claims["sub"])
        if identity is None or identity.user_id != user.id:
            raise SsoFailure(TAKEN, f"{claims['iss']} {claims['sub']}") from None
    return identity


def can_remove(user: User, identity: UserIdentity, identities: list[UserIdentity]) -> bool:
    """Whether ``identity`` may be removed: not when it is the account's last way to log in."""
    return bool(user.password_hash) or any(i.id != identity.id for i in identities)


def remove_identity(user: User, identity_id: int) -> str:
    """Remove one of ``user``'s identities (not committed): "removed", "last" (it is the last
    way to log in: kept) or "missing" (no such identity of theirs)."""
    identities = identities_of(user)
    identity = next((i for i in identities if i.id == identity_id), None)
    if identity is None:
        return "missing"
    if not can_remove(user, identity, identities):
        return "last"
    db.session.delete(identity)
    db.session.flush()
    return "removed"
