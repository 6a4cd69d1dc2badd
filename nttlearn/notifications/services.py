"""Telling people things: :func:`notify` stores a notification and mails it as the recipient
prefers; the daily digest and the deadline reminders are plain functions the command line (and
the scheduler) run again and again without sending anything twice.

"At most once" lives in the database: a notification with a ``key`` is unique per person
(``uq_notifications_user_id_key``), inserted in a savepoint before its mail is written, so two
workers racing on the same reminder, or a retried job, insert one row and send one mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import send_mail
from ..models import DELIVERIES, Notification, NotificationPreference, User, utcnow

log = logging.getLogger(__name__)

#: The kinds of notification a person can choose a delivery for, with their labels. A plugin may
#: use its own kind: it is listed under its name and mailed immediately unless turned off.
KINDS = {
    "deadline_reminder": _l("Deadline reminders"),
    "review_assigned": _l("Reviews assigned to me"),
    "feedback_available": _l("Feedback available"),
    "team_invitation": _l("Team invitations"),
    "course_message": _l("Messages from trainers"),
    "welcome": _l("Welcome messages"),
    "export_ready": _l("Files prepared for me to download"),
}
DELIVERY_LABELS = {
    "immediately": _l("E-mail immediately"),
    "digest": _l("Daily digest"),
    "off": _l("No e-mail"),
}
TITLE_LENGTH, URL_LENGTH = 300, 500
Text = str | Callable[[], str]


def _text(value: Text) -> str:
    return value() if callable(value) else value


def site_url(endpoint: str, **values) -> str:
    """The full address of a page, also outside a request (the command line, a job)."""
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    # Not a pretend request (test_request_context): ending one would run the request's teardown,
    # which hands the jobs queued so far to the backend before their transaction commits.
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def full_url(url: str) -> str:
    return url if not url or "://" in url else current_app.config["BASE_URL"] + url


# -- preferences -----------------------------------------------------------------------------------
def preferences(user_id: int) -> dict[str, str]:
    """The person's delivery per kind (every kind in :data:`KINDS`, ``immediately`` by default)."""
    chosen = dict(
        db.session.execute(
            db.select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: chosen.get(kind, "immediately") for kind in KINDS} | chosen


def set_preference(user_id: int, kind: str, delivery: str) -> None:
    if delivery not in DELIVERIES:
        raise ValueError(f"unknown delivery {delivery!r}")
    row = db.session.get(NotificationPreference, (user_id, kind))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    NotificationPreference(user_id=user_id, kind=kind, delivery=delivery)
                )
            return
        except IntegrityError:  # saved at the same moment from another tab
            row = db.session.get(NotificationPreference, (user_id, kind))
    row.delivery = delivery


# -- unsubscribe links: signed, valid without logging in, one per person and kind ------------------
def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _unsubscribe_serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = _unsubscribe_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


