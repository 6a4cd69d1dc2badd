"""Checking a certificate the way an employer would: by its code, a credential file, or the PDF.

The signature checks (`signing.verify_credential`, `signing.verify_jwt`) prove only that the
platform signed the bytes. This module adds what they leave out: that the credential names
this platform as issuer and points at the certificate's own bit in this platform's status list
(or, for credentials issued before status lists, at its 1EdTech revocation list), that the
certificate is known here and not revoked, and that it is within its validity dates. A PDF carries no signature, so its
printed name and course must match the certificate its code names.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from nttlearn.api import format_date

from .baking import PNG_SIGNATURE, BakingError, unbake_png
from .codes import normalise_code
from .credentials import (
    code_from_credential_id,
    issuer_id,
    resolve_key,
    revocation_list_url,
    status_list_url,
)
from .models import STATUS_EXPIRED, STATUS_REVOKED, STATUS_VALID, IssuedCertificate
from .services import find_certificate
from .signing import (
    REVOCATION_LIST_TYPE,
    CredentialVerificationError,
    verify_credential,
    verify_jwt,
)
from .status_lists import status_entry

NOT_FOUND = "not_found"
INVALID = "invalid"
NOT_YET_VALID = "not_yet_valid"
_CODE_IN_TEXT = re.compile(r"NTT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


@dataclass
class Verdict:
    """The outcome of a check: ``status`` is valid, revoked, expired, not_yet_valid, invalid or
    not_found; ``reasons`` say why anything but valid."""

    status: str
    reasons: list[str] = field(default_factory=list)
    certificate: IssuedCertificate | None = None
    checked: str = "code"

    @property
    def ok(self) -> bool:
        return self.status == STATUS_VALID

    def as_json(self) -> dict[str, Any]:
        """What a verifier may learn: status, and the holder, course, dates and issuer."""
        result: dict[str, Any] = {
            "status": self.status,
            "valid": self.ok,
            "checked": self.checked,
            "reasons": self.reasons,
        }
        cert = self.certificate
        if cert is not None:
            result.update(
                {
                    "code": cert.code,
                    "holder": cert.learner_name or None,
                    "course": cert.course_title,
                    "issued_on": cert.issued_at.astimezone(UTC).date().isoformat(),
                    "valid_until": cert.valid_until.astimezone(UTC).date().isoformat()
                    if cert.valid_until
                    else None,
                    "issuer": cert.issuer_name,
                    "revoked_on": cert.revoked_at.astimezone(UTC).date().isoformat()
                    if cert.revoked_at
                    else None,
                }
            )
        return result


def verify_code(text: str, *, now: datetime | None = None) -> Verdict:
    """The status of the certificate a person typed the code of."""
    certificate = find_certificate(text)
    if certificate is None:
        return Verdict(NOT_FOUND, [_("No certificate has this code.")])
    return _status_verdict(certificate, now)


def verify_credential_document(
    credential: Any, *, now: datetime | None = None, checked: str = "credential"
) -> Verdict:
    """Check a credential (with its embedded proof): signature, issuer, status and dates."""
    if not isinstance(credential, dict):
        return Verdict(INVALID, [_("The file does not hold a credential.")], checked=checked)
    result = verify_credential(credential, resolve_key)
    if not result.ok:
        return Verdict(INVALID, result.errors, _certificate_named(credential), checked)
    return _check_claims(credential, now, checked)


def verify_jwt_token(token: str, *, now: datetime | None = None) -> Verdict:
    """Check a VC-JWT: its EdDSA signature, then the credential it carries as above."""
    try:
        credential = verify_jwt(token.strip(), resolve_key)
    except CredentialVerificationError as error:
        return Verdict(INVALID, [str(error)], checked="jwt")
    return _check_claims(credential, now, "jwt")


def verify_pdf(content: bytes, *, now: datetime | None = None) -> Verdict:
    """Read the code from a certificate PDF's text and check that the page matches the record."""
    import pypdf  # only the command line reads PDFs

    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    except (pypdf.errors.PdfReadError, ValueError, KeyError, TypeError) as error:
        return Verdict(
            INVALID, [_("The PDF cannot be read: %(error)s", error=str(error))], checked="pdf"
        )
    codes = sorted(set(_CODE_IN_TEXT.findall(text)))
    if len(codes) != 1:
        return Verdict(
            INVALID, [_("The PDF does not show exactly one certificate code.")], checked="pdf"
        )
    certificate = find_certificate(codes[0])
    if certificate is None:
        return Verdict(
            NOT_FOUND,
            [_("No certificate has the code %(code)s printed on this PDF.", code=codes[0])],
            checked="pdf",
        )
    mismatches = [
        label
        for label, expected in (
            (_("the holder's name"), certificate.learner_name),
            (_("the course"), certificate.course_title),
        )
        if not expected or " ".join(expected.split()) not in text
    ]
    if mismatches:
        return Verdict(
            INVALID,
            [
                _(
                    "The PDF does not match certificate %(code)s: %(what)s differs "
                    "(the file was altered).",
                    code=certificate.code,
                    what=", ".join(mismatches),
                )
            ],
            certificate,
            "pdf",
        )
    verdict = _status_verdict(certificate, now)
    verdict.checked = "pdf"
    return verdict


