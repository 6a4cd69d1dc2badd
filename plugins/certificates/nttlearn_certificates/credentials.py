"""The platform as an Open Badges issuer: its stable URLs, its keys, and the documents it serves.

Every URL a credential names is built from ``NTTLEARN_BASE_URL`` and answered by this plugin's
public routes: the issuer profile (also the keys' controller document), each key as a Multikey
at its ``verificationMethod`` URL, the Bitstring Status Lists, the older 1EdTech revocation list,
each course's achievement, and the verification page that doubles as the credential's ``id``.
Keep the base URL stable once certificates are out: it is in every one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from nttlearn_certificates.badges import (
    AchievementDefinition,
    Evidence,
    IssuerProfile,
    build_credential,
)
from nttlearn_certificates.codes import normalise_code
from nttlearn_certificates.contexts import (
    CONTROLLED_IDENTIFIERS_V1_URL,
    CREDENTIALS_V2_URL,
    OPEN_BADGES_V3_URL,
)
from nttlearn_certificates.keys import KeyRing, SigningKey, key_id_for, private_key_from_pem
from nttlearn_certificates.settings import (
    SIGNING_KEY_FILE,
    base_url,
    issuer_name,
    issuer_url,
    setting,
)
from nttlearn_certificates.signing import credential_to_jwt, sign_credential
from nttlearn_certificates.status_lists import StatusPlace, list_credential, status_entry

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
REVOCATION_LIST_CONTEXT = "https://purl.imsglobal.org/spec/vcrl/v1p0/context.json"


class SigningKeyError(Exception):
    """The configured signing key cannot be used (missing or unreadable file)."""


# -- stable URLs --------------------------------------------------------------------------------
def verify_url(code: str) -> str:
    """The public verification page, printed on the PDF and encoded in its QR code."""
    return f"{base_url()}/verify/{code}"


def credential_id(code: str) -> str:
    """A credential's ``id``: its verification page, so that following the id shows its status."""
    return verify_url(code)


def code_from_credential_id(value: Any) -> str | None:
    """The certificate code a credential ``id`` names, if it is one of this platform's."""
    prefix = f"{base_url()}/verify/"
    if not isinstance(value, str) or not value.startswith(prefix):
        return None
    return normalise_code(value[len(prefix) :])


def issuer_id() -> str:
    return f"{base_url()}/certificates/issuer"


def keys_prefix() -> str:
    return f"{base_url()}/certificates/keys/"


def revocation_list_url() -> str:
    """The 1EdTech revocation list, for consumers older than Bitstring Status Lists (unsigned)."""
    return f"{base_url()}/certificates/revocations"


def status_list_url(list_id: int) -> str:
    """Where the signed ``BitstringStatusListCredential`` of list `list_id` is published."""
    return f"{base_url()}/certificates/status/{list_id}"


def achievement_id(course_slug: str) -> str:
    return f"{base_url()}/certificates/achievements/{course_slug}"


def achievement_image_url(course_slug: str) -> str:
    return f"{achievement_id(course_slug)}/badge.png"


def issuer_profile() -> IssuerProfile:
    return IssuerProfile(id=issuer_id(), name=issuer_name(), url=issuer_url())


# -- keys ------------------------------------------------------------------------------------
def key_ring() -> KeyRing:
    """The issuer's keys, in ``<instance>/certificates/keys`` (never in the repository)."""
    return KeyRing(
        Path(current_app.instance_path) / "certificates" / "keys",
        controller=issuer_id(),
        verification_method_prefix=keys_prefix(),
    )


def signing_key() -> SigningKey:
    """The key to sign with: the configured one (imported once into the ring) or the ring's own.

    The ring generates its first key when first asked. A configured key that is not current yet
    is imported and made current; the previous public keys stay published, so credentials
    signed before keep verifying.
    """
    ring = key_ring()
    configured = str(setting(SIGNING_KEY_FILE) or "").strip()
    if configured:
        pem = _configured_pem(configured)
        wanted = key_id_for(private_key_from_pem(pem))
        current = ring.current() if _ring_has_keys(ring) else None
        if current is None or current.key_id != wanted:
            return ring.import_private_key(pem)
        return current
    return ring.current()


def _ring_has_keys(ring: KeyRing) -> bool:
    return (ring.directory / "current").is_file()