# -- sending ---------------------------------------------------------------------------------------
def notify(
    user: User, kind: str, title: Text, *, url: str = "", body: Text = "", key: str | None = None
) -> Notification | None:
    """Tell ``user`` something: a row in their notification list and, as they prefer for ``kind``,
    an e-mail now, a line in tomorrow's digest, or nothing.

    ``title`` and ``body`` may be callables: they are called inside the recipient's language
    (``flask_babel.force_locale``), so their ``gettext`` reads in it. ``url`` is the page of the
    item (a path or a full address). With a ``key``, the notification is sent at most once per
    person and key: a second call (another worker, a retried job) returns None and mails nothing.
    """
    if not user.is_active:
        return None
    delivery = preferences(user.id).get(kind, "immediately")
    with force_locale(user.locale or "en"):
        title_text, body_text = _text(title)[:TITLE_LENGTH], _text(body)
    notification = Notification(
        user_id=user.id,
        kind=kind,
        key=key,
        title=title_text,
        body=body_text,
        url=url[:URL_LENGTH],
        mail={"immediately": "sent", "digest": "digest"}.get(delivery, "none"),
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        return None  # this person was told already (the key exists)
    if delivery == "immediately":
        _mail_one(user, notification)
    _forget_unread_count()
    return notification


def _footer(user: User, kinds: set[str]) -> str:
    lines = [
        _("Choose which e-mails you receive: %(link)s", link=site_url("notifications.preferences"))
    ]
    for kind in sorted(kinds):
        lines.append(
            _(
                "Stop e-mails of this kind (%(kind)s): %(link)s",
                kind=kind_label(kind),
                link=site_url("notifications.unsubscribe", token=unsubscribe_token(user.id, kind)),
            )
        )
    return "\n".join(lines)


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _mail_one(user: User, notification: Notification) -> None:
    with force_locale(user.locale or "en"):
        parts = [notification.body] if notification.body else []
        if notification.url:
            parts.append(_("Open it: %(link)s", link=full_url(notification.url)))
        parts.append("-- \n" + _footer(user, {notification.kind}))
        send_mail(user.email, notification.title, "\n\n".join(parts))


def send_digest(now: datetime | None = None) -> int:
    """Mail each person their notifications waiting for the digest, in one mail; returns how many
    mails were sent. Each notification is claimed (``mail`` from ``digest`` to ``sent``) before
    the mail is written, so two runs at once, or a run repeated, never mail one twice."""
    user_ids = (
        db.session.execute(
            db.select(Notification.user_id).where(Notification.mail == "digest").distinct()
        )
        .scalars()
        .all()
    )
    sent = 0
    for user_id in user_ids:
        claimed = (
            db.session.execute(
                db.update(Notification)
                .where(Notification.user_id == user_id, Notification.mail == "digest")
                .values(mail="sent")
                .returning(Notification.id)
            )
            .scalars()
            .all()
        )
        user = db.session.get(User, user_id)
        if claimed and user is not None and user.is_active:
            items = (
                db.session.execute(
                    db.select(Notification)
                    .where(Notification.id.in_(claimed))
                    .order_by(Notification.created_at)
                )
                .scalars()
                .all()
            )
            _mail_digest(user, items)
            sent += 1
        db.session.commit()
    return sent


def _mail_digest(user: User, items: list[Notification]) -> None:
    with force_locale(user.locale or "en"):
        blocks = []
        for item in items:
            lines = [f"* {item.title}"]
            if item.body:
                lines.append(item.body)
            if item.url:
                lines.append(full_url(item.url))
            blocks.append("\n".join(lines))
        body = "\n\n".join(
            [
                _("Hello %(name)s, here is what happened since your last digest.", name=user.name),
                *blocks,
                "-- \n" + _footer(user, {item.kind for item in items}),
            ]
        )
        send_mail(
            user.email,
            _("Your daily digest from %(site)s", site=current_app.config["SITE_NAME"]),
            body,
        )


# -- reading ---------------------------------------------------------------------------------------
_UNREAD = "nttlearn.unread_notifications"


def unread_count(user_id: int) -> int:
    """How many unread notifications the person has: one query, kept for the rest of the request
    (in the request's environ, not ``g``, which a test's app context shares between requests)."""
    cache = request.environ.setdefault(_UNREAD, {}) if has_request_context() else {}
    if user_id not in cache:
        cache[user_id] = db.session.execute(
            db.select(db.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        ).scalar_one()
    return cache[user_id]


def _forget_unread_count() -> None:
    if has_request_context():
        request.environ.pop(_UNREAD, None)


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.session.execute(
            db.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the person's notifications read (or all of them, with no id); returns how many.
    Another person's notification is left alone."""
    stmt = db.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=utcnow()))
    _forget_unread_count()
    return result.rowcount


# -- welcome mails ---------------------------------------------------------------------------------
def welcome_to_site(user: User) -> None:
    site = current_app.config["SITE_NAME"]
    notify(
        user,
        "welcome",
        lambda: _("Welcome to %(site)s", site=site),
        body=lambda: _(
            "Hello %(name)s,\n\nYour account is ready. Browse the courses, enrol in one, and your "
            "dashboard will show what to do next.",
            name=user.name,
        ),
        url=site_url("learn.catalogue"),
        key="welcome:account",
    )


def welcome_to_course(user: User, course) -> None:
    def title() -> str:
        from flask_babel import get_locale

        return _(
            "Welcome to the course “%(course)s”",
            course=course.localized("title", str(get_locale())),
        )

    notify(
        user,
        "welcome",
        title,
        body=lambda: _(
            "Hello %(name)s,\n\nYou are enrolled. Start with the first lesson; your dashboard "
            "shows your next steps and deadlines.",
            name=user.name,
        ),
        url=site_url("learn.course", slug=course.slug),
        key=f"welcome:course:{course.id}",
    )


# -- deadline reminders ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Reminder:
    user_id: int
    key: str


def reminder_lead(due_at: datetime, now: datetime, leads: tuple[int, ...]) -> int | None:
    """The lead time (days) whose reminder is due now: the smallest one already reached, so a job
    that starts late sends the most urgent reminder, not every one it missed. None: none yet, or
    the deadline has passed."""
    if due_at <= now:
        return None
    reached = [days for days in leads if due_at - timedelta(days=days) <= now]
    return min(reached) if reached else None


def send_reminders(now: datetime | None = None) -> int:
    """Remind every active learner of their deadlines at the configured lead times
    (``NTTLEARN_REMINDER_DAYS``); returns how many reminders were new. Safe to run as often as
    wished, and by two workers at once: each reminder has its key (the to-do item's key and the
    lead time), unique per person."""
    from ..learn.todo import todo_items
    from ..models import Enrolment

    now = now or utcnow()
    leads = tuple(current_app.config.get("REMINDER_DAYS") or ())
    if not leads:
        return 0
    users = (
        db.session.execute(
            db.select(User)
            .where(
                User.active.is_(True),
                User.deleted_at.is_(None),
                User.id.in_(db.select(Enrolment.user_id)),
            )
            .order_by(User.id)
        )
        .scalars()
        .all()
    )
    sent = 0
    for user in users:
        # A request context of its own: the items' addresses are made with url_for.
        with current_app.test_request_context(), force_locale(user.locale or "en"):
            items = todo_items(user, now=now)
        for item in items:
            if item.due_at is None or item.state not in ("todo", "due_soon"):
                continue
            lead = reminder_lead(item.due_at, now, leads)
            if lead is None:
                continue
            if _remind(user, item, lead) is not None:
                sent += 1
        db.session.commit()
    return sent


def _remind(user: User, item, lead: int) -> Notification | None:
    from ..dates import format_user_datetime

    def body() -> str:
        from flask_babel import get_locale

        return _(
            "“%(title)s” is due on %(when)s.",
            title=item.title,
            when=format_user_datetime(item.due_at, user, "full", locale=str(get_locale())),
        )

    return notify(
        user,
        "deadline_reminder",
        lambda: _("Reminder: %(title)s", title=item.title),
        body=body,
        url=full_url(item.url),
        key=f"reminder:{item.key}:{lead}d",
    )
