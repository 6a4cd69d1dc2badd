"""Telling the learner: an e-mail once their certificate is really issued (the dashboard shows it too).

A certificate is issued inside the transaction of whatever completed the course; if that
transaction is rolled back there is no certificate, so no mail may go out. ``send_mail`` is a
background job queued with that transaction: it goes when the transaction commits, and a rollback
drops it.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from nttlearn.api import User, send_mail

from .credentials import verify_url
from .models import IssuedCertificate
from .settings import base_url


def queue_issued_mail(certificate: IssuedCertificate, learner: User) -> None:
    """Write the learner's mail now, in their language; it is sent when the transaction commits."""
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
            name=certificate.learner_name,
            course=certificate.course_title,
            code=certificate.code,
            mine=f"{base_url()}/certificates/{certificate.code}",
            verify=verify_url(certificate.code),
        )
    send_mail(learner.email, subject, body)
