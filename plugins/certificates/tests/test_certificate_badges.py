"""The OpenBadgeCredential: its shape, its hashed recipient, and the Open Badges 3.0 schema."""

import copy
import json
from datetime import UTC, datetime

import pytest
from certificate_samples import KEYS_PREFIX, SITE, unsigned_credential
from jsonschema import Draft201909Validator

from nttlearn_certificates.badges import hash_identity, identity_matches
from nttlearn_certificates.keys import generate_key
from nttlearn_certificates.signing import sign_credential

SCHEMA_PATH = (
    __import__("pathlib").Path(__import__("nttlearn_certificates").__file__).parent
    / "schemas"
    / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def test_identity_hash_matches_the_open_badges_specification_example():
    assert hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_credential_has_the_open_badges_shape():
    credential = unsigned_credential()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": f"{SITE}/certificates/issuer",
        "type": ["Profile"],
        "name": "SERN – Sweden–Emilia-Romagna Network",
        "url": SITE,
    }
    assert credential["validFrom"] == "2010-11-30T00:00:00Z"
    assert credential["validUntil"] == "2012-11-30T00:00:00Z"
    assert credential["credentialStatus"] == {
        "id": f"{SITE}/certificates/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": f"{SITE}/certificates/status/1",
    }
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and "id" not in subject
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"]["narrative"].endswith(
        "Learning outcomes:\n\n- Analyse local needs with partners in Luleå\n"
        "- Draft a network proposal"
    )
    assert [alignment["targetName"] for alignment in achievement["alignment"]] == [
        "Analyse local needs with partners in Luleå",
        "Draft a network proposal",
    ]
    assert achievement["image"]["type"] == "Image"


def test_the_recipient_is_a_salted_hash_of_the_email_never_the_address():
    credential = unsigned_credential()
    assert "asa.lindqvist" not in json.dumps(credential)
    assert credential["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": hash_identity("asa.lindqvist@lulea.example.se", "4f1c2e"),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "4f1c2e",
        }
    ]
    assert identity_matches(credential, " Asa.Lindqvist@Lulea.example.se")
    assert not identity_matches(credential, "someone.else@lulea.example.se")
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$Luleå"
    assert not identity_matches(credential, "asa.lindqvist@lulea.example.se")


def test_each_credential_gets_its_own_salt_by_default():
    first = unsigned_credential(salt=None)["credentialSubject"]["identifier"][0]
    second = unsigned_credential(salt=None)["credentialSubject"]["identifier"][0]
    assert first["salt"] != second["salt"] and first["identityHash"] != second["identityHash"]


def test_a_credential_without_expiry_has_no_valid_until():
    assert "validUntil" not in unsigned_credential(valid_until=None)


def test_relative_urls_are_refused():
    with pytest.raises(ValueError, match="credential_id"):
        unsigned_credential(credential_id="/certificates/NTT-7K4Q-M2XD")


def test_built_and_signed_credentials_validate_against_the_schema(validator):
    credential = unsigned_credential()
    assert list(validator.iter_errors(credential)) == []
    signed = sign_credential(
        credential, generate_key(), KEYS_PREFIX + "k", datetime(2010, 11, 30, tzinfo=UTC)
    )
    assert list(validator.iter_errors(signed)) == []


def _without(path):
    def change(credential):
        *parents, last = path
        target = credential
        for step in parents:
            target = target[step]
        del target[last]

    return change


def _set(path, value):
    def change(credential):
        *parents, last = path
        target = credential
        for step in parents:
            target = target[step]
        target[last] = value

    return change


@pytest.mark.parametrize(
    "break_it",
    [
        _without(["validFrom"]),
        _without(["issuer"]),
        _without(["credentialSubject", "achievement"]),
        _without(["credentialSubject", "achievement", "criteria"]),
        _set(["type"], ["VerifiableCredential"]),
        _set(["@context"], ["https://www.w3.org/ns/credentials/v2"]),
        _set(["validFrom"], "30 November 2010"),
        _set(["credentialSubject", "identifier", 0, "hashed"], "yes"),
        _set(["credentialSubject", "identifier", 0, "identityType"], "shoeSize"),
        _set(["credentialStatus"], {"type": "BitstringStatusListEntry"}),
        _set(["proof"], {"type": "DataIntegrityProof"}),
        _set(["issuer", "type"], ["Organization"]),
    ],
    ids=lambda change: change.__qualname__,
)
def test_the_schema_rejects_broken_credentials(validator, break_it):
    credential = copy.deepcopy(unsigned_credential())
    break_it(credential)
    assert list(validator.iter_errors(credential))
