"""Sending mail: through SMTP when ``NTTLEARN_MAIL_SERVER`` is set, else into ``instance/mail/``
(and the log) so that password resets work on a laptop.

Every mail is a background job (nttlearn.jobs): queued with the transaction that asked for it, so
a rolled-back action sends nothing, and sent once even when the job is retried or run twice.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail in the background, once the current transaction commits (SMTP, or
    a file in ``instance/mail/`` without a mail server). A rollback drops it.

    Write ``subject`` and ``body`` in the recipient's language (``flask_babel.force_locale``).
    """
    from .jobs import enqueue

    enqueue(deliver_mail, to, subject, body)


def deliver_mail(to: str, subject: str, body: str) -> None:
    """The mail job: sends the mail unless this job sent it already (a retry, a second worker)."""
    from .jobs import claim_once

    if claim_once():
        send_mail_now(to, subject, body)


def send_mail_now(to: str, subject: str, body: str) -> None:
    """Send a mail in this process, now (the job's own work; code outside jobs calls send_mail)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        return
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"  # two mails in one microsecond: both kept
    path.write_bytes(bytes(message))
    log.info("mail to %s (%s) written to %s", to, subject, path)


def outbox() -> list[EmailMessage]:
    """The mails written to the instance folder, oldest first (for tests and laptops)."""
    from email import message_from_bytes, policy

    folder = Path(current_app.instance_path) / "mail"
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(folder.glob("*.eml"))
    ]
