"""The issued credential and the documents it points to: issuer, keys, revocation list, schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

import nttlearn_certificates
from nttlearn import db
from nttlearn_certificates import credentials, services
from nttlearn_certificates.keys import public_key_from_multikey
from nttlearn_certificates.signing import verify_credential, verify_jwt
from nttlearn_certificates.verification import verify_credential_document

SCHEMA = (
    Path(nttlearn_certificates.__file__).parent
    / "schemas"
    / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture
def cert(make_user, quiz_course, complete):
    learner = make_user(name="Åsa Lindqvist", email="asa.lindqvist@lulea.example.se", locale="sv")
    course = quiz_course(slug="designing-twinned-town-networks")
    complete(learner, course)
    return services.live_certificate(learner.id, course.id)


def published_resolver(client):
    """Resolve keys the way an outside verifier does: by fetching the verificationMethod URL."""

    def resolve(url: str):
        assert url.startswith("https://learn.example.org/")
        response = client.get(url.removeprefix("https://learn.example.org"))
        if response.status_code != 200:
            raise KeyError(url)
        document = response.get_json()
        assert document["type"] == "Multikey" and document["id"] == url
        return public_key_from_multikey(document["publicKeyMultibase"])

    return resolve


def test_the_credential_is_an_open_badge_with_https_urls_from_the_base_url(cert):
    credential = cert.credential

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"https://learn.example.org/verify/{cert.code}"
    assert credential["issuer"] == {
        "id": "https://learn.example.org/certificates/issuer",
        "type": ["Profile"],
        "name": "SERN – Sweden-Emilia-Romagna Network",
        "url": "https://www.sern.eu",
    }
    status_list = f"https://learn.example.org/certificates/status/{cert.status_list_id}"
    assert credential["credentialStatus"] == {
        "id": f"{status_list}#{cert.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(cert.status_list_index),
        "statusListCredential": status_list,
    }
    achievement = credential["credentialSubject"]["achievement"]
    assert (
        achievement["id"]
        == "https://learn.example.org/certificates/achievements/designing-twinned-town-networks"
    )
    assert [a["targetName"] for a in achievement["alignment"]][
        0
    ] == "Analyse local needs with partners in Luleå"
    assert achievement["inLanguage"] == "sv"
    assert credential["proof"][0]["verificationMethod"].startswith(
        "https://learn.example.org/certificates/keys/ed25519-"
    )


def test_the_learner_is_identified_by_a_salted_hash_of_their_email(cert):
    from nttlearn_certificates.badges import identity_matches

    [identity] = cert.credential["credentialSubject"]["identifier"]

    assert identity["hashed"] is True and identity["salt"] == cert.salt
    assert "lulea.example.se" not in json.dumps(cert.credential)
    assert identity_matches(cert.credential, " Asa.Lindqvist@Lulea.example.se")


def test_the_credential_validates_against_the_open_badges_schema(cert):
    validator = Draft201909Validator(
        json.loads(SCHEMA.read_text(encoding="utf-8")),
        format_checker=Draft201909Validator.FORMAT_CHECKER,
    )

    assert list(validator.iter_errors(cert.credential)) == []


def test_it_verifies_with_the_key_published_at_its_verification_method(cert, client):
    result = verify_credential(cert.credential, published_resolver(client))

    assert result.ok, result.errors


def test_changing_any_field_makes_it_fail(cert):
    for path, value in (
        (["name"], "Advanced course"),
        (["validFrom"], "2009-01-01T00:00:00Z"),
        (["credentialSubject", "achievement", "name"], "Another course"),
        (["issuer", "name"], "Someone else"),
    ):
        tampered = copy.deepcopy(cert.credential)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

        verdict = verify_credential_document(tampered)

        assert verdict.status == "invalid", path
        assert "changed after it was signed" in " ".join(verdict.reasons)


def test_a_revoked_credential_still_has_a_good_signature_but_fails_its_status(cert, client):
    services.revoke_certificate(cert, reason="Issued in error")
    db.session.commit()

    listed = client.get("/certificates/revocations").get_json()
    verdict = verify_credential_document(cert.credential)

    assert verify_credential(cert.credential, published_resolver(client)).ok
    assert listed["issuer"] == "https://learn.example.org/certificates/issuer"
    assert {"id": cert.credential["id"]} in listed["revokedCredentials"]
    assert verdict.status == "revoked"


def test_the_issuer_profile_lists_the_keys(cert, client):
    profile = client.get("/certificates/issuer").get_json()

    assert profile["id"] == "https://learn.example.org/certificates/issuer"
    assert profile["type"] == ["Profile"] and profile["url"] == "https://www.sern.eu"
    assert [k["id"] for k in profile["verificationMethod"]] == [
        cert.credential["proof"][0]["verificationMethod"]
    ]


def test_the_achievement_and_its_image_are_served(cert, client):
    achievement = client.get(
        "/certificates/achievements/designing-twinned-town-networks"
    ).get_json()
    image = client.get("/certificates/achievements/designing-twinned-town-networks/badge.png")

    assert achievement["id"] == cert.credential["credentialSubject"]["achievement"]["id"]
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get("/certificates/achievements/no-such-course").status_code == 404


def test_rotating_the_key_keeps_old_credentials_verifiable(
    cert, client, make_user, quiz_course, complete
):
    old_method = cert.credential["proof"][0]["verificationMethod"]

    credentials.key_ring().rotate()
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    newer = services.live_certificate(learner.id, course.id)

    assert newer.credential["proof"][0]["verificationMethod"] != old_method
    assert verify_credential(cert.credential, published_resolver(client)).ok
    assert verify_credential(newer.credential, published_resolver(client)).ok
    assert [k["id"] for k in client.get("/certificates/keys").get_json()][1] == old_method


def test_the_jwt_carries_the_credential_and_a_kid(cert, client, client_for):
    from nttlearn.models import User

    holder = client_for(db.session.get(User, cert.user_id))
    jwt = holder.get(f"/certificates/{cert.code}/credential.jwt").get_data(as_text=True)

    carried = verify_jwt(jwt, published_resolver(client))

    assert carried["id"] == cert.credential["id"] and "proof" not in carried


def test_a_configured_signing_key_is_used_and_the_old_ones_stay_published(
    app, cert, tmp_path, make_user, quiz_course, complete, client
):
    from nttlearn_certificates.keys import generate_key, key_id_for, private_key_to_pem

    key = generate_key()
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(private_key_to_pem(key))
    app.config["CERTIFICATES_SIGNING_KEY_FILE"] = str(pem)
    learner, course = make_user(), quiz_course()

    complete(learner, course)

    newer = services.live_certificate(learner.id, course.id)
    assert newer.credential["proof"][0]["verificationMethod"].endswith(key_id_for(key))
    assert verify_credential(cert.credential, published_resolver(client)).ok


def test_a_missing_configured_key_is_a_clear_error(app, make_user, quiz_course, tmp_path):
    app.config["CERTIFICATES_SIGNING_KEY_FILE"] = str(tmp_path / "missing.pem")

    with pytest.raises(credentials.SigningKeyError, match="missing.pem"):
        services.issue_certificate(make_user(), quiz_course(), reason="by hand")
