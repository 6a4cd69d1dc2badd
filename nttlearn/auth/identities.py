"""Single sign-on, the accounts side: which account a provider's verified claims open.

A returning identity (issuer, subject) opens its account. A new identity whose verified e-mail
belongs to an account here is linked only after the person types that account's password: a
provider that says "verified" for an address it does not control must not hand over an account.
Otherwise a learner account is made (``NTTLEARN_OIDC_REGISTER``, on by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..config import LOCALES
from ..events import emit
from ..extensions import db
from ..models import Organisation, User, UserIdentity, utcnow
from .forms import NOT_COUNTRIES
from .oidc import SsoFailure, provider_names
from .services import find_organisation, find_user, normalise_email

# Reasons a provider's claims open no account (beside nttlearn.auth.oidc's).
NO_EMAIL, UNVERIFIED, CLOSED, INACTIVE, TAKEN = (
    "no_email",
    "unverified",
    "closed",
    "inactive",
    "taken",
)


@dataclass(frozen=True)
class Outcome:
    """What the claims lead to: ``login`` (the account of a known identity or a new one) or
    ``confirm`` (an existing account the person must prove with its password before linking)."""

    action: str
    user: User
    created: bool = False


def find_identity(issuer: str, subject: str) -> UserIdentity | None:
    return db.session.execute(
        db.select(UserIdentity).where(
            UserIdentity.issuer == issuer, UserIdentity.subject == subject
        )
    ).scalar()


def identities_of(user: User) -> list[UserIdentity]:
    return list(
        db.session.execute(
            db.select(UserIdentity)
            .where(UserIdentity.user_id == user.id)
            .order_by(UserIdentity.created_at, UserIdentity.id)
        ).scalars()
    )


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
        name = " ".join(
            str(claims.get(c) or "").strip() for c in ("given_name", "family_name")
        ).strip()
    return (name or email.split("@")[0])[:200]


def _claim_text(claims: dict[str, Any], name: str) -> str:
    """A claim's text: a string, or the first of a list (a "groups"-like claim); else ""."""
    value = claims.get(name) if name else None
    if isinstance(value, list):
        value = value[0] if value else None
    return " ".join(value.split()) if isinstance(value, str) else ""


def organisation_from_claims(
    claims: dict[str, Any], settings: dict[str, str]
) -> Organisation | None:
    """The organisation a new account joins: the one named by the provider's
    ``organisation_claim`` (found whatever the letter case, else made in the country of
    ``country_claim`` or the provider's ``country``). None without the claim, or when a new
    organisation would have no country (logged)."""
    name = _claim_text(claims, settings.get("organisation_claim", ""))[:200]
    if not name:
        return None
    organisation = find_organisation(name)
    if organisation is not None:
        return organisation
    country = _claim_text(claims, settings.get("country_claim", "")).upper()
    if (
        not (len(country) == 2 and country.isascii() and country.isalpha())
        or country in NOT_COUNTRIES
    ):
        country = settings.get("country", "")
    if not country:
        current_app.logger.warning(
            "Single sign-on: no country for the new organisation %r (set the provider's "
            "country or country_claim); the account has no organisation",
            name,
        )
        return None
    organisation = Organisation(name=name, country=country)
    try:
        with db.session.begin_nested():  # the same organisation made at once by another login
            db.session.add(organisation)
    except IntegrityError:
        organisation = find_organisation(name)
    return organisation


def sso_providers_of(user: User) -> list[str]:
    """The names of the configured providers the account has a linked login with."""
    names = provider_names()
    return sorted(
        {names[i.issuer.rstrip("/")] for i in identities_of(user) if i.issuer.rstrip("/") in names}
    )


def password_disabled(user: User) -> bool:
    """Whether the account may not use a password (``NTTLEARN_OIDC_DISABLE_PASSWORDS`` and a
    login linked with a provider still configured): no password login, reset or change."""
    return bool(current_app.config.get("OIDC_DISABLE_PASSWORDS")) and bool(sso_providers_of(user))


def account_for(
    claims: dict[str, Any],
    *,
    register: bool,
    trust_email: bool = False,
    settings: dict[str, str] | None = None,
) -> Outcome:
    """Which account the provider's claims open (flushed, not committed). Raises SsoFailure
    with a reason for the login page when there is none. A new account joins the organisation
    of the provider's ``organisation_claim`` (``settings``)."""
    if (
        len(str(claims["iss"])) > 255 or len(str(claims["sub"])) > 255
    ):  # OpenID Connect Core: sub fits 255
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
    user = User(
        email=email,
        name=_name(claims, email),
        password_hash="",
        role="learner",
        locale=_locale(claims),
        organisation=organisation_from_claims(claims, settings or {}),
    )
    db.session.add(user)
    db.session.flush()
    emit("user.registered", user_id=user.id, data={"role": "learner", "via": "sso"})
    link_identity(user, claims)
    return Outcome("login", user, created=True)


def link_identity(user: User, claims: dict[str, Any]) -> UserIdentity:
    """Add the identity to ``user`` (flushed). A second, simultaneous link of the same identity
    (a double submit) finds the first; one linked to another account raises SsoFailure."""
    identity = UserIdentity(
        user_id=user.id,
        issuer=claims["iss"],
        subject=claims["sub"],
        email=normalise_email(str(claims.get("email") or ""))[:254],
        last_login_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(identity)
    except IntegrityError:
        identity = find_identity(claims["iss"], claims["sub"])
        if identity is None or identity.user_id != user.id:
            raise SsoFailure(TAKEN, f"{claims['iss']} {claims['sub']}") from None
    return identity


def can_remove(user: User, identity: UserIdentity, identities: list[UserIdentity]) -> bool:
    """Whether ``identity`` may be removed: not when it is the account's last way to log in, nor
    the last login with a provider when passwords are disabled for such accounts (removing it
    would make the password usable again)."""
    others = any(i.id != identity.id for i in identities)
    if current_app.config.get("OIDC_DISABLE_PASSWORDS"):
        return others
    return bool(user.password_hash) or others


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
