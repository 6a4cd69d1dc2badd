"""Certificate codes: short, unguessable, and easy to read aloud or type from paper.

A code looks like ``NTT-7K4Q-M2XD``: a fixed prefix and eight symbols of Crockford's base32
(40 random bits). Crockford's alphabet leaves out I, L, O and U, so that reading a code back
never depends on telling 1 from I or 0 from O; `normalise_code` maps those look-alikes to the
digits they stand for, as Crockford prescribes.
"""

from __future__ import annotations

import secrets

CODE_PREFIX = "NTT"
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SYMBOLS = 8
CODE_BITS = CODE_SYMBOLS * 5

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n\r")
_ALPHABET_SET = frozenset(CROCKFORD_ALPHABET)
_LONGEST_INPUT = 64


def new_code() -> str:
    """Return a fresh random code such as ``NTT-7K4Q-M2XD`` (40 bits from `secrets`)."""
    number = secrets.randbits(CODE_BITS)
    symbols = "".join(
        CROCKFORD_ALPHABET[(number >> shift) & 0x1F] for shift in range(CODE_BITS - 5, -1, -5)
    )
    return _format(symbols)


def normalise_code(text: str) -> str | None:
    """Return the canonical ``NTT-XXXX-XXXX`` form of what a person typed, or None.

    Accepts lower case, spaces, missing or extra dashes, a missing ``NTT`` prefix, and the
    letters O, I and L where the digits 0 and 1 are meant. Anything else gives None.
    """
    if not isinstance(text, str) or len(text) > _LONGEST_INPUT:
        return None
    compact = text.upper().translate(_SEPARATORS)
    if len(compact) == len(CODE_PREFIX) + CODE_SYMBOLS and compact.startswith(CODE_PREFIX):
        compact = compact[len(CODE_PREFIX) :]
    if len(compact) != CODE_SYMBOLS:
        return None
    symbols = compact.translate(_LOOK_ALIKES)
    if not set(symbols) <= _ALPHABET_SET:
        return None
    return _format(symbols)


def _format(symbols: str) -> str:
    half = CODE_SYMBOLS // 2
    return f"{CODE_PREFIX}-{symbols[:half]}-{symbols[half:]}"
