"""Signing and verifying credentials: embedded Data Integrity proofs and VC-JWT.

The embedded proof follows the W3C ``eddsa-rdfc-2022`` cryptosuite (vc-di-eddsa): the
credential and the proof options are each canonicalized with RDFC-1.0 (pyld's URDNA2015),
hashed with SHA-256, and the concatenation ``sha256(proof config) || sha256(document)`` is
signed with Ed25519; ``proofValue`` is the signature in multibase base58-btc.

Canonicalization runs in "safe mode", as jsonld.js does in Digital Bazaar's verifiers: a
property or type the contexts do not define, or a relative IRI, would silently drop out of the
signed data (or be read differently by another processor), so it is an error instead of a gap
in what the signature covers. Only what every conforming processor canonicalizes the same way
is signed.

One exception, when verifying only: credentials issued before Bitstring Status Lists carry
``{"type": "1EdTechRevocationList"}`` in ``credentialStatus``, a relative type that pyld (with
no base) left out of what it signed. They still verify here under that exact name, so that
learners' older credentials keep verifying on the platform; standard verifiers refuse them, and
a re-issued certificate replaces them.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask_babel import gettext as _
from pyld.jsonld import JsonLdError, JsonLdProcessor

from nttlearn_certificates.contexts import (
    ContextNotAllowedError,
    DocumentLoader,
    context_resolver,
    load_document,
)
from nttlearn_certificates.keys import base58_encode, multibase_decode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
CREDENTIAL_STATUS_IRI = "https://www.w3.org/2018/credentials#credentialStatus"
JWT_ALGORITHM = "EdDSA"
MAX_JWT_LENGTH = 1_000_000

ResolveKey = Callable[[str], Ed25519PublicKey]

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_JWT_CLAIMS = ("iss", "jti", "nbf", "exp", "sub")


class CanonicalizationError(ValueError):
    """A credential that cannot be canonicalized completely, so cannot be signed or verified."""


class CredentialVerificationError(ValueError):
    """A VC-JWT that does not verify (bad signature, unknown key, inconsistent claims…)."""


@dataclass
class VerificationResult:
    """The outcome of checking an embedded proof: `ok` only when `errors` is empty."""

    ok: bool
    errors: list[str] = field(default_factory=list)
    verification_method: str | None = None


def canonicalize(
    document: dict,
    *,
    document_loader: DocumentLoader = load_document,
    legacy_status_type: bool = False,
) -> str:
    """Return the RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document.

    Raises `CanonicalizationError` when a term or type would be dropped, or a context cannot
    be loaded (only the contexts shipped with the plugin can). `legacy_status_type` lets the
    older credentials' relative ``1EdTechRevocationList`` status type through (to verify them).
    """
    dropped: list[str] = []
    processor = JsonLdProcessor(on_property_dropped=lambda key: dropped.append(str(key)))
    options = {
        "base": None,  # leave relative IRIs relative, as jsonld.js does, instead of inventing a base
        "documentLoader": document_loader,
        "contextResolver": context_resolver(document_loader),
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
    }
    try:
        expanded = processor.expand(document, dict(options))
    except JsonLdError as error:
        raise CanonicalizationError(_describe_jsonld_error(error)) from error
    if dropped:
        raise CanonicalizationError(
            _(
                "These properties are not defined by the credential's contexts and would not be "
                "signed: %(names)s",
                names=", ".join(sorted(set(dropped))),
            )
        )
    relative = _relative_iris(expanded, allow_legacy_status=legacy_status_type)
    if relative:
        raise CanonicalizationError(
            _(
                "These identifiers or types are not absolute IRIs and would not be signed: "
                "%(values)s",
                values=", ".join(sorted(set(relative))),
            )
        )
    try:
        return processor.normalize(expanded, dict(options))
    except JsonLdError as error:
        raise CanonicalizationError(_describe_jsonld_error(error)) from error


def sign_credential(
    credential: dict,
    private_key: Ed25519PrivateKey,
    verification_method_url: str,
    created: datetime | None = None,
    *,
    document_loader: DocumentLoader = load_document,
) -> dict:
    """Return a copy of `credential` with an embedded ``eddsa-rdfc-2022`` DataIntegrityProof.

    ``proof`` is a list of that one proof: Open Badges 3.0's JSON Schema requires a list, the VC
    Data Model allows either, and verifiers read both. `created` defaults to now (UTC). Raises `CanonicalizationError` for a credential whose
    content would not be fully covered by the signature, and ValueError if it already has a proof.
    """
    if "proof" in credential:
        raise ValueError("the credential already has a proof")
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    proof_options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method_url,
        "proofPurpose": PROOF_PURPOSE,
    }
    hash_data = _hash_data(credential, proof_options, document_loader)
    signed = copy.deepcopy(credential)
    signed["proof"] = [
        {
            **proof_options,
            "proofValue": "z" + base58_encode(private_key.sign(hash_data)),
        }
    ]
    return signed


def verify_credential(
    credential: dict,
    resolve_key: ResolveKey,
    *,
    document_loader: DocumentLoader = load_document,
) -> VerificationResult:
    """Check a credential's embedded ``eddsa-rdfc-2022`` proof.

    `resolve_key` maps a ``verificationMethod`` URL to the issuer's public key and raises
    (KeyError, LookupError or ValueError) or returns None for a key it does not know; it is the
    trust anchor, so pass only keys the issuer publishes. Validity dates and revocation are not
    checked here.
    """
    if not isinstance(credential, dict):
        return VerificationResult(False, [_("The credential is not a JSON object.")])
    proof = credential.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return VerificationResult(False, [_("The credential has no single embedded proof.")])
    verification_method = proof.get("verificationMethod")
    result = VerificationResult(
        False, [], verification_method if isinstance(verification_method, str) else None
    )
    result.errors.extend(_proof_errors(proof))
    result.errors.extend(_status_errors(credential))
    if result.errors:
        return result

    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    proof_options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in proof_options:
        proof_context = _as_list(proof_options.pop("@context"))
        if _as_list(credential.get("@context"))[: len(proof_context)] != proof_context:
            result.errors.append(_("The proof's @context does not match the credential's."))
            return result
        unsecured["@context"] = proof_context
    try:
        signature = multibase_decode(proof["proofValue"])
    except ValueError:
        signature = b""
    if len(signature) != 64:
        result.errors.append(_("The proof value is not an Ed25519 signature."))
        return result
    public_key = _resolve(resolve_key, verification_method)
    if public_key is None:
        result.errors.append(
            _("The signing key %(key)s is not one of the issuer's keys.", key=verification_method)
        )
        return result
    try:
        hash_data = _hash_data(unsecured, proof_options, document_loader, legacy_status_type=True)
    except CanonicalizationError as error:
        result.errors.append(str(error))
        return result
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        result.errors.append(
            _(
                "The signature does not match: the credential was changed after it was signed, "
                "or signed with another key."
            )
        )
        return result
    result.ok = True
    return result


def credential_to_jwt(credential: dict, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Return the credential as a VC-JWT (Open Badges 3.0 §8.2), signed with EdDSA.

    The payload is the credential itself (without an embedded proof) plus the registered
    claims ``iss`` (issuer id), ``jti`` (credential id), ``nbf`` (validFrom), ``exp``
    (validUntil, when set) and ``sub`` (credentialSubject.id, when set). `kid` is the key's
    ``verificationMethod`` URL.
    """
    payload = {key: value for key, value in credential.items() if key != "proof"}
    payload.update(_jwt_claims(credential))
    header = {"alg": JWT_ALGORITHM, "typ": "JWT", "kid": kid}
    signing_input = f"{_b64url_json(header)}.{_b64url_json(payload)}"
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def verify_jwt(token: str, resolve_key: ResolveKey) -> dict:
    """Verify a VC-JWT made by `credential_to_jwt` and return the credential it carries.

    Raises `CredentialVerificationError` when the token is malformed, is not EdDSA, names an
    unknown key, has a bad signature, or its claims disagree with the credential. Validity
    dates and revocation are the caller's to check.
    """
    if not isinstance(token, str) or len(token) > MAX_JWT_LENGTH or token.count(".") != 2:
        raise CredentialVerificationError(_("This is not a compact JWT."))
    encoded_header, encoded_payload, encoded_signature = token.split(".")
    try:
        header = json.loads(_b64url_decode(encoded_header))
        payload = json.loads(_b64url_decode(encoded_payload))
        signature = _b64url_decode(encoded_signature)
    except (ValueError, binascii.Error) as error:
        raise CredentialVerificationError(_("This is not a compact JWT.")) from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise CredentialVerificationError(_("This is not a compact JWT."))
    if header.get("alg") != JWT_ALGORITHM:
        raise CredentialVerificationError(
            _("The JWT is signed with %(alg)s; only EdDSA is accepted.", alg=str(header.get("alg")))
        )
    kid = header.get("kid")
    public_key = _resolve(resolve_key, kid) if isinstance(kid, str) else None
    if public_key is None:
        raise CredentialVerificationError(
            _("The signing key %(key)s is not one of the issuer's keys.", key=str(kid))
        )
    try:
        public_key.verify(signature, f"{encoded_header}.{encoded_payload}".encode("ascii"))
    except InvalidSignature as error:
        raise CredentialVerificationError(
            _("The JWT signature does not match: it was changed after it was signed.")
        ) from error
    credential = {key: value for key, value in payload.items() if key not in _JWT_CLAIMS}
    try:
        expected = _jwt_claims(credential)
    except (KeyError, TypeError, ValueError) as error:
        raise CredentialVerificationError(_("The JWT does not carry a credential.")) from error
    present = {claim: payload[claim] for claim in _JWT_CLAIMS if claim in payload}
    if present != expected:
        raise CredentialVerificationError(
            _("The JWT's claims do not match the credential it carries.")
        )
    return credential


