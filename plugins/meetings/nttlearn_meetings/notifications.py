"""E-mails to registrants (a cancelled meeting, a seat from the waiting list), each written in
the recipient's language and sent only once the transaction that caused it has committed: a
rolled-back cancellation tells nobody."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from nttlearn.api import User, db, send_mail

from .timezones import format_span, zone_label

PENDING = "meetings_pending_mail"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingMail:
    to: str
    subject: str
    body: str


def _when(meeting) -> str:
    return f"{format_span(meeting.starts_at, meeting.ends_at, meeting.time_zone)} ({zone_label(meeting.time_zone)})"


def _link(meeting) -> str:
    try:
        return url_for("meetings.detail", meeting_id=meeting.id, _external=True)
    except RuntimeError:  # a command without a request: no site address to name
        return ""


def _queue(to: str, subject: str, body: str) -> None:
    db.session().info.setdefault(PENDING, []).append(PendingMail(to, subject, body))


def queue_cancellation(meeting, person: User, reason: str = "") -> None:
    with force_locale(person.locale or "en"):
        subject = _("Cancelled: %(title)s", title=meeting.title)
        body = _(
            "Dear %(name)s,\n\n"
            "the meeting %(title)s in %(town)s, %(when)s, has been cancelled. "
            "Your registration has been withdrawn; there is nothing more you need to do.",
            name=person.name,
            title=meeting.title,
            town=meeting.town,
            when=_when(meeting),
        )
        if reason:
            body += "\n\n" + _("The organisers' note: %(reason)s", reason=reason)
        link = _link(meeting)
        if link:
            body += "\n\n" + link
    _queue(person.email, subject, body)


def queue_promotion(meeting, person: User) -> None:
    with force_locale(person.locale or "en"):
        subject = _("You have a seat: %(title)s", title=meeting.title)
        body = _(
            "Dear %(name)s,\n\n"
            "a seat has become free at %(title)s in %(town)s, %(when)s, and it is yours: "
            "you were first on the waiting list. If you can no longer come, please cancel your "
            "registration so that the next person can take the seat.",
            name=person.name,
            title=meeting.title,
            town=meeting.town,
            when=_when(meeting),
        )
        link = _link(meeting)
        if link:
            body += "\n\n" + link
    _queue(person.email, subject, body)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for mail in session.info.pop(PENDING, []):
        try:
            send_mail(mail.to, mail.subject, mail.body)
        except Exception:  # noqa: BLE001 - the change is committed; a mail server hiccup must not undo it
            log.exception("could not send the meeting mail to %s", mail.to)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
