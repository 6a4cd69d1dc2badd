"""Single sign-on pages: log in with an OpenID Connect provider, confirm the link to an existing
account with its password, remove a linked identity from the account page, and log in again at
the provider to confirm the deletion of an account that has no password to type.

The routes belong to the ``auth`` blueprint. A login through a provider ends in the site's own
session, as a password login does (a fresh session, no fixation); logging out is local.
"""

from __future__ import annotations

import time
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import User, utcnow
from ..notifications.services import welcome_to_site
from ..ratelimit import limiter
from ..request_args import next_url
from . import oidc
from .forms import LinkIdentityForm
from .identities import (
    CLOSED,
    INACTIVE,
    NO_EMAIL,
    TAKEN,
    UNVERIFIED,
    account_for,
    find_identity,
    identities_of,
    link_identity,
    password_disabled,
    remove_identity,
)
from .oidc import SsoFailure
from .passwords import check_password, spend_a_verification
from .permissions import public, require_login
from .sessions import start_session
from .views import bp

PENDING_LINK = "sso_link"  # the session key of an identity waiting for its account's password
NEXT = "sso_next"
LINK_SECONDS = 600  # how long the password confirmation may wait
# Re-authentication at the provider, in place of a password, before an account is deleted: the
# login in progress, and the proof it gave (the time the provider says the person logged in).
REAUTH, REAUTHENTICATED = "sso_reauth", "sso_reauthenticated"
REAUTH_SECONDS = 300  # how long a fresh login at the provider confirms a deletion
CLOCK_SKEW_SECONDS = 30  # the provider's clock and ours may differ by this much


def _refusal(reason: str, provider: str) -> str:
    messages = {
        oidc.UNREACHABLE: _(
            "%(provider)s cannot be reached at the moment, so you could not log in with it. "
            "Please try again later.",
            provider=provider,
        ),
        oidc.STATE: _(
            "Your login with %(provider)s could not be completed: it was started in another browser "
            "or tab, or took too long. Please try again.",
            provider=provider,
        ),
        oidc.DENIED: _(
            "You cancelled the login at %(provider)s, or did not allow it to tell this site who you "
            "are. You are not logged in.",
            provider=provider,
        ),
        oidc.FAILED: _(
            "%(provider)s could not confirm who you are. Please try again, or ask your "
            "administrator.",
            provider=provider,
        ),
        NO_EMAIL: _(
            "%(provider)s did not give your e-mail address, which an account here needs. Ask your "
            "administrator.",
            provider=provider,
        ),
        UNVERIFIED: _(
            "%(provider)s has not verified your e-mail address, so it cannot be used to log in "
            "here. Verify it with %(provider)s first, or log in with your password.",
            provider=provider,
        ),
        CLOSED: _(
            "There is no account here for you yet, and this site does not create accounts through "
            "%(provider)s. Ask your administrator for one.",
            provider=provider,
        ),
        INACTIVE: _("This account is not active. Ask your administrator."),
        TAKEN: _(
            "This %(provider)s login is already linked to another account.", provider=provider
        ),
    }
    return messages.get(reason, messages[oidc.FAILED])


def _refused(settings: dict[str, str], failure: SsoFailure):
    db.session.rollback()
    current_app.logger.warning(
        "Single sign-on with %s refused: %s %r", settings["key"], failure.reason, failure.detail
    )
    flash(_refusal(failure.reason, settings["name"]), "error")
    return redirect(url_for("auth.login"))


def _callback_url(key: str) -> str:
    # The address registered at the provider: the site's public one, also behind a proxy.
    return current_app.config["BASE_URL"] + url_for("auth.sso_callback", key=key)


def _log_in(user: User):
    target = session.get(NEXT) or url_for("learn.dashboard")
    session.clear()  # a fresh session, as at a password login: no fixation
    start_session(user)
    return redirect(target)


@bp.route("/login/sso/<key>")
@public
def sso_login(key: str):
    """Send the browser to the provider's login."""
    if current_user.is_authenticated:
        return redirect(next_url(request.args.get("next")))
    settings = oidc.provider(key)
    if settings is None:
        abort(404)
    session[NEXT] = next_url(request.args.get("next"))
    try:
        return oidc.authorization_redirect(settings, _callback_url(key))
    except SsoFailure as failure:
        return _refused(settings, failure)


