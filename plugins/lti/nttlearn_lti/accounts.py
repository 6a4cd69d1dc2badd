"""People from a platform: their nttlearn account (matched by ``sub`` per platform, else made as a
learner from the claims) and their place in a course (enrolled learner, or trainer)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from nttlearn.api import LOCALES, Course, CourseStaff, User, db, enrol

from .models import Account, Platform

ROLE_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
#: Context roles that make someone a trainer of the course (short forms are what NRPS sends).
TEACHING_ROLES = {"Instructor", "Administrator", "ContentDeveloper", "Mentor"}


def teaches(roles: Iterable[str]) -> bool:
    for role in roles:
        name = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in TEACHING_ROLES and "TeachingAssistant" not in role:
            return True
        if role.startswith(
            "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
        ):
            return True
    return False


def _locale(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in LOCALES else None


def _free_email(platform: Platform, sub: str, email: Any) -> str:
    """The claim's e-mail when no account has it; otherwise a private placeholder (an address a
    platform asserts never takes over an existing nttlearn account)."""
    if isinstance(email, str) and "@" in email and len(email) <= 254:
        taken = db.session.execute(
            db.select(User.id).where(db.func.lower(User.email) == email.lower())
        ).first()
        if taken is None:
            return email
    digest = hashlib.sha256(f"{platform.id}:{sub}".encode()).hexdigest()[:20]
    return f"lti-{platform.id}-{digest}@lti.invalid"


def account_for(platform: Platform, sub: str, claims: Mapping[str, Any], *, trainer: bool) -> User:
    """The account of ``sub`` on ``platform``; made from the claims (name, e-mail, locale) at the
    first launch, as a learner (a trainer when the person teaches on the platform)."""
    user = db.session.execute(
        db.select(User)
        .join(Account, Account.user_id == User.id)
        .where(Account.platform_id == platform.id, Account.sub == sub)
    ).scalar()
    if user is not None:
        if trainer and user.role == "learner":
            user.role = "trainer"
        return user
    name = (
        claims.get("name")
        or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip()
        or sub
    )
    user = User(
        email=_free_email(platform, sub, claims.get("email")),
        name=str(name)[:200],
        role="trainer" if trainer else "learner",
        locale=_locale(claims.get("locale")),
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
            db.session.add(Account(platform_id=platform.id, sub=sub, user_id=user.id))
            db.session.flush()
    except IntegrityError:  # the same person's launch in another tab made it first
        return db.session.execute(
            db.select(User)
            .join(Account, Account.user_id == User.id)
            .where(Account.platform_id == platform.id, Account.sub == sub)
        ).scalar_one()
    return user


def place_in_course(user: User, course: Course, *, trainer: bool) -> None:
    """Enrol a learner; make a teacher one of the course's trainers."""
    if not trainer:
        enrol(user.id, course, by_staff=True)
        return
    exists = db.session.execute(
        db.select(CourseStaff.id).where(
            CourseStaff.course_id == course.id, CourseStaff.user_id == user.id
        )
    ).first()
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(CourseStaff(course_id=course.id, user_id=user.id, role="trainer"))
        except IntegrityError:  # pragma: no cover - added by a parallel launch
            pass
