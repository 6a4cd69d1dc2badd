"""The issuer's Ed25519 signing keys: encodings (PEM, Multikey) and the key ring on disk.

Public keys are published as W3C Multikeys (``z6Mk…``: multibase base58-btc of the multicodec
prefix 0xed01 and the 32 raw key bytes). The `KeyRing` keeps keys in a directory of the
instance folder: it generates the first key when first asked, never in the repository; rotating
makes a new key current and keeps the old public keys, so credentials signed before the rotation
still verify, while the old private key is deleted.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask_babel import gettext as _

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {character: index for index, character in enumerate(BASE58_ALPHABET)}
ED25519_PUBLIC_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
ED25519_PRIVATE_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), as a varint
MULTIBASE_BASE58BTC = "z"

_KEY_ID = re.compile(r"^ed25519-[0-9a-f]{16}$")
_CURRENT = "current"
_LOCK = ".lock"


class KeyRingError(Exception):
    """The key ring's directory or files are unusable (missing key, wrong permissions…)."""


def base58_encode(data: bytes) -> str:
    """Encode bytes in base58 (Bitcoin alphabet), keeping leading zero bytes as ``1``."""
    number = int.from_bytes(data, "big")
    characters = []
    while number:
        number, remainder = divmod(number, 58)
        characters.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(characters))


def base58_decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet); raise ValueError on any other character."""
    number = 0
    for character in text:
        if character not in _BASE58_INDEX:
            raise ValueError(f"{character!r} is not a base58 character")
        number = number * 58 + _BASE58_INDEX[character]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def multibase_decode(value: str) -> bytes:
    """Decode a multibase base58-btc string (``z…``); raise ValueError for anything else."""
    if not isinstance(value, str) or not value.startswith(MULTIBASE_BASE58BTC):
        raise ValueError("not a multibase base58-btc value (it must start with 'z')")
    return base58_decode(value[1:])


def generate_key() -> Ed25519PrivateKey:
    """Return a new random Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """Serialize a private key as unencrypted PKCS#8 PEM (protect the file, not the bytes)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from PEM; raise ValueError for any other key or data."""
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the PEM data is not an Ed25519 private key")
    return key


def public_key_to_pem(key: Ed25519PublicKey) -> bytes:
    """Serialize a public key as SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_from_pem(data: bytes) -> Ed25519PublicKey:
    """Load an Ed25519 public key from PEM; raise ValueError for any other key or data."""
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the PEM data is not an Ed25519 public key")
    return key


def multikey_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return the public key as a Multikey ``publicKeyMultibase`` value (``z6Mk…``)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return MULTIBASE_BASE58BTC + base58_encode(ED25519_PUBLIC_PREFIX + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from its ``publicKeyMultibase`` (``z6Mk…``)."""
    decoded = multibase_decode(value)
    if len(decoded) != 34 or not decoded.startswith(ED25519_PUBLIC_PREFIX):
        raise ValueError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from its ``secretKeyMultibase`` (``z3u2…``)."""
    decoded = multibase_decode(value)
    if len(decoded) != 34 or not decoded.startswith(ED25519_PRIVATE_PREFIX):
        raise ValueError("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(decoded[2:])


def key_id_for(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return the stable identifier the key ring files a key under (from its public bytes)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519-" + hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """The key ring's current key, ready to sign with."""

    key_id: str
    verification_method: str
    private_key: Ed25519PrivateKey
    public_key_multibase: str


