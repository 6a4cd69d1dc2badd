"""Telling the learner: an e-mail once their certificate is really issued (the dashboard shows it too).

A certificate is issued inside the transaction of whatever completed the course; if that
transaction is rolled back there is no certificate, so no mail may have gone out. Mails are
therefore written when the certificate is issued (the learner's language, the links) and sent
after the session commits; a rollback of the whole transaction drops them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from nttlearn.api import User, db, send_mail

from .credentials import verify_url
from .models import IssuedCertificate
from .settings import base_url

PENDING = "certificates_pending_mail"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingMail:
    to: str
    subject: str
    body: str


def queue_issued_mail(certificate: IssuedCertificate, learner: User) -> None:
    """Write the learner's mail now; it is sent when the session commits."""
    with force_locale(certificate.locale or "en"):
        subject = _("Your certificate for %(course)s", course=certificate.course_title)
        body = _(
            "Dear %(name)s,\n\n"
            "congratulations: you have been awarded a certificate for the course "
            "%(course)s.\n\n"
            "Certificate code: %(code)s\n"
            "Download it (PDF and Open Badges credential): %(mine)s\n"
            "Anyone can check that it is genuine at: %(verify)s\n\n"
            "You can share a public link to it from your certificates page.",
            name=certificate.learner_name, course=certificate.course_title,
            code=certificate.code, mine=f"{base_url()}/certificates/{certificate.code}",
            verify=verify_url(certificate.code),
        )
    session = db.session()
    session.info.setdefault(PENDING, []).append(PendingMail(learner.email, subject, body))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    for mail in session.info.pop(PENDING, []):
        try:
            send_mail(mail.to, mail.subject, mail.body)
        except Exception:  # noqa: BLE001 - the certificate stands; the mail can be resent by hand
            log.exception("could not send the certificate mail to %s", mail.to)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
