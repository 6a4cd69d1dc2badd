"""Password hashing (argon2) and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=8)
def _hasher_with(parameters: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(parameters))


def _hasher() -> PasswordHasher:
    """argon2 with the library's recommended cost, unless the app sets
    ``PASSWORD_HASH_PARAMETERS`` (the test suite does: a cheap hash keeps logins fast)."""
    parameters = current_app.config.get("PASSWORD_HASH_PARAMETERS") if has_app_context() else None
    return _hasher_with(tuple(sorted((parameters or {}).items())))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def spend_a_verification(password: str) -> None:
    """Verify against a throw-away hash: an unknown e-mail costs as much time as a known one,
    so response times do not tell which accounts exist."""
    check_password(_dummy_hash(_hasher()), password)


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not-a-password-of-anyone")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, as messages for the person choosing it."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 3:
        problems.append(_("This password is too common. Choose one that is harder to guess."))
    email = email.strip().lower()
    local_part = email.split("@")[0]
    compact = lowered.replace(" ", "")
    if (
        (email and email in lowered)
        or (len(local_part) >= 4 and local_part in lowered)
        or (name and name.lower().replace(" ", "") == compact)
    ):
        problems.append(_("Do not use your name or e-mail address as your password."))
    return problems
