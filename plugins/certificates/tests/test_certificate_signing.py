"""Data Integrity proofs (eddsa-rdfc-2022) and VC-JWT: what verifies, and every way it must not."""

import base64
import copy
import json
from datetime import UTC, datetime

import pytest
from certificate_samples import KEYS_PREFIX, unsigned_credential

from nttlearn_certificates.contexts import load_document
from nttlearn_certificates.keys import (
    base58_encode,
    generate_key,
    multibase_decode,
    private_key_from_multikey,
    public_key_from_multikey,
)
from nttlearn_certificates.signing import (
    CanonicalizationError,
    CredentialVerificationError,
    credential_to_jwt,
    sign_credential,
    verify_credential,
    verify_jwt,
)

VERIFICATION_METHOD = KEYS_PREFIX + "ed25519-0123456789abcdef"
CREATED = datetime(2010, 11, 30, 12, 0, tzinfo=UTC)

# The W3C vc-di-eddsa specification's eddsa-rdfc-2022 test vector (TestVectors/eddsa-rdfc-2022).
W3C_SECRET_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_SIGNED = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#" + W3C_PUBLIC_KEY,
        "proofPurpose": "assertionMethod",
        "proofValue": "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4Crzc"
        "KnHw8V6dvy5pgWYCU5e9",
    },
}


def w3c_examples_loader(url, options=None):
    """The shipped loader, plus the W3C examples context the test vector names."""
    if url == "https://www.w3.org/ns/credentials/examples/v2":
        document = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }
    return load_document(url, options)


@pytest.fixture(scope="module")
def key():
    return generate_key()


@pytest.fixture(scope="module")
def signed(key):
    return sign_credential(unsigned_credential(), key, VERIFICATION_METHOD, CREATED)


def resolver_for(key):
    def resolve(verification_method):
        if verification_method != VERIFICATION_METHOD:
            raise KeyError(verification_method)
        return key.public_key()

    return resolve


def test_w3c_test_vector_verifies():
    public_key = public_key_from_multikey(W3C_PUBLIC_KEY)
    result = verify_credential(
        W3C_SIGNED, lambda _: public_key, document_loader=w3c_examples_loader
    )
    assert result.ok, result.errors


def test_signing_the_w3c_test_vector_reproduces_its_proof_value_exactly():
    unsigned = {key: value for key, value in W3C_SIGNED.items() if key != "proof"}
    signed = sign_credential(
        unsigned,
        private_key_from_multikey(W3C_SECRET_KEY),
        W3C_SIGNED["proof"]["verificationMethod"],
        datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        document_loader=w3c_examples_loader,
    )
    assert signed["proof"] == [W3C_SIGNED["proof"]]


def test_a_signed_credential_verifies(signed, key):
    result = verify_credential(signed, resolver_for(key))
    assert result.ok, result.errors
    assert result.verification_method == VERIFICATION_METHOD
    assert signed["proof"] == [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2010-11-30T12:00:00Z",
            "verificationMethod": VERIFICATION_METHOD,
            "proofPurpose": "assertionMethod",
            "proofValue": signed["proof"][0]["proofValue"],
        }
    ]
    assert signed["proof"][0]["proofValue"].startswith("z")


def test_signing_leaves_the_unsigned_credential_untouched(key):
    credential = unsigned_credential()
    before = copy.deepcopy(credential)
    sign_credential(credential, key, VERIFICATION_METHOD, CREATED)
    assert credential == before


def _set(path):
    def change(credential, value):
        *parents, last = path
        target = credential
        for step in parents:
            target = target[step]
        target[last] = value

    return change


def _delete(path):
    def change(credential, _value):
        *parents, last = path
        target = credential
        for step in parents:
            target = target[step]
        del target[last]

    return change


SUBJECT = ["credentialSubject"]
ACHIEVEMENT = [*SUBJECT, "achievement"]
TAMPERING = {
    "name": (_set(["name"]), "Forged name"),
    "id": (_set(["id"]), "https://learn.example.org/certificates/NTT-0000-0000/credential"),
    "issuer name": (_set(["issuer", "name"]), "Another Network"),
    "issuer id": (_set(["issuer", "id"]), "https://evil.example/issuer"),
    "validFrom": (_set(["validFrom"]), "2009-11-30T00:00:00Z"),
    "validUntil": (_set(["validUntil"]), "2099-11-30T00:00:00Z"),
    "validUntil removed": (_delete(["validUntil"]), None),
    "recipient hash": (_set([*SUBJECT, "identifier", 0, "identityHash"]), "sha256$" + "0" * 64),
    "recipient salt": (_set([*SUBJECT, "identifier", 0, "salt"]), "other"),
    "achievement name": (_set([*ACHIEVEMENT, "name"]), "Advanced course"),
    "criteria": (_set([*ACHIEVEMENT, "criteria", "narrative"]), "Nothing at all."),
    "outcome": (_set([*ACHIEVEMENT, "alignment", 0, "targetName"]), "Fly"),
    "status list": (_set(["credentialStatus", "id"]), "https://evil.example/never-revoked"),
    "status type": (_set(["credentialStatus", "type"]), "NeverRevoked"),
    "status type removed": (_delete(["credentialStatus", "type"]), None),
    "undefined property added": (_set(["grade"]), "A+"),
    "undefined type added": (_set([*SUBJECT, "type"]), ["AchievementSubject", "Honours"]),
    "proof created": (_set(["proof", 0, "created"]), "2011-01-01T00:00:00Z"),
    "proof purpose": (_set(["proof", 0, "proofPurpose"]), "authentication"),
    "proof cryptosuite": (_set(["proof", 0, "cryptosuite"]), "eddsa-jcs-2022"),
    "proof removed": (_delete(["proof"]), None),
}