def verify_bytes(content: bytes, *, now: datetime | None = None) -> Verdict:
    """Check a downloaded file: a PDF, a baked PNG badge, a credential (JSON) or a VC-JWT."""
    if content.startswith(b"%PDF"):
        return verify_pdf(content, now=now)
    if content.startswith(PNG_SIGNATURE):
        try:
            baked = unbake_png(content)
        except BakingError as error:
            return Verdict(INVALID, [str(error)], checked="png")
        if baked is None:
            return Verdict(INVALID, [_("The image carries no credential.")], checked="png")
        verdict = verify_text(baked, now=now)
        verdict.checked = f"png+{verdict.checked}"
        return verdict
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(
            INVALID, [_("The file is neither a credential, a JWT nor a PDF.")], checked="file"
        )
    return verify_text(text, now=now)


def verify_text(text: str, *, now: datetime | None = None) -> Verdict:
    """Check text: a credential as JSON, a VC-JWT, or a certificate code."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError:
            return Verdict(INVALID, [_("The file is not valid JSON.")], checked="credential")
        return verify_credential_document(document, now=now)
    if stripped.count(".") == 2 and " " not in stripped:
        return verify_jwt_token(stripped, now=now)
    if normalise_code(stripped) is None:
        return Verdict(INVALID, [_("This is not a certificate code, credential or JWT.")])
    return verify_code(stripped, now=now)


def _check_claims(credential: dict, now: datetime | None, checked: str) -> Verdict:
    certificate = _certificate_named(credential)
    issuer = credential.get("issuer")
    issuer_value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_value != issuer_id():
        return Verdict(
            INVALID, [_("The credential was not issued by this platform.")], certificate, checked
        )
    if certificate is None:
        return Verdict(
            NOT_FOUND,
            [_("The credential's certificate is unknown to this platform.")],
            checked=checked,
        )
    if credential.get("credentialStatus") != _expected_status(certificate):
        return Verdict(
            INVALID,
            [_("The credential does not point to this platform's revocation list.")],
            certificate,
            checked,
        )
    moment = now or datetime.now(UTC)
    valid_from = _parse(credential.get("validFrom"))
    valid_until = _parse(credential.get("validUntil"))
    if valid_from is None or moment < valid_from:
        return Verdict(NOT_YET_VALID, [_("The credential is not valid yet.")], certificate, checked)
    verdict = _status_verdict(certificate, moment)
    if verdict.ok and valid_until is not None and moment >= valid_until:
        verdict = Verdict(
            STATUS_EXPIRED,
            [_("The credential expired on %(date)s.", date=format_date(valid_until, "long"))],
            certificate,
        )
    verdict.checked = checked
    return verdict


def _expected_status(certificate: IssuedCertificate) -> dict[str, str]:
    """The ``credentialStatus`` the certificate was issued with: its bit in its status list, or
    the 1EdTech revocation list for those issued before status lists."""
    if certificate.status_list_id is None or certificate.status_list_index is None:
        return {"id": revocation_list_url(), "type": REVOCATION_LIST_TYPE}
    return status_entry(status_list_url(certificate.status_list_id), certificate.status_list_index)


def _status_verdict(certificate: IssuedCertificate, now: datetime | None) -> Verdict:
    status = certificate.status(now)
    if status == STATUS_REVOKED and certificate.revoked_at is not None:
        return Verdict(
            STATUS_REVOKED,
            [
                _(
                    "Revoked on %(date)s: %(reason)s",
                    date=format_date(certificate.revoked_at, "long"),
                    reason=certificate.revocation_reason,
                )
            ],
            certificate,
        )
    if status == STATUS_EXPIRED and certificate.valid_until is not None:
        return Verdict(
            STATUS_EXPIRED,
            [_("Expired on %(date)s.", date=format_date(certificate.valid_until, "long"))],
            certificate,
        )
    return Verdict(STATUS_VALID, [], certificate)


def _certificate_named(credential: dict) -> IssuedCertificate | None:
    code = code_from_credential_id(credential.get("id"))
    return find_certificate(code) if code else None


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
