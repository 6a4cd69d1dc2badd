"""What a certificate says and how a trainer's template words it, independent of any output format.

`CertificateData` is the certificate as issued (the learner's name as it was on the day, the
course, the code…); `CertificateTemplate` is the trainer's wording and look. `render_body` fills
the template's placeholders with the certificate's values. Placeholders are substituted by a small
parser of our own, never with `str.format`, so a template cannot reach attributes or indexes
(``{learner_name.__class__}``) and every mistake gets a message a trainer can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _

from nttlearn_certificates.pdf_strings import language_of, pdf_strings

STATUS_VALID = "valid"
STATUS_REVOKED = "revoked"
STATUS_EXPIRED = "expired"
STATUS_PREVIEW = "preview"
STATUSES = (STATUS_VALID, STATUS_REVOKED, STATUS_EXPIRED, STATUS_PREVIEW)

PLACEHOLDERS = (
    "learner_name",
    "course_title",
    "date",
    "hours",
    "code",
    "outcomes",
    "issuer",
    "valid_until",
)
MAX_BODY_LENGTH = 4000
MAX_TITLE_LENGTH = 120

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class TemplateError(ValueError):
    """A certificate template that cannot be used, with a message for the trainer."""


@dataclass(kw_only=True)
class CertificateData:
    """One issued certificate, exactly as it is printed and verified."""

    code: str
    learner_name: str
    course_title: str
    issued_on: date
    issuer_name: str
    verify_url: str
    valid_until: date | None = None
    hours: float | None = None
    outcomes: list[str] = field(default_factory=list)
    issuer_url: str = ""
    signatories: list[tuple[str, str]] = field(default_factory=list)
    locale: str = "en"
    status: str = STATUS_VALID


@dataclass(kw_only=True)
class CertificateTemplate:
    """A course's (or the site's) certificate design.

    An empty `title` or `body` means the default wording in the learner's language.
    `signature_images[i]` (PNG or JPEG bytes, or None) is drawn above signatory ``i``.
    """

    title: str = ""
    body: str = ""
    primary_colour: str = "#1F3A5F"
    accent_colour: str = "#B08D57"
    text_colour: str = "#222222"
    logo: bytes | None = None
    signature_images: list[bytes | None] = field(default_factory=list)


def render_body(template: CertificateTemplate, data: CertificateData) -> str:
    """Return the template's body with every placeholder replaced by the certificate's value.

    ``{{`` and ``}}`` print literal braces. Raises `TemplateError` for an unknown placeholder
    or a stray brace.
    """
    body = template.body or pdf_strings(data.locale).default_body
    values = placeholder_values(data)
    return _substitute(body, values)


def render_title(template: CertificateTemplate, data: CertificateData) -> str:
    """Return the certificate's title: the template's, or "Certificate" in the learner's language."""
    return template.title.strip() or pdf_strings(data.locale).certificate


def placeholder_values(data: CertificateData) -> dict[str, str]:
    """Return the text each placeholder stands for, formatted for the certificate's locale."""
    language = language_of(data.locale)
    return {
        "learner_name": data.learner_name,
        "course_title": data.course_title,
        "date": format_date(data.issued_on, format="long", locale=language),
        "hours": format_hours(data.hours, language),
        "code": data.code,
        "outcomes": "\n".join(f"• {outcome}" for outcome in data.outcomes),
        "issuer": data.issuer_name,
        "valid_until": (
            format_date(data.valid_until, format="long", locale=language)
            if data.valid_until
            else ""
        ),
    }


def format_hours(hours: float | None, locale: str) -> str:
    """Return `hours` as a locale-formatted number (``12,5`` in Swedish), or "" when unknown."""
    if hours is None:
        return ""
    return format_decimal(hours, locale=language_of(locale))


def validate_template(template: CertificateTemplate) -> None:
    """Raise `TemplateError` if the template's text or colours cannot be used."""
    if len(template.title) > MAX_TITLE_LENGTH:
        raise TemplateError(
            _("The title is longer than %(limit)d characters.", limit=MAX_TITLE_LENGTH)
        )
    if len(template.body) > MAX_BODY_LENGTH:
        raise TemplateError(
            _("The text is longer than %(limit)d characters.", limit=MAX_BODY_LENGTH)
        )
    _substitute(template.body, dict.fromkeys(PLACEHOLDERS, ""))
    for colour in (template.primary_colour, template.accent_colour, template.text_colour):
        parse_colour(colour)


def parse_colour(colour: str) -> tuple[int, int, int]:
    """Return the RGB values of a ``#RRGGBB`` or ``#RGB`` colour; raise `TemplateError` otherwise."""
    if not isinstance(colour, str) or not _HEX_COLOUR.match(colour):
        raise TemplateError(
            _(
                "%(colour)s is not a colour: write it as #RRGGBB, for example #1F3A5F.",
                colour=repr(colour),
            )
        )
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _substitute(text: str, values: dict[str, str]) -> str:
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position : match.start()])
        piece = match.group(0)
        name = match.group(1)
        if piece == "{{":
            parts.append("{")
        elif piece == "}}":
            parts.append("}")
        elif name is not None:
            if name not in values:
                raise TemplateError(
                    _(
                        "Unknown placeholder {%(name)s}. Use one of: %(known)s.",
                        name=name,
                        known=", ".join(f"{{{known}}}" for known in PLACEHOLDERS),
                    )
                )
            parts.append(values[name])
        else:
            raise TemplateError(
                _(
                    "Unmatched %(brace)s at character %(position)d: write {{ or }} "
                    "for a literal brace.",
                    brace=piece,
                    position=match.start() + 1,
                )
            )
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)