def _configured_pem(path: str) -> bytes:
    try:
        pem = Path(path).read_bytes()
        private_key_from_pem(pem)
    except OSError as error:
        raise SigningKeyError(
            _(
                "The signing key file %(path)s cannot be read: %(error)s",
                path=path,
                error=str(error),
            )
        ) from error
    except ValueError as error:
        raise SigningKeyError(
            _(
                "The signing key file %(path)s is not an Ed25519 private key in PEM "
                "format: %(error)s",
                path=path,
                error=str(error),
            )
        ) from error
    return pem


def resolve_key(verification_method: str):
    """The public key behind one of this issuer's ``verificationMethod`` URLs (KeyError if not)."""
    return key_ring().resolve(verification_method)


# -- credentials -------------------------------------------------------------------------------
def build_signed_credential(
    *,
    code: str,
    achievement: AchievementDefinition,
    recipient_email: str,
    salt: str,
    issued_at: datetime,
    valid_until: datetime | None,
    key: SigningKey,
    status_place: StatusPlace,
    evidence: list[Evidence] | None = None,
) -> dict[str, Any]:
    """An OpenBadgeCredential for one certificate, with its embedded Data Integrity proof and
    its revocation bit in a Bitstring Status List."""
    credential = build_credential(
        credential_id=credential_id(code),
        issuer=issuer_profile(),
        achievement=achievement,
        recipient_email=recipient_email,
        valid_from=issued_at,
        valid_until=valid_until,
        status=status_entry(status_list_url(status_place.list_id), status_place.index),
        salt=salt,
        evidence=evidence,
    )
    return sign_credential(credential, key.private_key, key.verification_method, issued_at)


def signed_status_list(list_id: int, encoded_list: str, moment: datetime) -> dict[str, Any]:
    """Status list `list_id` as a ``BitstringStatusListCredential`` signed with the current key."""
    key = signing_key()
    unsigned = list_credential(
        list_url=status_list_url(list_id),
        issuer_id=issuer_id(),
        encoded_list=encoded_list,
        valid_from=timestamp(moment),
    )
    return sign_credential(unsigned, key.private_key, key.verification_method, moment)


def credential_as_jwt(credential: dict[str, Any]) -> str:
    """The credential as a VC-JWT, signed (EdDSA) with the current key, ``kid`` its URL."""
    key = signing_key()
    return credential_to_jwt(credential, key.private_key, key.verification_method)


# -- published documents --------------------------------------------------------------------------
def profile_document() -> dict[str, Any]:
    """The issuer's ``Profile``, served at its id, with the keys it signs with.

    It is also the keys' controller document (W3C Controlled Identifiers): a Data Integrity
    verifier follows a key's ``controller`` here and accepts the key for credentials only if
    ``assertionMethod`` lists it, and only if this id is the credential's issuer.
    """
    profile = issuer_profile()
    keys = published_keys()
    return {
        "@context": [CREDENTIALS_V2_URL, OPEN_BADGES_V3_URL, CONTROLLED_IDENTIFIERS_V1_URL],
        "id": profile.id,
        "type": ["Profile"],
        "name": profile.name,
        "url": profile.url,
        "verificationMethod": keys,
        "assertionMethod": [key["id"] for key in keys],
    }


def published_keys() -> list[dict[str, str]]:
    """Every key as published (current first): ``{"id", "type", "controller", "publicKeyMultibase"}``."""
    ring = key_ring()
    if not _ring_has_keys(ring):
        signing_key()  # a fresh site publishes the key it is about to sign with
    return ring.public_keys()


def multikey_document(key_id: str) -> dict[str, Any] | None:
    """One key as a Multikey document, served at its ``verificationMethod`` URL."""
    for key in key_ring().public_keys():
        if key["id"] == keys_prefix() + key_id:
            return {"@context": MULTIKEY_CONTEXT, **key}
    return None


def revocation_list(revoked_codes: list[str]) -> dict[str, Any]:
    """The 1EdTech revocation list: what older consumers read (and the only status of the
    credentials issued before Bitstring Status Lists, whose ``credentialStatus`` names it).

    Reasons are left out: they are about the person, and the list is public.
    """
    return {
        "@context": [REVOCATION_LIST_CONTEXT],
        "id": revocation_list_url(),
        "issuer": issuer_id(),
        "revokedCredentials": [{"id": credential_id(code)} for code in revoked_codes],
    }


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