@bp.route("/login/sso/<key>/callback")
@public
def sso_callback(key: str):
    """Where the provider sends the browser back: log in, or ask for the password to link."""
    if current_user.is_authenticated:
        pending = session.get(REAUTH)
        if (
            isinstance(pending, dict)
            and pending.get("key") == key
            and pending.get("user_id") == current_user.id
        ):
            return _finish_reauthentication(key, pending)
        return redirect(url_for("learn.dashboard"))
    settings = oidc.provider(key)
    if settings is None:
        abort(404)
    try:
        claims = oidc.callback_claims(settings)
        outcome = account_for(
            claims,
            register=current_app.config["OIDC_REGISTER"],
            trust_email=bool(settings.get("trust_email")),
            settings=settings,
        )
    except SsoFailure as failure:
        return _refused(settings, failure)
    if outcome.action == "confirm":
        db.session.rollback()
        session[PENDING_LINK] = {
            "key": key,
            "iss": claims["iss"],
            "sub": claims["sub"],
            "email": outcome.user.email,
            "user_id": outcome.user.id,
            "until": time.time() + LINK_SECONDS,
        }
        return redirect(url_for("auth.sso_link"))
    if outcome.created:
        welcome_to_site(outcome.user)
    outcome.user.last_seen_at = utcnow()
    db.session.commit()
    if outcome.created:
        flash(_("Welcome, %(name)s! Your account is ready.", name=outcome.user.name), "success")
    return _log_in(outcome.user)


def _pending_link() -> tuple[dict[str, Any], dict[str, str], User] | None:
    pending = session.get(PENDING_LINK)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    settings = oidc.provider(pending.get("key", ""))
    user = db.session.get(User, pending.get("user_id", 0))
    if settings is None or user is None or not user.is_active or user.email != pending.get("email"):
        return None
    return pending, settings, user


@bp.route("/login/sso/link", methods=["GET", "POST"])
@public
def sso_link():
    """Link a provider's identity to the existing account with its e-mail address, once the
    person has typed that account's password."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    found = _pending_link()
    if found is None:
        session.pop(PENDING_LINK, None)
        flash(_("Your login has expired. Please start again."), "error")
        return redirect(url_for("auth.login"))
    pending, settings, user = found
    form = LinkIdentityForm()
    if form.validate_on_submit() and user.password_hash:
        limit, window = current_app.config["LOGIN_RATE_LIMIT"]
        by_account = limiter("login-account", limit, window)
        if by_account.blocked(user.email):
            flash(_("Too many failed attempts. Please wait a few minutes and try again."), "error")
            return render_template(
                "auth/sso_link.html", form=form, user=user, provider=settings["name"]
            ), 429
        if check_password(user.password_hash, form.password.data):
            by_account.reset(user.email)
            try:
                link_identity(
                    user, {"iss": pending["iss"], "sub": pending["sub"], "email": pending["email"]}
                )
            except SsoFailure as failure:
                return _refused(settings, failure)
            user.last_seen_at = utcnow()
            db.session.commit()
            flash(
                _(
                    "Your %(provider)s login is now linked to your account. Next time, it logs you in directly.",
                    provider=settings["name"],
                ),
                "success",
            )
            return _log_in(user)
        by_account.hit(user.email)
        form.password.errors.append(_("The password is not correct."))
    elif form.is_submitted() and not user.password_hash:
        spend_a_verification(form.password.data or "")
    return render_template("auth/sso_link.html", form=form, user=user, provider=settings["name"])


@bp.route("/account/identities/<int:identity_id>/remove", methods=["POST"])
@require_login
def remove_sso_identity(identity_id: int):
    """Remove a linked single sign-on login, unless it is the account's last way to log in."""
    result = remove_identity(current_user, identity_id)
    if result == "missing":
        abort(404)
    if result == "last" and current_app.config["OIDC_DISABLE_PASSWORDS"]:
        flash(
            _(
                "On this site, an account linked to your organisation's account logs in only with it, so its "
                "last single sign-on login cannot be removed. Ask your administrator."
            ),
            "error",
        )
    elif result == "last":
        flash(
            _(
                "This is the only way you can log in. Set a password first (Forgot your password?), "
                "then remove it."
            ),
            "error",
        )
    else:
        db.session.commit()
        flash(_("The single sign-on login has been removed from your account."), "success")
    return redirect(url_for("auth.profile") + "#identities")


