"""Invitations: an account made for someone (by an import) gets a link to choose its password.

The link is a signed token naming the account and the tail of its password hash, as a reset
link does, under a salt of its own: it works until the account has a password (then the hash
changes and the link is spent) and for ``INVITATION_DAYS`` (``NTTLEARN_INVITATION_DAYS``).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..mail import send_mail
from ..models import User


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def invitation_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "h": user.password_hash[-12:]})


def user_from_invitation(token: str) -> User | None:
    """The account the link invites, or None when it is invalid, expired or already used."""
    max_age = current_app.config["INVITATION_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or user.password_hash[-12:] != data.get("h"):
        return None
    return user


def may_be_invited(user: User) -> bool:
    """Only an account that has never had a password: an invitation is not a reset link."""
    return user.password_hash == "" and user.is_active


def send_invitation(user: User) -> None:
    """Mail the invitation, in the account's language."""
    config = current_app.config
    link = config["BASE_URL"] + _path("onboarding.accept_invitation", token=invitation_token(user))
    with force_locale(user.locale or "en"):
        body = _(
            "Hello %(name)s,\n\nAn account on %(site)s has been made for you, with this e-mail address as "
            "your login.\n\nTo start, choose your password within %(days)d days at this link:\n\n%(link)s\n\n"
            "After that, the link no longer works; you can always ask for a new password on the login page.",
            name=user.name,
            site=config["SITE_NAME"],
            days=config["INVITATION_DAYS"],
            link=link,
        )
        send_mail(user.email, _("You are invited to %(site)s", site=config["SITE_NAME"]), body)


def _path(endpoint: str, **values: str) -> str:
    """The URL path of ``endpoint``, in a request or not (the import command sends invitations)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def send_invitations(users: Iterable[User]) -> int:
    count = 0
    for user in users:
        if may_be_invited(user):
            send_invitation(user)
            count += 1
    return count
