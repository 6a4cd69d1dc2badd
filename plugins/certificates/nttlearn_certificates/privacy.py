"""A learner's certificates in their data export, and what deleting the account does to them.

On deletion every certificate of the person is revoked with the reason "account deleted" (which
also replaces any earlier reasons, free text about the person), the name printed on it is removed, the stored credential (which carries the salted hash of their
e-mail address and the salt) and any cached PDF are deleted, and public sharing is switched
off; the status lists holding them are re-signed with their bits set. The code stays, so that an employer who checks it later learns that it was revoked, and
nothing about whom it was issued to.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from nttlearn.api import db, utcnow

from . import designs, status_lists
from .credentials import verify_url
from .models import IssuedCertificate
from .services import certificates_of

ACCOUNT_DELETED = "account deleted"


def user_data(user_id: int) -> dict[str, Any] | None:
    certificates = certificates_of(user_id)
    if not certificates:
        return None
    return {
        "certificates": [
            {
                "code": cert.code,
                "course": cert.course_title,
                "name_on_certificate": cert.learner_name,
                "issued_at": cert.issued_at.astimezone(UTC).isoformat(),
                "valid_until": cert.valid_until.astimezone(UTC).isoformat()
                if cert.valid_until
                else None,
                "status": cert.status(),
                "revoked_at": cert.revoked_at.astimezone(UTC).isoformat()
                if cert.revoked_at
                else None,
                "revocation_reason": cert.revocation_reason or None,
                "public": cert.public,
                "verify_url": verify_url(cert.code),
                "credential": cert.credential,
            }
            for cert in certificates
        ]
    }


def delete_user_data(user_id: int) -> None:
    """Revoke and anonymise the person's certificates (inside the account-deletion transaction)."""
    now = utcnow()
    certificates = list(
        db.session.execute(
            db.select(IssuedCertificate).where(IssuedCertificate.user_id == user_id)
        ).scalars()
    )
    for cert in certificates:
        if cert.revoked_at is None:
            cert.revoked_at = now
        # Reasons are free text a trainer wrote about the person: replaced too.
        cert.revocation_reason = ACCOUNT_DELETED
        cert.issue_reason = ""
        cert.learner_name = ""
        cert.credential = {}
        cert.salt = ""
        cert.public = False
        designs.forget_pdf(cert.code)
    db.session.flush()
    status_lists.publish_for(certificates, now)
