"""Sign-in sessions kept on the server: started at login, checked on every request, ended by
logout, "log out everywhere", a password change, deactivation or an administrator.

Flask-Login keeps doing what it does well (the ``current_user`` proxy, ``login_required``, the
remember-me cookie), but the id it stores in the cookies is a random token naming a row of
``user_sessions`` (its "alternative id"), never the user id. A request's user and its session row
are read in one query; ending a session deletes the row, so a copied ``session`` or
``remember_token`` cookie stops working at once, on every worker and machine.

Why a table of our own rather than Flask-Session: Flask-Session stores each session's data under
its id with nothing that says whose it is, so it can neither list a person's sessions nor end them
all; and it would add a query per request beside the user's. See docs/architecture.md.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app, has_request_context, request, session
from flask_login import login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import and_, delete, or_, update
from sqlalchemy.orm.attributes import set_committed_value

from ..caching import request_cache
from ..extensions import db, login_manager
from ..models import User, UserSession, utcnow

# "Last used" is written at most this often: reading a page must not write to the database.
TOUCH_INTERVAL = timedelta(minutes=1)
REMEMBER_ME_MAX_DAYS = 30  # ASVS: a remembered login lasts a month at most, whatever is configured
STAFF_ROLES = ("trainer", "coordinator", "admin")


def now() -> datetime:
    """The time sessions are measured against (tests replace it; nothing here sleeps)."""
    return utcnow()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- policy ------------------------------------------------------------------------------------
def idle_timeout(role: str) -> timedelta:
    """How long a session may go unused: shorter for people who can change courses and accounts."""
    config = current_app.config
    minutes = (
        config["SESSION_IDLE_MINUTES_STAFF"]
        if role in STAFF_ROLES
        else config["SESSION_IDLE_MINUTES_LEARNER"]
    )
    return timedelta(minutes=minutes)


def remember_me_days() -> int:
    """Days a "keep me logged in" session lasts; 0 when the site has switched remember-me off."""
    return max(0, min(int(current_app.config["REMEMBER_ME_DAYS"]), REMEMBER_ME_MAX_DAYS))


def lifetime(remember: bool) -> timedelta:
    """The absolute lifetime of a session, counted from login, however busy it is."""
    if remember:
        return timedelta(days=remember_me_days())
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def is_current(record: UserSession, role: str, at: datetime) -> bool:
    """Not past its lifetime, and (unless remembered) not idle for longer than the role allows."""
    if record.expires_at <= at:
        return False
    return record.remember or at - record.last_used_at <= idle_timeout(role)


# -- starting and loading ------------------------------------------------------------------------
@lru_cache(maxsize=256)
def describe_device(user_agent: str) -> str:
    """A short, recognisable description of a browser ("Firefox 126 on Windows 10"), or "" ."""
    import ua_parser  # imported late: its rules take a moment to load, once per process

    parsed = ua_parser.parse(user_agent[:1000])
    browser = (
        " ".join(p for p in (parsed.user_agent.family, parsed.user_agent.major) if p)
        if parsed.user_agent
        else ""
    )
    system = " ".join(p for p in (parsed.os.family, parsed.os.major) if p) if parsed.os else ""
    if browser and system:
        return f"{browser} on {system}"[:120]
    return (browser or system)[:120]


def _client() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    return describe_device(request.user_agent.string or ""), (request.remote_addr or "")[:45]


def create_session_record(user: User, remember: bool = False) -> str:
    """Add a session row for ``user`` (flushed, not committed) and return its token."""
    token, at = secrets.token_urlsafe(32), now()
    device, ip_address = _client()
    record = UserSession(
        token_hash=_digest(token),
        user_id=user.id,
        remember=remember,
        created_at=at,
        last_used_at=at,
        expires_at=at + lifetime(remember),
        device=device,
        ip_address=ip_address,
    )
    db.session.add(record)
    db.session.flush()
    user.session_token, user.session_record = token, record
    return token


def start_session(user: User, remember: bool = False) -> None:
    """Log ``user`` in on this browser with a new session record; commits.

    The account's ended sessions are swept here too, so the table stays small even where nobody
    runs ``nttlearn users prune-sessions``.
    """
    remember = remember and remember_me_days() > 0
    _delete_expired(user_id=user.id)
    create_session_record(user, remember)
    db.session.commit()
    login_user(user, remember=remember, duration=lifetime(remember) if remember else None)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login's loader: the user of a live session record, with the record, in one query."""
    if request_cache().get("ended_session") == token:
        return (
            None  # Flask-Login asks again with the remember-me cookie, which holds the same token
        )
    at = now()
    row = db.session.execute(
        db.select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _digest(token), UserSession.expires_at > at)
        .execution_options(populate_existing=True)  # another request may have touched the row
    ).first()
    user, record = row if row is not None else (None, None)
    if user is None or record is None or not is_current(record, user.role, at):
        request_cache()["ended_session"] = token
        return None
    if at - record.last_used_at >= TOUCH_INTERVAL:
        _, ip_address = _client()
        _write_now(
            update(UserSession)
            .where(UserSession.id == record.id)
            .values(last_used_at=at, ip_address=ip_address)
        )
        set_committed_value(record, "last_used_at", at)
        set_committed_value(record, "ip_address", ip_address)
    user.session_token, user.session_record = token, record
    return user


