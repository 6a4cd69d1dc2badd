"""Accounts: register, log in and out, reset and change the password, profile, export, delete."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..config import LOCALES
from ..extensions import db
from ..mail import send_mail
from ..models import Organisation, User, UserIdentity, utcnow
from ..notifications.services import welcome_to_site
from ..ratelimit import limiter
from ..request_args import next_url
from .forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ProviderDeleteAccountForm,
    RegistrationForm,
    ResetPasswordForm,
)
from .identities import can_remove, identities_of, password_disabled, sso_providers_of
from .oidc import provider_names
from .passwords import check_password, hash_password, needs_rehash, spend_a_verification
from .permissions import public, require_login
from .registration import FIELDS, finish_registration, start_registration, too_many_mail_requests
from .services import (
    AccountError,
    delete_account,
    export_user_data,
    find_or_create_organisation,
    find_user,
    reset_token,
    user_from_reset_token,
)
from .sessions import (
    active_sessions,
    current_record,
    end_session,
    end_sessions,
    end_this_session,
    start_session,
)

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = RegistrationForm()
    if request.method == "GET":
        form.locale.data = str(request.accept_languages.best_match(LOCALES) or "en")
    if form.validate_on_submit():
        if too_many_mail_requests("register", form.email.data):
            return _too_many_requests(
                "auth/register.html", form=form, organisations=_organisation_names()
            )
        start_registration({name: getattr(form, name).data for name in FIELDS}, form.password.data)
        # The same answer for a new address and one with an account: no account enumeration.
        return redirect(url_for("auth.registration_sent"))
    return render_template("auth/register.html", form=form, organisations=_organisation_names())


def _organisation_names() -> list[str]:
    return list(
        db.session.execute(db.select(Organisation.name).order_by(Organisation.name)).scalars()
    )


def _sso_only(user: User) -> str:
    return _(
        'Your account logs in with %(providers)s only, not with a password. Use the "Log in with %(provider)s" '
        "button on the login page.",
        providers=", ".join(sso_providers_of(user)),
        provider=sso_providers_of(user)[0],
    )


def _too_many_requests(template: str, **context) -> tuple[str, int]:
    flash(
        _(
            "Too many requests for this address or from your network. Please wait an hour and try again."
        ),
        "error",
    )
    return render_template(template, **context), 429


@bp.route("/register/sent")
@public
def registration_sent():
    return render_template("auth/registration_sent.html")


@bp.route("/register/confirm/<token>")
@public
def confirm_registration(token: str):
    try:
        user = finish_registration(token)
    except (AccountError, IntegrityError):  # the link was opened twice (or twice at once)
        db.session.rollback()
        flash(
            _("Your account exists already. Log in with your e-mail address and password."), "info"
        )
        return redirect(url_for("auth.login"))
    if user is None:
        flash(
            _("This confirmation link is invalid or has expired. Please register again."), "error"
        )
        return redirect(url_for("auth.register"))
    welcome_to_site(user)
    db.session.commit()
    session.clear()  # a fresh session, as at login: no fixation, and not someone else's
    start_session(user)
    flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
    return redirect(url_for("learn.catalogue"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(next_url(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        limit, window = current_app.config["LOGIN_RATE_LIMIT"]
        by_account = limiter("login-account", limit, window)
        by_ip = limiter("login-ip", limit * 5, window)
        account_key, ip_key = form.email.data.strip().lower(), request.remote_addr or "?"
        if by_account.blocked(account_key) or by_ip.blocked(ip_key):
            flash(_("Too many failed attempts. Please wait a few minutes and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        user = find_user(form.email.data)
        if user is None:
            spend_a_verification(form.password.data)
        elif check_password(user.password_hash, form.password.data) and user.is_active:
            if password_disabled(user):
                # The right password, but this account logs in through its provider only.
                flash(_sso_only(user), "error")
                return render_template("auth/login.html", form=form)
            by_account.reset(account_key)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.last_seen_at = utcnow()
            db.session.commit()
            session.clear()  # a fresh session on login: no fixation
            start_session(user, remember=form.remember.data)
            return redirect(next_url(request.args.get("next")))
        by_account.hit(account_key)
        by_ip.hit(ip_key)
        flash(_("The e-mail address or password is not correct."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@require_login
def logout():
    end_this_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("learn.catalogue"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if too_many_mail_requests("reset", form.email.data):
            return _too_many_requests("auth/forgot.html", form=form)
        user = find_user(form.email.data)
        if user is not None and user.is_active and password_disabled(user):
            # The page answers as for any address (no account enumeration); the mail explains.
            body = _(
                'Hello %(name)s,\n\nSomeone asked to reset your password for %(site)s. Your account logs in with %(providers)s, not with a password, so no password can be set here. Log in with the "Log in with …" button on the login page:\n\n%(link)s\n\nIf you did not ask for this, ignore this message.',
                name=user.name,
                site=current_app.config["SITE_NAME"],
                providers=", ".join(sso_providers_of(user)),
                link=current_app.config["BASE_URL"] + url_for("auth.login"),
            )
            send_mail(user.email, _("Your account logs in with single sign-on"), body)
        elif user is not None and user.is_active:
            link = current_app.config["BASE_URL"] + url_for(
                "auth.reset_password", token=reset_token(user)
            )
            body = _(
                "Hello %(name)s,\n\nTo choose a new password for %(site)s, open this link within two hours:\n\n%(link)s\n\nIf you did not ask for this, ignore this message.",
                name=user.name,
                site=current_app.config["SITE_NAME"],
                link=link,
            )
            send_mail(user.email, _("Reset your password"), body)
        # The same answer whether or not the address exists: no account enumeration.
        flash(
            _(
                "If an account exists for this address, we have sent it a link to reset the password."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = user_from_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    if password_disabled(user):
        flash(_sso_only(user), "error")
        return redirect(url_for("auth.login"))
    form = ResetPasswordForm(account=user)
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        end_sessions(user)  # whoever knew the old password is out, everywhere
        db.session.commit()
        flash(_("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def _profile_data(user: User) -> dict[str, str]:
    """What the profile form shows before the person edits it."""
    org = user.organisation
    return {
        "name": user.name,
        "locale": user.locale or "en",
        "timezone": user.timezone or "",
        "organisation": org.name if org else "",
        "town": org.town if org else "",
        "country": org.country if org else "",
    }


def _profile_page(form: ProfileForm, password_form: ChangePasswordForm) -> str:
    from ..calendar.services import feed_url
    from ..notifications.views import preferences_form

    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form,
        sessions=active_sessions(current_user),
        this_session=current_record(),
        identities=_linked_identities(current_user),
        password_disabled=password_disabled(current_user),
        preferences_form=preferences_form(current_user),
        calendar_feed=feed_url(current_user),
    )


def _linked_identities(user: User) -> list[tuple[UserIdentity, str, bool]]:
    """The account's single sign-on logins: each with its provider's name and whether it may go."""
    identities, names = identities_of(user), provider_names()
    return [
        (i, names.get(i.issuer.rstrip("/"), i.issuer), can_remove(user, i, identities))
        for i in identities
    ]


@bp.route("/account", methods=["GET", "POST"])
@require_login
def profile():
    # Only what was posted is read on POST: a field missing from the request is an error, never
    # a value taken from the account (the organisation is an object there, a name here).
    form = (
        ProfileForm() if request.method == "POST" else ProfileForm(data=_profile_data(current_user))
    )
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data
        current_user.timezone = form.timezone.data or None  # None: the site's time zone
        current_user.organisation = find_or_create_organisation(
            form.organisation.data, form.town.data, form.country.data
        )
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return _profile_page(form, ChangePasswordForm(prefix="pw", formdata=None))


@bp.route("/account/password", methods=["POST"])
@require_login
def change_password():
    if password_disabled(current_user):
        flash(_sso_only(current_user), "error")
        return redirect(url_for("auth.profile"))
    form = ChangePasswordForm(prefix="pw", account=current_user)
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("Your current password is not correct."))
        else:
            current_user.password_hash = hash_password(form.password.data)
            end_sessions(
                current_user, keep=current_record()
            )  # this session continues; all others end
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(ProfileForm(formdata=None, data=_profile_data(current_user)), form)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@require_login
def end_other_session(session_id: int):
    """End one of my sessions (a browser I left logged in elsewhere). Another person's: 404."""
    this = current_record()
    if this is not None and this.id == session_id:
        return logout()
    if not end_session(current_user, session_id):
        abort(404)
    db.session.commit()
    flash(_("That session has been ended."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@require_login
def end_all_sessions():
    """Log out everywhere: every browser of the account, this one included."""
    end_sessions(current_user)
    db.session.commit()
    end_this_session()
    flash(_("You have been logged out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/export.json")
@require_login
def export_data():
    payload = json.dumps(export_user_data(current_user), indent=2, ensure_ascii=False)
    return Response(
        payload,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=nttlearn-my-data.json"},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@require_login
def delete():
    """Delete the account, confirmed with its password, or, for an account that logs in only
    through single sign-on, by logging in again at the provider just before (see ``sso_views``)."""
    from .sso_views import (
        REAUTHENTICATED,
        confirms_with_provider,
        reauthentication_providers,
        recently_reauthenticated,
    )

    by_provider = confirms_with_provider(current_user)
    form = ProviderDeleteAccountForm() if by_provider else DeleteAccountForm()
    if form.validate_on_submit():
        if by_provider and not recently_reauthenticated(current_user):
            form.confirm.errors.append(
                _("First confirm who you are by logging in again with your organisation's account.")
            )
        elif not by_provider and not check_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("Your password is not correct."))
        else:
            user = db.session.get(User, current_user.id)
            delete_account(user)
            db.session.commit()
            session.pop(REAUTHENTICATED, None)
            end_this_session()
            flash(_("Your account has been deleted."), "info")
            return redirect(url_for("learn.catalogue"))
    return render_template(
        "auth/delete.html",
        form=form,
        by_provider=by_provider,
        providers=reauthentication_providers(current_user) if by_provider else [],
        reauthenticated=by_provider and recently_reauthenticated(current_user),
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    code = request.form.get("code", "")
    if code not in LOCALES:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(next_url(request.form.get("next")))


# The single sign-on routes join this blueprint (they import ``bp`` from here).
from . import sso_views  # noqa: E402,F401
