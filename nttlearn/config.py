"""Settings: read from ``NTTLEARN_*`` environment variables, with defaults for a laptop."""

from __future__ import annotations

import json
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ENV_PREFIX = "NTTLEARN_"

LOCALES = ("en", "it", "sv", "es", "fi")
# Each language's name in itself (a language menu is read by someone who may not know the page's).
LANGUAGE_NAMES = {
    "en": "English",
    "it": "Italiano",
    "sv": "Svenska",
    "es": "Español",
    "fi": "Suomi",
}
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
PRODUCTION = "production"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name, default)


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _days(value: str) -> tuple[int, ...]:
    """``"3,1"`` → ``(3, 1)``: whole days, largest first, duplicates dropped."""
    try:
        days = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise ValueError(
            f"NTTLEARN_REMINDER_DAYS: whole numbers of days separated by commas, not {value!r}"
        ) from None
    if any(day < 0 for day in days):
        raise ValueError(
            f"NTTLEARN_REMINDER_DAYS: days before a deadline cannot be negative ({value!r})"
        )
    return tuple(sorted(days, reverse=True))


def oidc_providers() -> list[dict[str, str]]:
    """The OpenID Connect providers people may log in with (nttlearn.auth.oidc), in the order the
    login page shows them: ``NTTLEARN_OIDC_PROVIDERS`` (a JSON list) and/or one provider from
    ``NTTLEARN_OIDC_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET`` and ``_NAME``. Each has a ``key``
    (its part of the login address), a ``name`` (the button's "Log in with …"), an ``issuer``, a
    ``client_id``, for a confidential client a ``client_secret``, ``trust_email``, and for accounts
    made at a first login ``organisation_claim``, ``country_claim`` and ``country`` (their
    defaults: ``NTTLEARN_OIDC_ORGANISATION_CLAIM``, ``_COUNTRY_CLAIM`` and ``_COUNTRY``)."""
    providers: list[dict[str, str]] = []
    listed = (_env("OIDC_PROVIDERS") or "").strip()
    if listed:
        try:
            entries = json.loads(listed)
        except ValueError as error:
            raise ValueError(f"NTTLEARN_OIDC_PROVIDERS: not JSON ({error})") from None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError("NTTLEARN_OIDC_PROVIDERS: a JSON list of objects, one per provider")
        providers.extend(
            {k: str(v) for k, v in entry.items() if v is not None} for entry in entries
        )
    issuer = (_env("OIDC_ISSUER") or "").strip()
    if issuer:
        providers.append(
            {
                "issuer": issuer,
                "client_id": _env("OIDC_CLIENT_ID") or "",
                "client_secret": _env("OIDC_CLIENT_SECRET") or "",
                "name": _env("OIDC_NAME") or "",
                "key": "sso",
                "trust_email": _env("OIDC_TRUST_EMAIL") or "",
            }
        )
    # The defaults of every provider's organisation_claim, country_claim and country.
    defaults = {
        "organisation_claim": _env("OIDC_ORGANISATION_CLAIM") or "",
        "country_claim": _env("OIDC_COUNTRY_CLAIM") or "",
        "country": _env("OIDC_COUNTRY") or "",
    }
    providers = [{**{k: v for k, v in defaults.items() if v}, **p} for p in providers]
    checked = [check_oidc_provider(p, i) for i, p in enumerate(providers)]
    keys = [p["key"] for p in checked]
    if len(set(keys)) != len(keys):
        raise ValueError(f"OpenID Connect providers: each needs a 'key' of its own, not {keys}")
    return checked