@user_loaded_from_cookie.connect
def _rotate_remember_token(app, user: User, **_: object) -> None:
    """A new token each time the remember-me cookie starts a browser session: a stolen copy of
    the cookie stops working once its owner comes back (and theirs, if the thief came first)."""
    record, old = user.session_record, user.session_token
    if record is None or old is None:
        return
    token = secrets.token_urlsafe(32)
    rotated = _write_now(
        update(UserSession)
        .where(UserSession.id == record.id, UserSession.token_hash == _digest(old))
        .values(token_hash=_digest(token))
    )
    if not rotated:
        # Another request of this browser (tabs restored at once) rotated it first; its answer
        # carries the new cookie, and this one must not overwrite that with a token of its own.
        return
    set_committed_value(record, "token_hash", _digest(token))
    user.session_token = token
    session["_user_id"] = token
    session["_remember"] = "set"  # Flask-Login writes the new cookie after the request
    session["_remember_seconds"] = max(0, int((record.expires_at - now()).total_seconds()))


def _write_now(statement) -> int:
    """Run ``statement`` in a short transaction of its own and return the rows it changed: noting
    a session's use (or its new token) must be kept whatever becomes of the request's own
    transaction, and must not commit it."""
    with db.engine.begin() as connection:
        return connection.execute(statement).rowcount


# -- listing and ending ----------------------------------------------------------------------------
def current_record() -> UserSession | None:
    """This request's session record (None for an anonymous visitor)."""
    from flask_login import current_user

    return getattr(current_user, "session_record", None) if current_user.is_authenticated else None


def active_sessions(user: User) -> list[UserSession]:
    """The account's live sessions, the most recently used first."""
    at = now()
    records = db.session.execute(
        db.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > at)
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())
    ).scalars()
    return [r for r in records if is_current(r, user.role, at)]


def end_sessions(user: User, keep: UserSession | None = None) -> int:
    """End every session of ``user`` but ``keep``; returns how many ended. Not committed."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return db.session.execute(statement).rowcount or 0


def end_session(user: User, session_id: int) -> bool:
    """End one session of ``user``; False when it is not one of theirs. Not committed."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    return bool(result.rowcount)


def end_this_session() -> None:
    """Log out this browser: its record goes, then Flask-Login's keys and cookies. Commits."""
    record = current_record()
    if record is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == record.id))
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it asks for the remember-me cookie to be deleted


def _delete_expired(at: datetime | None = None, user_id: int | None = None) -> int:
    at = at or now()
    staff_idle, learner_idle = idle_timeout("admin"), idle_timeout("learner")
    idle_since = {True: at - staff_idle, False: at - learner_idle}
    staff = db.select(User.id).where(User.role.in_(STAFF_ROLES))
    expired = or_(
        UserSession.expires_at <= at,
        and_(
            UserSession.remember.is_(False),
            UserSession.user_id.in_(staff),
            UserSession.last_used_at < idle_since[True],
        ),
        and_(
            UserSession.remember.is_(False),
            UserSession.user_id.not_in(staff),
            UserSession.last_used_at < idle_since[False],
        ),
    )
    statement = delete(UserSession).where(expired)
    if user_id is not None:
        statement = statement.where(UserSession.user_id == user_id)
    return db.session.execute(statement).rowcount or 0


def prune_sessions(at: datetime | None = None) -> int:
    """Delete every session past its lifetime or idle for too long; returns how many. Commits."""
    count = _delete_expired(at)
    db.session.commit()
    return count
