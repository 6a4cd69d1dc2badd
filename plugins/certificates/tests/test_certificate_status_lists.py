"""Bitstring Status Lists: the encoding, each certificate's random place, and the published list
re-signed with every revocation."""

from __future__ import annotations

import base64
import gzip

import pytest

from nttlearn import db
from nttlearn.models import User
from nttlearn_certificates import credentials, privacy, services, status_lists
from nttlearn_certificates.models import StatusList
from nttlearn_certificates.signing import verify_credential
from nttlearn_certificates.status_lists import (
    LIST_SIZE,
    StatusListError,
    bit_is_set,
    decode_list,
    encode_list,
)


def published_bits(client, certificate) -> bytes:
    document = client.get(f"/certificates/status/{certificate.status_list_id}").get_json()
    return decode_list(document["credentialSubject"]["encodedList"])


# -- the encoding ------------------------------------------------------------------------------
def test_an_empty_list_is_16_kilobytes_of_zeros_gzipped_in_multibase_base64url():
    encoded = encode_list(())

    assert (
        encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    )
    assert gzip.decompress(
        base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    ) == bytes(16384)
    assert LIST_SIZE == 131_072


def test_index_zero_is_the_left_most_bit():
    bits = decode_list(encode_list([0, 9, LIST_SIZE - 1]))

    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert [i for i in (0, 1, 8, 9, LIST_SIZE - 1) if bit_is_set(bits, i)] == [0, 9, LIST_SIZE - 1]


def test_the_same_list_always_encodes_the_same_way():
    assert encode_list([5, 3]) == encode_list([3, 5])


@pytest.mark.parametrize(
    "encoded", ["", "zABC", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()]
)
def test_what_is_not_an_encoded_list_is_refused(encoded):
    with pytest.raises(StatusListError):
        decode_list(encoded)


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        encode_list([LIST_SIZE])


# -- places ----------------------------------------------------------------------------------
def test_each_certificate_gets_its_own_random_place_in_the_first_list(
    make_user, quiz_course, complete
):
    course = quiz_course()
    learners = [make_user() for _ in range(6)]
    for learner in learners:
        complete(learner, course)

    certificates = [services.live_certificate(learner.id, course.id) for learner in learners]

    assert {c.status_list_id for c in certificates} == {1}
    indices = [c.status_list_index for c in certificates]
    assert len(set(indices)) == 6 and all(0 <= i < LIST_SIZE for i in indices)
    assert indices != sorted(indices) or max(indices) > 1000  # drawn at random, not counted up
    for certificate in certificates:
        status = certificate.credential["credentialStatus"]
        assert status["statusListIndex"] == str(certificate.status_list_index)
        assert status["statusListCredential"] == "https://learn.example.org/certificates/status/1"


def test_a_place_taken_by_a_concurrent_issue_is_drawn_again(
    app, make_user, quiz_course, monkeypatch
):
    """Two requests that draw the same bit: the unique constraint refuses the second, which draws
    again (simulated: the first request's row is invisible to the second's draw)."""
    course = quiz_course()
    first = services.issue_certificate(make_user(), course, reason="by hand")
    db.session.commit()
    draws = iter([first.status_list_index, first.status_list_index, 4242])
    monkeypatch.setattr(status_lists, "_used_indices", lambda list_id: set())
    monkeypatch.setattr(status_lists.secrets, "randbelow", lambda size: next(draws))

    second = services.issue_certificate(make_user(), course, reason="by hand")
    db.session.commit()

    assert (second.status_list_id, second.status_list_index) == (1, 4242)
    assert second.credential["credentialStatus"]["statusListIndex"] == "4242"


def test_a_full_list_is_followed_by_a_new_one(app, make_user, quiz_course, monkeypatch):
    course = quiz_course()
    services.issue_certificate(make_user(), course, reason="by hand")
    monkeypatch.setattr(
        status_lists,
        "_used_indices",
        lambda list_id: set(range(LIST_SIZE)) if list_id == 1 else set(),
    )

    certificate = services.issue_certificate(make_user(), course, reason="by hand")
    db.session.commit()

    assert certificate.status_list_id == 2
    assert certificate.credential["credentialStatus"]["statusListCredential"].endswith(
        "/certificates/status/2"
    )
    assert db.session.get(StatusList, 2).credential["id"].endswith("/certificates/status/2")


# -- the published list ---------------------------------------------------------------------------
def test_the_published_list_is_a_signed_status_list_credential(
    client, make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    certificate = services.live_certificate(learner.id, course.id)

    response = client.get(f"/certificates/status/{certificate.status_list_id}")
    document = response.get_json()

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == certificate.credential["issuer"]["id"]
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert not bit_is_set(
        decode_list(document["credentialSubject"]["encodedList"]), certificate.status_list_index
    )
    assert verify_credential(document, credentials.resolve_key).ok
    assert client.get("/certificates/status/99").status_code == 404


def test_revoking_sets_the_bit_and_re_signs_the_list(client, make_user, quiz_course, complete):
    course = quiz_course()
    revoked_learner, other_learner = make_user(), make_user()
    complete(revoked_learner, course)
    complete(other_learner, course)
    revoked = services.live_certificate(revoked_learner.id, course.id)
    kept = services.live_certificate(other_learner.id, course.id)

    services.revoke_certificate(revoked, reason="Issued in error")
    db.session.commit()

    bits = published_bits(client, revoked)
    document = client.get(f"/certificates/status/{revoked.status_list_id}").get_json()
    assert bit_is_set(bits, revoked.status_list_index) and not bit_is_set(
        bits, kept.status_list_index
    )
    assert verify_credential(document, credentials.resolve_key).ok


def test_a_revocation_rolled_back_leaves_the_published_list_unchanged(
    client, make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    certificate = services.live_certificate(learner.id, course.id)

    services.revoke_certificate(certificate, reason="Issued in error")
    db.session.rollback()

    assert not bit_is_set(published_bits(client, certificate), certificate.status_list_index)


def test_deleting_an_account_sets_the_bits_of_its_certificates(
    client, make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    certificate = services.live_certificate(learner.id, course.id)
    place = (certificate.status_list_id, certificate.status_list_index)

    privacy.delete_user_data(learner.id)
    db.session.commit()

    assert bit_is_set(published_bits(client, certificate), place[1])


def test_reissuing_revokes_the_old_bit_and_gives_the_new_certificate_a_free_one(
    client, make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)
    old = services.live_certificate(learner.id, course.id)

    new = services.reissue_certificate(
        old, reason="Name corrected", issued_by=db.session.get(User, learner.id)
    )
    db.session.commit()

    bits = published_bits(client, old)
    assert bit_is_set(bits, old.status_list_index) and not bit_is_set(bits, new.status_list_index)
    assert new.status_list_index != old.status_list_index


def test_two_revocations_at_once_both_reach_the_published_list(
    app, client, make_user, quiz_course, complete
):
    import threading

    course = quiz_course()
    learners = [make_user(), make_user()]
    for learner in learners:
        complete(learner, course)
    codes = [services.live_certificate(learner.id, course.id).code for learner in learners]
    db.session.commit()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def revoke(code: str) -> None:
        with app.app_context():
            certificate = services.find_certificate(code)
            barrier.wait()
            try:
                services.revoke_certificate(certificate, reason="concurrent")
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=revoke, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    certificates = [services.find_certificate(code) for code in codes]
    bits = published_bits(client, certificates[0])
    assert all(bit_is_set(bits, c.status_list_index) for c in certificates)
