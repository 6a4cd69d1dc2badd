"""Registration that proves the address and does not tell who has an account.

Registering sends a message either way and shows the same page: to a new address, a link that
creates the account (the form's data travel encrypted in the link, so nothing is stored for
addresses nobody confirms); to an address that already has an account, a note to its owner with
the way to log in or reset the password. Registration and password-reset requests are throttled
per address and per IP, so neither form can be used to flood someone's inbox.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..mail import send_mail
from ..models import User
from ..ratelimit import limiter
from .passwords import hash_password
from .services import AccountError, create_user, find_user, normalise_email

CONFIRM_MAX_AGE = 24 * 3600
FIELDS = ("email", "name", "organisation", "town", "country", "locale")


def _fernet() -> Fernet:
    # A key of its own, derived from the secret key: a registration link cannot be replayed as
    # any other signed value of the app, and rotating the secret key voids open links.
    digest = hashlib.sha256(
        b"nttlearn-registration:" + current_app.config["SECRET_KEY"].encode()
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def too_many_mail_requests(kind: str, email: str) -> bool:
    """Count a request that sends mail (``kind``: "register" or "reset") and tell whether the
    address or the IP has gone over its limit (``ACCOUNT_MAIL_RATE_LIMIT``)."""
    limits = current_app.config["ACCOUNT_MAIL_RATE_LIMIT"]
    keys = {"address": normalise_email(email), "ip": request.remote_addr or "?"}
    over = False
    for scope, key in keys.items():
        limit, window = limits[scope]
        counter = limiter(f"{kind}-{scope}", limit, window)
        over = over or counter.blocked(key)
        counter.hit(key)
    return over


def start_registration(data: dict[str, Any], password: str) -> None:
    """Mail the address: a confirmation link if it is new, a note to its owner if it is not."""
    email = normalise_email(data["email"])
    existing = find_user(email)
    site = current_app.config["SITE_NAME"]
    if existing is not None:
        login = current_app.config["BASE_URL"] + url_for("auth.login")
        reset = current_app.config["BASE_URL"] + url_for("auth.forgot_password")
        with force_locale(existing.locale or "en"):
            body = _(
                "Hello %(name)s,\n\nSomeone, perhaps you, tried to create a new account on %(site)s with this "
                "e-mail address. You already have an account, so nothing was created.\n\nLog in: %(login)s\n"
                "Forgot your password? Choose a new one: %(reset)s\n\nIf this was not you, you can ignore this message.",
                name=existing.name,
                site=site,
                login=login,
                reset=reset,
            )
            send_mail(existing.email, _("You already have an account on %(site)s", site=site), body)
        return
    payload = {field: data.get(field) or "" for field in FIELDS} | {
        "email": email,
        "h": hash_password(password),
    }
    token = _fernet().encrypt(json.dumps(payload).encode()).decode()
    link = current_app.config["BASE_URL"] + url_for("auth.confirm_registration", token=token)
    with force_locale(data.get("locale") or "en"):
        body = _(
            "Hello %(name)s,\n\nTo finish creating your account on %(site)s, open this link within 24 hours:\n\n"
            "%(link)s\n\nIf you did not ask for an account, ignore this message: nothing is created without it.",
            name=payload["name"],
            site=site,
            link=link,
        )
        send_mail(email, _("Confirm your e-mail address for %(site)s", site=site), body)


def finish_registration(token: str) -> User | None:
    """Create the account the link describes; None when the link is invalid or expired.

    Raises ``AccountError`` when the account exists already (the link was opened twice)."""
    try:
        payload = json.loads(_fernet().decrypt(token.encode(), ttl=CONFIRM_MAX_AGE))
    except (InvalidToken, ValueError, UnicodeError):
        return None
    user = create_user(
        email=payload["email"],
        name=payload["name"],
        password_hash=payload["h"],
        organisation=payload["organisation"],
        town=payload["town"],
        country=payload["country"],
        locale=payload["locale"] or None,
    )
    return user


__all__ = ["AccountError", "finish_registration", "start_registration", "too_many_mail_requests"]