def _hash_data(
    unsecured: dict,
    proof_options: dict,
    document_loader: DocumentLoader,
    *,
    legacy_status_type: bool = False,
) -> bytes:
    if proof_options.get("type") != PROOF_TYPE or proof_options.get("cryptosuite") != CRYPTOSUITE:
        raise CanonicalizationError(_("The proof is not an eddsa-rdfc-2022 DataIntegrityProof."))
    proof_config = {**proof_options, "@context": unsecured.get("@context")}
    canonical_config = canonicalize(proof_config, document_loader=document_loader)
    canonical_document = canonicalize(
        unsecured, document_loader=document_loader, legacy_status_type=legacy_status_type
    )
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def _proof_errors(proof: dict) -> list[str]:
    errors = []
    if proof.get("type") != PROOF_TYPE:
        errors.append(_("The proof is not a DataIntegrityProof."))
    if proof.get("cryptosuite") != CRYPTOSUITE:
        errors.append(_("The proof does not use the eddsa-rdfc-2022 cryptosuite."))
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        errors.append(_("The proof's purpose is not assertionMethod."))
    if not isinstance(proof.get("verificationMethod"), str):
        errors.append(_("The proof names no verification method."))
    if not isinstance(proof.get("proofValue"), str):
        errors.append(_("The proof has no proof value."))
    created = proof.get("created")
    if created is not None and _parse_datetime(created) is None:
        errors.append(_("The proof's creation time is not a date and time."))
    return errors


