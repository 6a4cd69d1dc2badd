"""Open Badges 3.0: a certificate as an OpenBadgeCredential (unsigned; `signing` adds the proof).

The learner is identified by a salted SHA-256 hash of their e-mail address, never by the
address itself, so a shared credential does not publish it; whoever knows the address can still
check that the credential is theirs (`identity_matches`). The course's learning outcomes appear
twice: as ``alignment`` entries (machine-readable) and as a list in ``criteria.narrative``
(what wallets display).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nttlearn_certificates.contexts import CREDENTIALS_V2_URL, OPEN_BADGES_V3_URL
from nttlearn_certificates.pdf_strings import pdf_strings

CREDENTIAL_CONTEXT = [CREDENTIALS_V2_URL, OPEN_BADGES_V3_URL]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
OUTCOME_TARGET_TYPE = "ext:LearningOutcome"
ACHIEVEMENT_TYPE = "Course"

_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


@dataclass(frozen=True, kw_only=True)
class IssuerProfile:
    """The organisation running the platform, as it signs credentials."""

    id: str
    name: str
    url: str
    email: str | None = None
    image_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class AchievementDefinition:
    """What completing a course means, shared by every credential for that course."""

    id: str
    name: str
    description: str
    criteria_narrative: str
    image_url: str | None = None
    outcomes: list[str] = field(default_factory=list)
    language: str = "en"


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """Something the learner did or made that backs the award (Open Badges ``Evidence``)."""

    name: str
    narrative: str
    genre: str | None = None
    url: str | None = None


def new_salt() -> str:
    """Return a fresh random salt for hashing a recipient's e-mail address."""
    return secrets.token_hex(16)


def hash_identity(email: str, salt: str) -> str:
    """Return the Open Badges identity hash: ``"sha256$" + hex(sha256(email + salt))``.

    The address is trimmed and lower-cased first, so ``Asa@Example.org `` and
    ``asa@example.org`` give the same hash.
    """
    normalised = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalised + salt).encode("utf-8")).hexdigest()


def identity_matches(credential: dict, email: str) -> bool:
    """Return True if the credential's recipient is the holder of `email`."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        return False
    for identity in subject.get("identifier") or []:
        if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
            continue
        if identity.get("hashed"):
            salt = identity.get("salt") or ""
            expected = hash_identity(email, str(salt)).encode("utf-8")
            if secrets.compare_digest(str(identity.get("identityHash")).encode("utf-8"), expected):
                return True
        elif str(identity.get("identityHash", "")).strip().lower() == email.strip().lower():
            return True
    return False


def build_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementDefinition,
    recipient_email: str,
    valid_from: datetime,
    status: dict[str, str],
    valid_until: datetime | None = None,
    salt: str | None = None,
    name: str | None = None,
    evidence: list[Evidence] | None = None,
) -> dict[str, Any]:
    """Return an unsigned OpenBadgeCredential (Open Badges 3.0 on VC Data Model 2.0).

    `status` is the ``credentialStatus`` entry (`status_lists.status_entry`). `credential_id`,
    the issuer's and achievement's ids, the status list and evidence URLs must be absolute URLs
    (they are what a verifier dereferences). `salt` defaults to a fresh random one.
    Raises ValueError for a relative URL or an empty e-mail address.
    """
    for label, url in (
        ("credential_id", credential_id),
        ("issuer.id", issuer.id),
        ("issuer.url", issuer.url),
        ("achievement.id", achievement.id),
        ("credentialStatus.statusListCredential", status.get("statusListCredential", "")),
        *(("evidence.url", item.url) for item in evidence or () if item.url is not None),
    ):
        if not _ABSOLUTE_URL.match(url or ""):
            raise ValueError(f"{label} must be an absolute URL, not {url!r}")
    if not recipient_email or "@" not in recipient_email:
        raise ValueError("recipient_email must be an e-mail address")
    salt = new_salt() if salt is None else salt
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": name or achievement.name,
        "issuer": _issuer(issuer),
        "validFrom": _timestamp(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hash_identity(recipient_email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": _achievement(achievement),
        },
        "credentialStatus": dict(status),
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    if evidence:
        credential["evidence"] = [_evidence(item) for item in evidence]
    return credential


def _evidence(item: Evidence) -> dict[str, Any]:
    result: dict[str, Any] = {"type": ["Evidence"], "name": item.name, "narrative": item.narrative}
    if item.url:
        result["id"] = item.url
    if item.genre:
        result["genre"] = item.genre
    return result


def _issuer(issuer: IssuerProfile) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        profile["email"] = issuer.email
    if issuer.image_url:
        profile["image"] = {"id": issuer.image_url, "type": "Image", "caption": issuer.name}
    return profile


def _achievement(achievement: AchievementDefinition) -> dict[str, Any]:
    narrative = achievement.criteria_narrative.strip()
    if achievement.outcomes:
        heading = pdf_strings(achievement.language).learning_outcomes
        listed = "\n".join(f"- {outcome}" for outcome in achievement.outcomes)
        narrative = f"{narrative}\n\n{heading}:\n\n{listed}".strip()
    result: dict[str, Any] = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": narrative},
        "inLanguage": achievement.language,
    }
    if achievement.image_url:
        result["image"] = {
            "id": achievement.image_url,
            "type": "Image",
            "caption": achievement.name,
        }
    if achievement.outcomes:
        result["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": outcome,
                "targetUrl": f"{achievement.id}#outcome-{number}",
                "targetType": OUTCOME_TARGET_TYPE,
            }
            for number, outcome in enumerate(achievement.outcomes, start=1)
        ]
    return result


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
