"""Key encodings (base58, Multikey, PEM) and the key ring kept in the instance folder."""

import stat
from datetime import UTC, datetime

import pytest
from certificate_samples import ISSUER_ID, KEYS_PREFIX, unsigned_credential
from hypothesis import given
from hypothesis import strategies as st

from nttlearn_certificates.keys import (
    KeyRing,
    KeyRingError,
    base58_decode,
    base58_encode,
    generate_key,
    multikey_public,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_multikey,
    public_key_from_pem,
    public_key_to_pem,
)
from nttlearn_certificates.signing import sign_credential, verify_credential


@given(st.binary(max_size=80))
def test_base58_round_trips_including_leading_zero_bytes(data):
    assert base58_decode(base58_encode(data)) == data


def test_base58_matches_the_bitcoin_alphabet_reference_values():
    assert base58_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert base58_encode(b"\0\0\x01") == "112"
    with pytest.raises(ValueError):
        base58_decode("0OIl")


def test_multikey_is_z6mk_and_round_trips_to_the_same_public_key():
    key = generate_key()
    multikey = multikey_public(key)
    assert multikey.startswith("z6Mk") and len(multikey) == 48
    assert public_key_to_pem(public_key_from_multikey(multikey)) == public_key_to_pem(
        key.public_key()
    )


def test_pem_round_trips_and_other_key_types_are_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    key = generate_key()
    assert multikey_public(private_key_from_pem(private_key_to_pem(key))) == multikey_public(key)
    assert multikey_public(public_key_from_pem(public_key_to_pem(key.public_key()))) == (
        multikey_public(key)
    )
    from cryptography.hazmat.primitives import serialization

    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError):
        private_key_from_pem(other)


def keyring(directory) -> KeyRing:
    return KeyRing(directory, controller=ISSUER_ID, verification_method_prefix=KEYS_PREFIX)


def test_first_use_generates_a_key_readable_only_by_its_owner(tmp_path):
    directory = tmp_path / "instance" / "certificate-keys"
    signing_key = keyring(directory).current()
    private_file = directory / f"{signing_key.key_id}.key.pem"
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert signing_key.verification_method == KEYS_PREFIX + signing_key.key_id
    assert signing_key.public_key_multibase.startswith("z6Mk")


def test_the_same_key_is_used_until_rotation(tmp_path):
    first = keyring(tmp_path).current()
    assert keyring(tmp_path).current().key_id == first.key_id


def test_public_keys_are_published_as_multikeys(tmp_path):
    signing_key = keyring(tmp_path).current()
    assert keyring(tmp_path).public_keys() == [
        {
            "id": signing_key.verification_method,
            "type": "Multikey",
            "controller": ISSUER_ID,
            "publicKeyMultibase": signing_key.public_key_multibase,
        }
    ]


def test_rotation_keeps_old_credentials_verifiable_and_deletes_the_old_private_key(tmp_path):
    ring = keyring(tmp_path)
    old = ring.current()
    created = datetime(2010, 11, 30, tzinfo=UTC)
    old_credential = sign_credential(
        unsigned_credential(), old.private_key, old.verification_method, created
    )
    new = ring.rotate()
    assert new.key_id != old.key_id and ring.current().key_id == new.key_id
    assert not (tmp_path / f"{old.key_id}.key.pem").exists()
    assert [key["id"] for key in ring.public_keys()] == [
        new.verification_method,
        old.verification_method,
    ]
    assert verify_credential(old_credential, ring.resolve).ok
    new_credential = sign_credential(
        unsigned_credential(), new.private_key, new.verification_method, created
    )
    assert verify_credential(new_credential, ring.resolve).ok


def test_resolve_refuses_unknown_keys_and_paths(tmp_path):
    ring = keyring(tmp_path)
    ring.current()
    for unknown in (
        KEYS_PREFIX + "ed25519-0000000000000000",
        KEYS_PREFIX + "../current",
        "https://evil.example/keys/ed25519-0000000000000000",
        KEYS_PREFIX,
    ):
        with pytest.raises(KeyError):
            ring.resolve(unknown)


def test_a_missing_private_key_is_a_clear_error_not_a_silent_new_key(tmp_path):
    ring = keyring(tmp_path)
    key_id = ring.current().key_id
    (tmp_path / f"{key_id}.key.pem").unlink()
    with pytest.raises(KeyRingError, match="missing"):
        ring.current()


def test_a_configured_key_can_be_imported_and_becomes_current(tmp_path):
    ring = keyring(tmp_path)
    generated = ring.current()
    configured = generate_key()
    imported = ring.import_private_key(private_key_to_pem(configured))
    assert ring.current().public_key_multibase == multikey_public(configured)
    assert {key["id"] for key in ring.public_keys()} == {
        generated.verification_method,
        imported.verification_method,
    }


def test_an_empty_key_ring_publishes_no_keys(tmp_path):
    assert keyring(tmp_path / "not-yet").public_keys() == []