def _status_errors(credential: dict) -> list[str]:
    """A credentialStatus entry must name its type (the one relative type allowed is not signed)."""
    statuses = _as_list(credential.get("credentialStatus"))
    if any(not isinstance(status, dict) or "type" not in status for status in statuses):
        return [_("A credentialStatus entry has no type.")]
    return []


def _relative_iris(
    expanded: Any, parent_property: str | None = None, *, allow_legacy_status: bool = False
) -> list[str]:
    """Return the non-absolute @id and @type values of an expanded document, which toRdf drops."""
    found: list[str] = []
    if isinstance(expanded, list):
        for item in expanded:
            found.extend(
                _relative_iris(item, parent_property, allow_legacy_status=allow_legacy_status)
            )
        return found
    if not isinstance(expanded, dict):
        return found
    if "@value" in expanded:
        datatype = expanded.get("@type")
        if isinstance(datatype, str) and not _ABSOLUTE_IRI.match(datatype):
            found.append(datatype)
        return found
    node_id = expanded.get("@id")
    if isinstance(node_id, str) and not (node_id.startswith("_:") or _ABSOLUTE_IRI.match(node_id)):
        found.append(node_id)
    for node_type in _as_list(expanded.get("@type")):
        allowed = (
            allow_legacy_status
            and parent_property == CREDENTIAL_STATUS_IRI
            and node_type == REVOCATION_LIST_TYPE
        )
        if isinstance(node_type, str) and not allowed and not _ABSOLUTE_IRI.match(node_type):
            found.append(node_type)
    for key, value in expanded.items():
        if key in ("@id", "@type"):
            continue
        found.extend(
            _relative_iris(
                value,
                key if not key.startswith("@") else parent_property,
                allow_legacy_status=allow_legacy_status,
            )
        )
    return found


def _jwt_claims(credential: dict) -> dict[str, Any]:
    issuer = credential["issuer"]
    claims: dict[str, Any] = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": _numeric_date(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = _numeric_date(credential["validUntil"])
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    return claims


def _numeric_date(value: str) -> int:
    moment = _parse_datetime(value)
    if moment is None:
        raise ValueError(f"{value!r} is not a date and time")
    return int(moment.timestamp())


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _resolve(resolve_key: ResolveKey, verification_method: Any) -> Ed25519PublicKey | None:
    if not isinstance(verification_method, str):
        return None
    try:
        key = resolve_key(verification_method)
    except (KeyError, LookupError, ValueError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _describe_jsonld_error(error: JsonLdError) -> str:
    """Return the refused context's message if that is the cause, else pyld's first message."""
    cause: BaseException | None = error
    for _depth in range(20):
        if cause is None:
            break
        if isinstance(cause, ContextNotAllowedError):
            return str(cause.args[0])
        cause = cause.__cause__ or cause.__context__
    return _("The credential is not valid JSON-LD: %(error)s", error=str(error.args[0]))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(value: dict) -> str:
    return _b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