def check_oidc_provider(provider: dict[str, str], index: int = 0) -> dict[str, str]:
    """One provider's settings with defaults filled in; a clear error for a missing one."""
    where = f"OpenID Connect provider {index + 1}"
    issuer = provider.get("issuer", "").strip().rstrip("/")
    if not issuer.startswith(("https://", "http://")):
        raise ValueError(
            f"{where}: 'issuer' must be the provider's https:// address, not {issuer!r}"
        )
    if not provider.get("client_id", "").strip():
        raise ValueError(f"{where}: 'client_id' is missing")
    name = provider.get("name", "").strip() or issuer.split("//", 1)[1].split("/", 1)[0]
    key = provider.get("key", "").strip().lower() or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip(
        "-"
    )
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", key):
        raise ValueError(
            f"{where}: 'key' must be lower-case letters, digits and hyphens, not {key!r}"
        )
    country = provider.get("country", "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError(
            f"{where}: 'country' must be a two-letter ISO 3166 code (FI, IT), not {country!r}"
        )
    return {
        "key": key,
        "name": name,
        "issuer": issuer,
        "client_id": provider["client_id"].strip(),
        "client_secret": provider.get("client_secret", "").strip(),
        "scope": provider.get("scope", "").strip() or "openid email profile",
        # "on": every address this provider sends counts as verified (a single-tenant Entra ID,
        # which sends no email_verified); else only those it marks verified.
        "trust_email": "on" if _bool(provider.get("trust_email")) else "",
        # A new account's organisation: the value of this claim (an organisation of that
        # name is reused), in the country of country_claim (an ISO code) or else ``country``.
        "organisation_claim": provider.get("organisation_claim", "").strip(),
        "country_claim": provider.get("country_claim", "").strip(),
        "country": country,
    }


def environment() -> str:
    """``NTTLEARN_ENV``: ``production`` makes missing settings errors instead of warnings."""
    return (_env("ENV") or "development").strip().lower()


def base_url_configured() -> bool:
    """Whether ``NTTLEARN_BASE_URL`` is set: every certificate, PDF and e-mail carries it, so a
    guessed default is only good on a laptop."""
    return bool((_env("BASE_URL") or "").strip())


