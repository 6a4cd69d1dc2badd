"""Account logic: registration, organisations, reset tokens, deletion, data export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..events import emit
from ..extensions import db
from ..models import (
    ActivityCompletion,
    CohortMember,
    CourseStaff,
    Enrolment,
    EventRecord,
    Extension,
    LessonCompletion,
    ModuleCompletion,
    Notification,
    NotificationPreference,
    Organisation,
    User,
    UserIdentity,
    UserSession,
    utcnow,
)
from ..plugins import host
from .passwords import hash_password

RESET_MAX_AGE = 3600 * 2


class AccountError(ValueError):
    """A problem the person can fix (shown as a message, never a 500)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(email=normalise_email(email))).scalar()


def find_organisation(name: str) -> Organisation | None:
    """The organisation called ``name``, whatever the letter case ("comune di bologna")."""
    return db.session.execute(
        db.select(Organisation)
        .where(func.lower(Organisation.name) == name.strip().lower())
        .order_by(Organisation.id)
        .limit(1)
    ).scalar()


def find_or_create_organisation(
    name: str | None, town: str | None, country: str | None
) -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    org = find_organisation(name)
    if org is None:
        if not country:
            raise AccountError("organisation needs a country")
        org = Organisation(name=name, town=(town or "").strip(), country=country.upper())
        db.session.add(org)
        db.session.flush()
    return org


def create_user(
    *,
    email: str,
    name: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: str = "learner",
    organisation: str | None = None,
    town: str | None = None,
    country: str | None = None,
    locale: str | None = None,
) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(f"an account with the e-mail {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=password_hash or hash_password(password or ""),
        role=role,
        locale=locale,
        organisation=find_or_create_organisation(organisation, town, country),
    )
    db.session.add(user)
    db.session.flush()
    emit("user.registered", user_id=user.id, data={"role": role})
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    # The hash's tail is part of the token: once the password changes, old links stop working.
    return _serializer().dumps({"id": user.id, "h": user.password_hash[-12:]})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or user.password_hash[-12:] != data.get("h"):
        return None
    return user


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user`` (GDPR Art. 15/20), as JSON-able data."""

    def rows(model, *columns) -> list[dict[str, Any]]:
        result = db.session.execute(db.select(model).filter_by(user_id=user.id)).scalars()
        return [{c: _jsonable(getattr(r, c)) for c in columns} for r in result]

    org = user.organisation
    data: dict[str, Any] = {
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "locale": user.locale,
            "timezone": user.timezone,
            "calendar_feed": bool(user.calendar_token),
            "created_at": _jsonable(user.created_at),
            "organisation": {"name": org.name, "town": org.town, "country": org.country}
            if org
            else None,
        },
        "enrolments": rows(Enrolment, "course_id", "cohort", "created_at", "completed_at"),
        "lesson_completions": rows(LessonCompletion, "lesson_id", "completed_at"),
        "activity_completions": rows(ActivityCompletion, "activity_id", "completed_at", "score"),
        "module_completions": rows(ModuleCompletion, "module_id", "completed_at"),
        "cohorts": rows(CohortMember, "course_id", "cohort_id", "added_at"),
        "deadline_extensions": rows(Extension, "activity_id", "kind", "due_at", "granted_at"),
        "courses_taught": rows(CourseStaff, "course_id", "role"),
        "events": rows(EventRecord, "name", "course_id", "data", "created_at"),
        "single_sign_on": rows(
            UserIdentity, "issuer", "subject", "email", "created_at", "last_login_at"
        ),
        "sessions": rows(
            UserSession,
            "created_at",
            "last_used_at",
            "expires_at",
            "remember",
            "device",
            "ip_address",
        ),
        "notifications": rows(
            Notification, "kind", "title", "body", "url", "created_at", "read_at"
        ),
        "notification_preferences": rows(NotificationPreference, "kind", "delivery"),
        "plugins": {},
    }
    for plugin, result in host().call_each(
        "nttlearn_user_data", include_disabled=True, user_id=user.id
    ):
        data["plugins"][plugin] = result
    return data


def delete_account(user: User) -> None:
    """Remove personal data; keep learning records, now attached to an anonymous account."""
    # Every loaded plugin, the disabled ones too: switching a plugin off keeps its data, and
    # that data must go with the account.
    host().pm.hook.nttlearn_delete_user_data(user_id=user.id)
    organisation_id = user.organisation_id
    user.email = f"deleted-{user.id}@invalid"
    user.name = "Deleted user"
    user.password_hash = ""
    user.organisation_id = None
    user.locale = None
    user.timezone = None
    user.calendar_token = None  # the feed stops at once
    user.last_seen_at = None
    user.active = False
    user.deleted_at = utcnow()
    db.session.execute(
        db.delete(UserSession).where(UserSession.user_id == user.id)
    )  # logged out everywhere
    db.session.execute(
        db.delete(UserIdentity).where(UserIdentity.user_id == user.id)
    )  # and by no provider
    db.session.execute(db.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(
        db.delete(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    db.session.execute(db.update(EventRecord).where(EventRecord.user_id == user.id).values(data={}))
    db.session.flush()
    if organisation_id is not None:
        _forget_organisation_without_members(organisation_id)
    emit("user.deleted", user_id=user.id)


def _forget_organisation_without_members(organisation_id: int) -> None:
    """An organisation nobody else belongs to (a one-person consultancy, a name the person typed)
    identifies them: remove it too. Kept when a plugin's rows still need it."""
    others = db.session.scalar(
        db.select(func.count(User.id)).where(User.organisation_id == organisation_id)
    )
    if others:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(db.delete(Organisation).where(Organisation.id == organisation_id))
    except IntegrityError:
        pass


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