@pytest.mark.parametrize("change", sorted(TAMPERING))
def test_changing_any_field_makes_verification_fail(signed, key, change):
    apply, value = TAMPERING[change]
    tampered = copy.deepcopy(signed)
    apply(tampered, value)
    result = verify_credential(tampered, resolver_for(key))
    assert not result.ok
    assert result.errors


@pytest.mark.parametrize("position", [0, 1, 17, 31, 32, 50, 63])
def test_changing_a_byte_of_the_proof_makes_verification_fail(signed, key, position):
    signature = bytearray(multibase_decode(signed["proof"][0]["proofValue"]))
    signature[position] ^= 0x01
    tampered = copy.deepcopy(signed)
    tampered["proof"][0]["proofValue"] = "z" + base58_encode(bytes(signature))
    result = verify_credential(tampered, resolver_for(key))
    assert not result.ok
    assert "signature does not match" in result.errors[0]


def test_a_proof_by_an_unknown_key_fails(signed):
    other_key = generate_key()
    result = verify_credential(signed, resolver_for(other_key))
    assert not result.ok
    forged = sign_credential(unsigned_credential(), other_key, KEYS_PREFIX + "forged", CREATED)
    result = verify_credential(forged, resolver_for(other_key))
    assert not result.ok
    assert "not one of the issuer's keys" in result.errors[0]


def test_a_credential_with_terms_the_contexts_do_not_define_cannot_be_signed(key):
    credential = unsigned_credential()
    credential["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(CanonicalizationError, match="favouriteColour"):
        sign_credential(credential, key, VERIFICATION_METHOD, CREATED)


def test_a_credential_naming_an_unshipped_context_cannot_be_signed(key):
    credential = unsigned_credential()
    credential["@context"].append("https://evil.example/context.jsonld")
    with pytest.raises(CanonicalizationError, match="evil.example"):
        sign_credential(credential, key, VERIFICATION_METHOD, CREATED)


def _decode_part(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _encode_part(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_jwt_round_trip_returns_the_credential(key):
    credential = unsigned_credential()
    token = credential_to_jwt(credential, key, VERIFICATION_METHOD)
    header, payload, _ = token.split(".")
    assert _decode_part(header) == {"alg": "EdDSA", "typ": "JWT", "kid": VERIFICATION_METHOD}
    claims = _decode_part(payload)
    assert claims["iss"] == credential["issuer"]["id"]
    assert claims["jti"] == credential["id"]
    assert claims["nbf"] == int(datetime(2010, 11, 30, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2012, 11, 30, tzinfo=UTC).timestamp())
    assert verify_jwt(token, resolver_for(key)) == credential


def test_jwt_of_a_signed_credential_leaves_the_embedded_proof_out(signed, key):
    token = credential_to_jwt(signed, key, VERIFICATION_METHOD)
    assert "proof" not in verify_jwt(token, resolver_for(key))


def test_tampered_jwt_payload_fails(key):
    token = credential_to_jwt(unsigned_credential(), key, VERIFICATION_METHOD)
    header, payload, signature = token.split(".")
    claims = _decode_part(payload)
    claims["name"] = "Forged"
    with pytest.raises(CredentialVerificationError, match="signature"):
        verify_jwt(f"{header}.{_encode_part(claims)}.{signature}", resolver_for(key))


def test_jwt_with_a_changed_signature_byte_fails(key):
    token = credential_to_jwt(unsigned_credential(), key, VERIFICATION_METHOD)
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 0x80
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(CredentialVerificationError):
        verify_jwt(f"{header}.{payload}.{forged}", resolver_for(key))


def test_jwt_with_alg_none_or_an_unknown_key_fails(key):
    token = credential_to_jwt(unsigned_credential(), key, VERIFICATION_METHOD)
    header, payload, _ = token.split(".")
    unsigned_header = _encode_part({"alg": "none", "kid": VERIFICATION_METHOD})
    with pytest.raises(CredentialVerificationError, match="only EdDSA"):
        verify_jwt(f"{unsigned_header}.{payload}.", resolver_for(key))
    with pytest.raises(CredentialVerificationError, match="not one of the issuer's keys"):
        verify_jwt(token, lambda kid: None)


def test_jwt_whose_claims_disagree_with_the_credential_fails(key):
    credential = unsigned_credential()
    token = credential_to_jwt(credential, key, VERIFICATION_METHOD)
    header, payload, _ = token.split(".")
    claims = _decode_part(payload)
    claims["exp"] = claims["exp"] + 10 * 365 * 86400
    body = f"{header}.{_encode_part(claims)}"
    signature = base64.urlsafe_b64encode(key.sign(body.encode())).rstrip(b"=").decode()
    with pytest.raises(CredentialVerificationError, match="claims"):
        verify_jwt(f"{body}.{signature}", resolver_for(key))


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!.??.##", "e30.e30.e30"])
def test_malformed_jwts_fail_cleanly(key, token):
    with pytest.raises(CredentialVerificationError):
        verify_jwt(token, resolver_for(key))