class KeyRing:
    """The issuer's keys, kept as PEM files in `directory` (created with mode 0700).

    `verification_method_prefix` + key id is each key's ``verificationMethod`` URL (for
    example ``https://learn.example.org/certificates/keys/``); `controller` is the issuer
    profile URL that controls the keys.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        controller: str,
        verification_method_prefix: str,
    ) -> None:
        self.directory = Path(directory)
        self.controller = controller
        self.verification_method_prefix = verification_method_prefix

    def current(self) -> SigningKey:
        """Return the key to sign with, generating the first one if the ring is empty."""
        key_id = self._current_id()
        if key_id is None:
            with self._locked():
                key_id = self._current_id() or self._install(generate_key())
        return self._signing_key(key_id)

    def rotate(self) -> SigningKey:
        """Make a new key current; keep the old public keys, delete the old private key."""
        with self._locked():
            previous = self._current_id()
            key_id = self._install(generate_key())
            if previous and previous != key_id:
                (self.directory / f"{previous}.key.pem").unlink(missing_ok=True)
        return self._signing_key(key_id)

    def import_private_key(self, pem: bytes) -> SigningKey:
        """Make a configured key (PEM) current, as `rotate` does with a generated one."""
        key = private_key_from_pem(pem)
        with self._locked():
            previous = self._current_id()
            key_id = self._install(key)
            if previous and previous != key_id:
                (self.directory / f"{previous}.key.pem").unlink(missing_ok=True)
        return self._signing_key(key_id)

    def public_keys(self) -> list[dict[str, str]]:
        """Return every key as published: ``{"id", "type": "Multikey", "controller",
        "publicKeyMultibase"}``, the current key first."""
        if not self.directory.is_dir():
            return []
        current = self._current_id()
        key_ids = sorted(
            path.name.removesuffix(".pub.pem") for path in self.directory.glob("ed25519-*.pub.pem")
        )
        key_ids.sort(key=lambda key_id: key_id != current)
        return [
            {
                "id": self.verification_method_for(key_id),
                "type": "Multikey",
                "controller": self.controller,
                "publicKeyMultibase": multikey_public(self._public_key(key_id)),
            }
            for key_id in key_ids
            if _KEY_ID.match(key_id)
        ]

    def resolve(self, verification_method: str) -> Ed25519PublicKey:
        """Return the public key behind a ``verificationMethod`` URL; raise KeyError if unknown."""
        if not verification_method.startswith(self.verification_method_prefix):
            raise KeyError(verification_method)
        key_id = verification_method[len(self.verification_method_prefix) :]
        if not _KEY_ID.match(key_id) or not (self.directory / f"{key_id}.pub.pem").is_file():
            raise KeyError(verification_method)
        return self._public_key(key_id)

    def verification_method_for(self, key_id: str) -> str:
        """Return the ``verificationMethod`` URL of a key id."""
        return self.verification_method_prefix + key_id

    def _current_id(self) -> str | None:
        try:
            key_id = (self.directory / _CURRENT).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not _KEY_ID.match(key_id):
            raise KeyRingError(
                _("The key ring file %(path)s is damaged.", path=str(self.directory / _CURRENT))
            )
        return key_id

    def _signing_key(self, key_id: str) -> SigningKey:
        path = self.directory / f"{key_id}.key.pem"
        try:
            private_key = private_key_from_pem(path.read_bytes())
        except FileNotFoundError as error:
            raise KeyRingError(
                _(
                    "The signing key %(path)s is missing; restore it from a backup or rotate "
                    "the keys.",
                    path=str(path),
                )
            ) from error
        except ValueError as error:
            raise KeyRingError(
                _(
                    "The signing key %(path)s cannot be read: %(error)s",
                    path=str(path),
                    error=str(error),
                )
            ) from error
        return SigningKey(
            key_id=key_id,
            verification_method=self.verification_method_for(key_id),
            private_key=private_key,
            public_key_multibase=multikey_public(private_key),
        )

    def _public_key(self, key_id: str) -> Ed25519PublicKey:
        return public_key_from_pem((self.directory / f"{key_id}.pub.pem").read_bytes())

    def _install(self, key: Ed25519PrivateKey) -> str:
        """Write the key's files, then point ``current`` at it (the last step, atomically)."""
        key_id = key_id_for(key)
        _write_atomically(self.directory / f"{key_id}.key.pem", private_key_to_pem(key), 0o600)
        _write_atomically(
            self.directory / f"{key_id}.pub.pem", public_key_to_pem(key.public_key()), 0o644
        )
        _write_atomically(self.directory / _CURRENT, f"{key_id}\n".encode("ascii"), 0o644)
        return key_id

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock so that two processes never create or rotate keys at once."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.directory / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)


def _write_atomically(path: Path, content: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover could carry looser permissions
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