def instance_path() -> Path:
    """The instance folder (database, secret key, mail folder, keys, uploads)."""
    return Path(_env("INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def load_secret_key(folder: Path) -> str:
    """Return ``NTTLEARN_SECRET_KEY`` or a key generated once into the instance folder."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place (link fails if the name exists): of two workers
        # starting at once, one key wins and the other never reads a half-written, empty file.
        draft = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def settings_from_env() -> dict[str, Any]:
    """Build the Flask config from the environment."""
    folder = instance_path()
    database_url = _env("DATABASE_URL") or f"sqlite:///{folder / 'nttlearn.sqlite'}"
    mail_port = _env("MAIL_PORT")
    return {
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENVIRONMENT": environment(),
        "BASE_URL": (_env("BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/"),
        "SITE_NAME": _env("SITE_NAME") or "nttlearn",
        "ORGANISATION_NAME": _env("ORGANISATION_NAME") or "SERN – Sweden-Emilia-Romagna Network",
        "ORGANISATION_URL": _env("ORGANISATION_URL") or "https://www.sern.eu",
        "MAIL_SERVER": _env("MAIL_SERVER"),
        "MAIL_PORT": int(mail_port) if mail_port else 25,
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(_env("MAIL_USE_TLS")),
        "MAIL_SENDER": _env("MAIL_SENDER") or "nttlearn <no-reply@localhost>",
        "REDIS_URL": _env("REDIS_URL"),
        # Background jobs (nttlearn.jobs): on RQ queues in Redis when REDIS_URL is set, unless
        # JOBS_IN_PROCESS keeps them in the app; EAGER runs them at commit, before the response.
        "JOBS_IN_PROCESS": _bool(_env("JOBS_IN_PROCESS")),
        "JOBS_EAGER": _bool(_env("JOBS_EAGER")),
        # Exports (reports, course packages) of more rows than this are built by a job (nttlearn.exports).
        "EXPORT_JOB_ROWS": int(_env("EXPORT_JOB_ROWS") or 5000),
        # Prepared exports are deleted this many days after they were made (core.delete-expired-exports).
        "EXPORT_RETENTION_DAYS": int(_env("EXPORT_RETENTION_DAYS") or 7),
        "JOBS_QUEUE_PREFIX": _env("JOBS_QUEUE_PREFIX") or "nttlearn-",
        # Seconds before each retry of a failed job (the last figure repeats).
        "JOBS_RETRY_BACKOFF": tuple(
            int(s) for s in (_env("JOBS_RETRY_BACKOFF") or "10,60,300").split(",") if s.strip()
        ),
        # Where uploaded media and generated files live (nttlearn/storage.py): local, database or s3.
        "STORAGE": (_env("STORAGE") or "local").strip().lower(),
        "S3_BUCKET": _env("S3_BUCKET"),
        "S3_PREFIX": _env("S3_PREFIX") or "",
        "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),
        "S3_REGION": _env("S3_REGION"),
        "S3_ACCESS_KEY_ID": _env("S3_ACCESS_KEY_ID"),
        "S3_SECRET_ACCESS_KEY": _env("S3_SECRET_ACCESS_KEY"),
        "STRICT_PLUGINS": _bool(_env("STRICT_PLUGINS")),
        # Each hook call in the log with its plugin(s) and milliseconds (nttlearn/hooktrace.py).
        "TRACE_HOOKS": _bool(_env("TRACE_HOOKS")),
        "SESSION_COOKIE_SECURE": _bool(_env("SECURE_COOKIES"))
        or (_env("BASE_URL") or "").startswith("https://"),
        "MAX_UPLOAD_MB": int(_env("MAX_UPLOAD_MB") or 50),
        # Figures about groups of people shown to other learners hide groups smaller than this.
        "MIN_GROUP_SIZE": max(1, int(_env("MIN_GROUP_SIZE") or 5)),
        # The time zone of accounts that chose none (a zoneinfo name), for dates on pages and mails.
        "DEFAULT_TIMEZONE": (_env("DEFAULT_TIMEZONE") or "Europe/Brussels").strip(),
        # Deadline reminders go out this many days before each deadline (one mail per lead time).
        "REMINDER_DAYS": _days(_env("REMINDER_DAYS") or "3,1"),
        # A to-do item due within this many days shows as "due soon".
        "DUE_SOON_DAYS": int(_env("DUE_SOON_DAYS") or 7),
        # Reverse proxies (nginx) in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_COUNT": int(_env("PROXY_COUNT") or 0),
        # Sessions (nttlearn.auth.sessions): ended after this long unused (staff roles, learners),
        # and at the latest this long after logging in; "keep me logged in" lasts at most 30 days.
        "SESSION_IDLE_MINUTES_STAFF": int(_env("SESSION_IDLE_MINUTES_STAFF") or 30),
        "SESSION_IDLE_MINUTES_LEARNER": int(_env("SESSION_IDLE_MINUTES_LEARNER") or 8 * 60),
        "SESSION_LIFETIME_HOURS": int(_env("SESSION_LIFETIME_HOURS") or 12),
        "REMEMBER_ME_DAYS": int(_env("REMEMBER_ME_DAYS") or 30),
        # The REST API under /api/v1 (nttlearn.rest), for personal access tokens; off by default.
        "API_ENABLED": _bool(_env("API_ENABLED")),
        # Requests per token per window (seconds) before the API answers 429.
        "API_RATE_LIMIT": (int(_env("API_RATE_LIMIT") or 600), 60),
        # Single sign-on with OpenID Connect (nttlearn.auth.oidc): the providers, and whether a
        # person the site does not know yet gets a new learner account at their first login.
        "OIDC_PROVIDERS": oidc_providers(),
        "OIDC_REGISTER": _bool(_env("OIDC_REGISTER") or "on"),
        # On: an account with a linked provider login logs in only through a provider (no
        # password login, no password reset or change).
        "OIDC_DISABLE_PASSWORDS": _bool(_env("OIDC_DISABLE_PASSWORDS")),
        # An invitation (an account made by a participants import) may be used this many days.
        "INVITATION_DAYS": max(1, int(_env("INVITATION_DAYS") or 14)),
    }


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Flask-Login's own default is a year; every login passes its session's lifetime anyway.
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "en",
    "LOCALES": LOCALES,
    "LOGIN_RATE_LIMIT": (10, 300),  # failures allowed per window (seconds), per account and per IP
    # Requests that send mail (registration, password reset) per window (seconds): per address, per IP.
    "ACCOUNT_MAIL_RATE_LIMIT": {"address": (3, 3600), "ip": (20, 3600)},
    "PAGE_SIZE": 50,
}
