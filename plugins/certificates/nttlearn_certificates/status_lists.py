"""Revocation through W3C Bitstring Status Lists: each certificate's place in a list, and the list.

Every credential names one bit (``statusListIndex``) in a published, signed
``BitstringStatusListCredential`` (``statusListCredential``); the bit is 1 once the certificate is
revoked. A verifier fetches the whole list, so the issuer does not learn which credential is
being checked ("herd privacy"); that only works if the list is large and the places are drawn at
random, so each list holds 131,072 places (16 KB, the minimum the Recommendation sets) and a
certificate's index is drawn uniformly among the free ones. A full list is followed by a new one.

The published list is derived from the certificates table (the revoked certificates' indices)
and re-signed inside the transaction that revokes, under a row lock on the list, so that two
revocations at once cannot publish a list that misses one of them.
"""

from __future__ import annotations

import base64
import gzip
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from nttlearn.api import db, utcnow

from .contexts import CREDENTIALS_V2_URL
from .models import IssuedCertificate, StatusList

LIST_SIZE = 131_072  # bits: the minimum (16 KB) Bitstring Status List v1.0 sets for herd privacy
REVOCATION = "revocation"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
MULTIBASE_BASE64URL = "u"
RANDOM_DRAWS = 32
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class StatusListError(ValueError):
    """An encoded list that cannot be read (not multibase base64url of a gzipped bitstring)."""


@dataclass(frozen=True)
class StatusPlace:
    """One certificate's bit: which list, and where in it."""

    list_id: int
    index: int


# -- the encoding ------------------------------------------------------------------------------
def encode_list(set_indices: Iterable[int], size: int = LIST_SIZE) -> str:
    """The ``encodedList`` of a bitstring of `size` bits with `set_indices` set to 1.

    Index 0 is the left-most bit (the most significant bit of the first byte). The bitstring is
    gzipped (with a fixed timestamp, so that the same list always encodes the same way) and
    written as multibase base64url without padding (prefix ``u``).
    """
    if size <= 0 or size % 8:
        raise ValueError("a status list holds a positive multiple of 8 bits")
    bits = bytearray(size // 8)
    for index in set_indices:
        if not 0 <= index < size:
            raise ValueError(f"index {index} is outside a list of {size} bits")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """The bitstring an ``encodedList`` holds (raises `StatusListError` if it is not one)."""
    if not isinstance(encoded, str) or not encoded.startswith(MULTIBASE_BASE64URL):
        raise StatusListError("the encoded list is not multibase base64url")
    text = encoded[1:]
    if not _BASE64URL.fullmatch(text):
        raise StatusListError("the encoded list is not multibase base64url")
    try:
        return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, OSError, EOFError) as error:
        raise StatusListError(f"the encoded list cannot be decoded: {error}") from error


def bit_is_set(bitstring: bytes, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise StatusListError(f"index {index} is outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, str]:
    """The credential's ``credentialStatus``: its revocation bit in the list at `list_url`."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": REVOCATION,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(*, list_url: str, issuer_id: str, encoded_list: str, valid_from: str) -> dict:
    """The unsigned ``BitstringStatusListCredential`` published at `list_url`."""
    return {
        "@context": [CREDENTIALS_V2_URL],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": REVOCATION,
            "encodedList": encoded_list,
        },
    }


# -- places and lists in the database ------------------------------------------------------------
def draw_place(now: datetime | None = None) -> StatusPlace:
    """A free place, drawn at random, in the newest list that has one (a new list if none).

    Two requests may draw the same place: the unique constraint on (list, index) refuses the
    second, and issuing draws again (see `services.issue_certificate`).
    """
    status_list = _newest_list() or _create_list(1, now)
    used = _used_indices(status_list.id)
    if len(used) >= status_list.size:
        status_list = _create_list(status_list.id + 1, now)
        used = set()
    for _draw in range(RANDOM_DRAWS):
        index = secrets.randbelow(status_list.size)
        if index not in used:
            return StatusPlace(status_list.id, index)
    free = sorted(set(range(status_list.size)) - used)  # a nearly full list: draw among the rest
    return StatusPlace(status_list.id, free[secrets.randbelow(len(free))])


def publish(list_id: int, now: datetime | None = None) -> StatusList:
    """Re-sign the list from the certificates revoked in it (call after revoking, before commit).

    Locks the list's row first (``SELECT … FOR UPDATE`` on PostgreSQL), so that a concurrent
    revocation in the same list waits and then sees this one.
    """
    from .credentials import signed_status_list

    status_list = db.session.execute(
        db.select(StatusList).where(StatusList.id == list_id).with_for_update()
    ).scalar_one()
    revoked = db.session.execute(
        db.select(IssuedCertificate.status_list_index).where(
            IssuedCertificate.status_list_id == list_id, IssuedCertificate.revoked_at.is_not(None)
        )
    ).scalars()
    moment = now or utcnow()
    status_list.credential = signed_status_list(
        list_id, encode_list(revoked, status_list.size), moment
    )
    status_list.updated_at = moment
    db.session.flush()
    return status_list


def publish_for(certificates: Iterable[IssuedCertificate], now: datetime | None = None) -> None:
    """Re-sign every list that holds one of `certificates` (those issued before status lists
    have no place and are listed only on the 1EdTech revocation list)."""
    for list_id in sorted({c.status_list_id for c in certificates if c.status_list_id is not None}):
        publish(list_id, now)


def find_list(list_id: int) -> StatusList | None:
    return db.session.get(StatusList, list_id)


def _newest_list() -> StatusList | None:
    return db.session.execute(
        db.select(StatusList).order_by(StatusList.id.desc()).limit(1)
    ).scalar()


def _used_indices(list_id: int) -> set[int]:
    return set(
        db.session.execute(
            db.select(IssuedCertificate.status_list_index).where(
                IssuedCertificate.status_list_id == list_id
            )
        ).scalars()
    )


def _create_list(list_id: int, now: datetime | None) -> StatusList:
    """Create (and sign, all bits 0) list `list_id`, or return it if a concurrent request did."""
    from .credentials import signed_status_list

    moment = now or utcnow()
    status_list = StatusList(
        id=list_id,
        purpose=REVOCATION,
        size=LIST_SIZE,
        updated_at=moment,
        credential=signed_status_list(list_id, encode_list((), LIST_SIZE), moment),
    )
    try:
        with db.session.begin_nested():
            db.session.add(status_list)
    except IntegrityError:
        existing = db.session.get(StatusList, list_id)
        if existing is None:
            raise
        return existing
    return status_list
