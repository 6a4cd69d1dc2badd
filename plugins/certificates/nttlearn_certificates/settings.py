"""The plugin's settings (``NTTLEARN_CERTIFICATES_<NAME>``, shown on the admin plugins page).

A test or a deployment may also set them in the app's config as ``CERTIFICATES_<NAME>``, which
wins over the environment.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from nttlearn.api import CourseSetting, Setting

PLUGIN = "certificates"

SIGNING_KEY_FILE = Setting(
    "signing_key_file",
    _l("Signing key file"),
    "",
    _l(
        "A PEM file holding the Ed25519 private key to sign credentials with. Empty: a key is "
        "generated on first use into the instance folder (certificates/keys)."
    ),
)
VERIFY_MISSES_PER_HOUR = Setting(
    "verify_misses_per_hour",
    _l("Unknown codes per visitor and hour"),
    30,
    _l(
        "How many unknown certificate codes one address may try on the verification page in an "
        "hour before it has to wait (guessing codes is how certificates would be enumerated)."
    ),
)
MAX_IMAGE_KB = Setting(
    "max_image_kb",
    _l("Largest logo or signature image (KB)"),
    1024,
    _l("Uploads to certificate templates larger than this are refused."),
)
PDF_CACHE = Setting(
    "pdf_cache",
    _l("Keep rendered PDFs"),
    True,
    _l(
        "Keep each certificate's PDF in the site's file store (certificates/pdf) after its first "
        "download instead of drawing it again every time."
    ),
)
SETTINGS = [SIGNING_KEY_FILE, VERIFY_MISSES_PER_HOUR, MAX_IMAGE_KB, PDF_CACHE]


def _load_certificate(course_id: int) -> bool:
    from .rules import certificate_enabled

    return certificate_enabled(course_id)


def _save_certificate(course_id: int, value: bool) -> None:
    from .rules import save_certificate_enabled

    save_certificate_enabled(course_id, value)


# The course form's check box and course.yaml's ``certificate:`` (kept in certificates_course_settings).
COURSE_CERTIFICATE = CourseSetting(
    "certificate",
    _l("Learners who complete the course receive a certificate"),
    True,
    load=_load_certificate,
    save=_save_certificate,
)


def setting(item: Setting) -> Any:
    """The setting's value: the app's config (``CERTIFICATES_<NAME>``), else the environment."""
    key = f"CERTIFICATES_{item.name.upper()}"
    if key in current_app.config:
        return current_app.config[key]
    return item.value(PLUGIN)


def base_url() -> str:
    """The platform's public address (``NTTLEARN_BASE_URL``): every published URL starts here."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def issuer_name() -> str:
    return str(current_app.config.get("ORGANISATION_NAME") or current_app.config["SITE_NAME"])


def issuer_url() -> str:
    return str(current_app.config.get("ORGANISATION_URL") or base_url())
