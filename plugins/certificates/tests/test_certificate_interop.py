"""Interoperability: the credentials the plugin issues, checked by what the rest of the world runs.

Every credential (in each language, with outcomes as alignments, with evidence, with the hashed
e-mail address) must verify with Digital Bazaar's reference verifier (`reference_verifier`),
must validate against 1EdTech's Open Badges 3.0 JSON Schema, and must be reported revoked
through its Bitstring Status List once it is revoked; a tampered copy must fail.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from certificate_test_site import BASE_URL
from jsonschema import Draft201909Validator
from reference_verifier import installed_verifier, served_documents, verify_with_node

import nttlearn_certificates
from nttlearn import db
from nttlearn.models import User
from nttlearn_certificates import services
from nttlearn_certificates.rules import CertificateRule, save_rule
from nttlearn_certificates.status_lists import LIST_SIZE, bit_is_set, decode_list

LOCALES = ("en", "it", "sv", "es", "fi")
SCHEMA = (
    Path(nttlearn_certificates.__file__).parent
    / "schemas"
    / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(scope="module")
def node() -> str:
    return installed_verifier()


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


@pytest.fixture
def every_kind_of_credential(make_user, quiz_course) -> list[dict]:
    """One certificate per language for a course with outcomes, translations and a rule that
    asks for a quiz grade and an accepted proposal (so the credential carries evidence), and one
    for a plain course with neither outcomes nor evidence."""
    translations = {
        locale: {
            "title": f"Reti di città gemellate ({locale})",
            "summary": f"Progettare reti di città gemellate ({locale}).",
        }
        for locale in LOCALES
        if locale != "en"
    }
    course = quiz_course(
        slug="designing-twinned-town-networks",
        translations=translations,
        summary="From needs analysis in Luleå to a proposal with Bologna.",
    )
    save_rule(course, CertificateRule(min_quiz_grade=80, require_accepted_proposal=True))
    plain = quiz_course(outcomes=[], summary="")
    certificates = [
        services.issue_certificate(
            make_user(name=f"Åsa Lindqvist ({locale})", locale=locale),
            course,
            reason="interoperability test",
        )
        for locale in LOCALES
    ]
    certificates.append(
        services.issue_certificate(make_user(), plain, reason="interoperability test")
    )
    db.session.commit()
    return [certificate.credential for certificate in certificates]


def test_every_issued_credential_verifies_with_the_reference_verifier(
    node, client, every_kind_of_credential
):
    credentials = every_kind_of_credential
    languages = {c["credentialSubject"]["achievement"]["inLanguage"] for c in credentials}
    assert languages == set(LOCALES)
    assert all(
        "evidence" in c and "alignment" in c["credentialSubject"]["achievement"]
        for c in credentials[:-1]
    )
    assert (
        "evidence" not in credentials[-1]
        and "alignment" not in credentials[-1]["credentialSubject"]["achievement"]
    )

    verdicts = verify_with_node(node, credentials, served_documents(client, BASE_URL, credentials))

    for credential, verdict in zip(credentials, verdicts, strict=True):
        assert verdict.verified, (
            credential["credentialSubject"]["achievement"]["inLanguage"],
            verdict.errors,
        )
        assert verdict.revoked is False
        assert not [
            url
            for url in verdict.loaded
            if not url.startswith(
                (
                    "https://www.w3.org/ns/",
                    "https://purl.imsglobal.org/",
                    "https://w3id.org/security/",
                    BASE_URL,
                )
            )
        ]


def test_every_issued_credential_validates_against_the_open_badges_schema(
    validator, every_kind_of_credential
):
    for credential in every_kind_of_credential:
        assert [error.message for error in validator.iter_errors(credential)] == []


@pytest.mark.parametrize(
    "path, value",
    [
        (["name"], "Advanced course"),
        (["credentialSubject", "achievement", "inLanguage"], "de"),
        (["credentialSubject", "identifier", 0, "identityHash"], "sha256$" + "0" * 64),
        (["evidence", 0, "narrative"], "Chaired the network."),
        (["credentialStatus", "statusListIndex"], "7"),
    ],
    ids=lambda part: str(part[-1]) if isinstance(part, list) else None,
)
def test_a_tampered_credential_fails_the_reference_verifier(
    node, client, every_kind_of_credential, path, value
):
    tampered = copy.deepcopy(every_kind_of_credential[1])
    target = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    [verdict] = verify_with_node(node, [tampered], served_documents(client, BASE_URL, [tampered]))

    assert not verdict.verified
    assert verdict.errors


def test_a_revoked_credential_is_reported_revoked_through_the_status_list(
    node, client, make_user, quiz_course, complete
):
    revoked_learner, other_learner = make_user(locale="it"), make_user(locale="fi")
    course = quiz_course()
    complete(revoked_learner, course)
    complete(other_learner, course)
    revoked = services.live_certificate(revoked_learner.id, course.id)
    kept = services.live_certificate(other_learner.id, course.id)

    services.revoke_certificate(revoked, reason="Issued in error")
    db.session.commit()

    credentials = [revoked.credential, kept.credential]
    documents = served_documents(client, BASE_URL, credentials)
    verdicts = verify_with_node(node, credentials, documents)
    assert [(v.verified, v.revoked) for v in verdicts] == [(True, True), (True, False)], verdicts
    bits = decode_list(
        documents[revoked.credential["credentialStatus"]["statusListCredential"]][
            "credentialSubject"
        ]["encodedList"]
    )
    assert len(bits) * 8 == LIST_SIZE
    assert bit_is_set(bits, revoked.status_list_index) and not bit_is_set(
        bits, kept.status_list_index
    )


def test_a_forged_status_list_is_refused_by_the_reference_verifier(
    node, client, make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    certificate = services.live_certificate(learner.id, course.id)
    services.revoke_certificate(certificate, reason="Issued in error")
    db.session.commit()
    documents = served_documents(client, BASE_URL, [certificate.credential])
    list_url = certificate.credential["credentialStatus"]["statusListCredential"]
    empty = copy.deepcopy(
        client.get(f"/certificates/status/{certificate.status_list_id}").get_json()
    )
    from nttlearn_certificates.status_lists import encode_list

    empty["credentialSubject"]["encodedList"] = encode_list(())  # "never revoked", not signed so
    documents[list_url] = empty

    [verdict] = verify_with_node(node, [certificate.credential], documents)

    assert not verdict.verified
    assert any("BitstringStatusListCredential" in error for error in verdict.errors), verdict.errors


def test_the_credential_the_holder_downloads_verifies_with_the_reference_verifier(
    node, client, client_for, make_user, quiz_course, complete
):
    learner, course = make_user(locale="sv"), quiz_course()
    complete(learner, course)
    certificate = services.live_certificate(learner.id, course.id)
    holder = client_for(db.session.get(User, learner.id))

    downloaded = json.loads(holder.get(f"/certificates/{certificate.code}/credential.json").data)

    [verdict] = verify_with_node(
        node, [downloaded], served_documents(client, BASE_URL, [downloaded])
    )
    assert verdict.verified, verdict.errors


# -- credentials issued before Bitstring Status Lists ------------------------------------------------
# Signed by the plugin as it was (``{"type": "1EdTechRevocationList"}`` in credentialStatus) with
# the W3C vc-di-eddsa test-vector key, whose secret is public, so the file holds no secret.
LEGACY = Path(__file__).parent / "legacy_credential.json"
LEGACY_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def legacy_documents(credential: dict) -> dict:
    """The issuer profile and key a verifier would fetch for the legacy credential."""
    method = credential["proof"]["verificationMethod"]
    issuer = credential["issuer"]["id"]
    return {
        issuer: {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://www.w3.org/ns/cid/v1",
            ],
            "id": issuer,
            "type": ["Profile"],
            "name": "SERN",
            "url": BASE_URL,
            "assertionMethod": [method],
        },
        method: {
            "@context": "https://w3id.org/security/multikey/v1",
            "id": method,
            "type": "Multikey",
            "controller": issuer,
            "publicKeyMultibase": LEGACY_PUBLIC_KEY,
        },
    }


def test_credentials_issued_before_status_lists_still_verify_on_the_platform():
    from nttlearn_certificates.keys import public_key_from_multikey
    from nttlearn_certificates.signing import verify_credential

    credential = json.loads(LEGACY.read_text(encoding="utf-8"))

    result = verify_credential(
        credential, lambda _method: public_key_from_multikey(LEGACY_PUBLIC_KEY)
    )

    assert result.ok, result.errors


def test_the_reference_verifier_refuses_the_relative_status_type_of_older_credentials(node):
    """Why those credentials must be re-issued to be checked elsewhere: jsonld.js in safe mode
    refuses the relative ``1EdTechRevocationList`` type (the fault this plugin no longer signs)."""
    credential = json.loads(LEGACY.read_text(encoding="utf-8"))

    [verdict] = verify_with_node(
        node, [credential], legacy_documents(credential), now="2011-06-01T00:00:00Z"
    )

    assert not verdict.verified
    assert any("Safe mode validation error" in error for error in verdict.errors), verdict.errors


def test_a_relative_status_type_is_no_longer_signed():
    from certificate_samples import KEYS_PREFIX, unsigned_credential

    from nttlearn_certificates.keys import generate_key
    from nttlearn_certificates.signing import CanonicalizationError, sign_credential

    credential = unsigned_credential()
    credential["credentialStatus"] = {
        "id": f"{BASE_URL}/certificates/revocations",
        "type": "1EdTechRevocationList",
    }

    with pytest.raises(CanonicalizationError, match="1EdTechRevocationList"):
        sign_credential(credential, generate_key(), KEYS_PREFIX + "ed25519-0123456789abcdef")