# -- re-authentication before deleting an account without a password ---------------------------------
def reauthentication_providers(user: User) -> list[dict[str, str]]:
    """The configured providers the account has a linked login with: where it can prove, by
    logging in again, that the person at the keyboard is the account's owner."""
    issuers = {identity.issuer.rstrip("/") for identity in identities_of(user)}
    return [settings for settings in oidc.providers() if settings["issuer"] in issuers]


def confirms_with_provider(user: User) -> bool:
    """Whether deleting the account is confirmed by a fresh login at a provider rather than the
    password: the account has none, or may not use it (``NTTLEARN_OIDC_DISABLE_PASSWORDS``)."""
    return not user.password_hash or password_disabled(user)


def recently_reauthenticated(user: User) -> bool:
    """Whether this browser logged in again at a provider, as ``user``, in the last few minutes."""
    proof = session.get(REAUTHENTICATED)
    return (
        isinstance(proof, dict)
        and proof.get("user_id") == user.id
        and 0 <= time.time() - float(proof.get("at", 0)) <= REAUTH_SECONDS
    )


@bp.route("/account/delete/reauthenticate/<key>", methods=["POST"])
@require_login
def reauthenticate_for_deletion(key: str):
    """Send the browser to the provider's login page, which must ask for the password again
    (``prompt=login``, ``max_age=0``) even if the person is logged in there."""
    settings = next((p for p in reauthentication_providers(current_user) if p["key"] == key), None)
    if settings is None:
        abort(404)
    session.pop(REAUTHENTICATED, None)
    session[REAUTH] = {"key": key, "user_id": current_user.id, "started": time.time()}
    try:
        return oidc.authorization_redirect(settings, _callback_url(key), reauthenticate=True)
    except SsoFailure as failure:
        session.pop(REAUTH, None)
        current_app.logger.warning(
            "Re-authentication with %s refused: %s %r", key, failure.reason, failure.detail
        )
        flash(_refusal(failure.reason, settings["name"]), "error")
        return redirect(url_for("auth.delete"))


def _finish_reauthentication(key: str, pending: dict[str, Any]):
    """The provider sent the browser back: accept it as proof only when the provider says this
    account's login logged in after the request was sent (``auth_time``, OpenID Connect Core 1.0,
    2: required when ``max_age`` was asked for)."""
    session.pop(REAUTH, None)
    settings = oidc.provider(key)
    if settings is None:
        abort(404)
    try:
        claims = oidc.callback_claims(settings)
    except SsoFailure as failure:
        current_app.logger.warning(
            "Re-authentication with %s refused: %s %r", key, failure.reason, failure.detail
        )
        flash(_refusal(failure.reason, settings["name"]), "error")
        return redirect(url_for("auth.delete"))
    identity = find_identity(claims["iss"], claims["sub"])
    if identity is None or identity.user_id != current_user.id:
        flash(
            _(
                "You logged in at %(provider)s with another login than the one linked to this account. "
                "Your account was not deleted.",
                provider=settings["name"],
            ),
            "error",
        )
        return redirect(url_for("auth.delete"))
    auth_time, now = claims.get("auth_time"), time.time()
    started = float(pending.get("started", 0))
    if (
        not isinstance(auth_time, int | float)
        or isinstance(auth_time, bool)
        or not started - CLOCK_SKEW_SECONDS <= auth_time <= now + CLOCK_SKEW_SECONDS
    ):
        current_app.logger.warning(
            "Re-authentication with %s: auth_time %r is not after %s", key, auth_time, started
        )
        flash(
            _(
                "%(provider)s did not confirm that you logged in again just now, so your account was not "
                "deleted. Please try again.",
                provider=settings["name"],
            ),
            "error",
        )
        return redirect(url_for("auth.delete"))
    session[REAUTHENTICATED] = {"user_id": current_user.id, "at": now}
    flash(
        _(
            "You have confirmed who you are with %(provider)s. You can now delete your account.",
            provider=settings["name"],
        ),
        "success",
    )
    return redirect(url_for("auth.delete"))
