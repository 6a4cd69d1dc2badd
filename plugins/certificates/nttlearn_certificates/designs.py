"""Certificate templates as trainers edit them, and the PDFs drawn from them.

A course may have its own template; otherwise the site default applies; otherwise the built-in
wording and colours. Logos and signatures are checked on upload (PNG or JPEG, within the size
limit, readable) and kept in the database with the template. A certificate's PDF is drawn from
the template it was issued with and kept in the site's file store under ``certificates/pdf/``
after the first download (drawn whole before it is saved: never half a PDF), so every app node
serves the one drawn by any of them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from nttlearn.api import Course, db, file_store

from .credentials import verify_url
from .document import (
    STATUS_PREVIEW,
    STATUS_REVOKED,
    STATUS_VALID,
    CertificateData,
    CertificateTemplate,
    TemplateError,
    validate_template,
)
from .models import CertificateDesign, IssuedCertificate
from .pdf import MAX_SIGNATORIES, render_pdf
from .settings import MAX_IMAGE_KB, PDF_CACHE, PLUGIN, issuer_name, issuer_url, setting

IMAGE_FIELDS = ("logo", "signature_1", "signature_2", "signature_3")
ACCEPTED_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_IMAGE_SIDE = 4000


class ImageRejected(ValueError):
    """An uploaded image the certificate cannot use, with a message for the trainer."""


@dataclass
class DesignValues:
    """What the template editor submits (images apart)."""

    title: str = ""
    body: str = ""
    primary_colour: str = "#1F3A5F"
    accent_colour: str = "#B08D57"
    text_colour: str = "#222222"
    signatories: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, design: CertificateDesign | None) -> DesignValues:
        if design is None:
            return cls()
        return cls(
            title=design.title,
            body=design.body,
            primary_colour=design.primary_colour,
            accent_colour=design.accent_colour,
            text_colour=design.text_colour,
            signatories=tuple(
                (s.get("name", ""), s.get("role", "")) for s in design.signatories or []
            ),
        )


# -- reading -----------------------------------------------------------------------------------------
def course_design(course_id: int) -> CertificateDesign | None:
    return db.session.execute(
        db.select(CertificateDesign).where(CertificateDesign.course_id == course_id)
    ).scalar()


def site_design() -> CertificateDesign | None:
    return db.session.execute(
        db.select(CertificateDesign).where(CertificateDesign.site_default.is_(True))
    ).scalar()


def design_for(course_id: int | None) -> CertificateDesign | None:
    """The template a course's certificates use now: its own, else the site default."""
    design = course_design(course_id) if course_id is not None else None
    return design or site_design()


def to_template(values: DesignValues, images: dict[str, bytes | None]) -> CertificateTemplate:
    return CertificateTemplate(
        title=values.title,
        body=values.body,
        primary_colour=values.primary_colour,
        accent_colour=values.accent_colour,
        text_colour=values.text_colour,
        logo=images.get("logo"),
        signature_images=[images.get(f"signature_{n}") for n in range(1, MAX_SIGNATORIES + 1)],
    )


def stored_images(design: CertificateDesign | None) -> dict[str, bytes | None]:
    if design is None:
        return dict.fromkeys(IMAGE_FIELDS)
    return {name: getattr(design, name) for name in IMAGE_FIELDS}


def template_of(design: CertificateDesign | None) -> CertificateTemplate:
    return to_template(DesignValues.of(design), stored_images(design))


# -- editing -----------------------------------------------------------------------------------------
def check_template(values: DesignValues) -> None:
    """Raise `TemplateError` for text or colours the PDF cannot use (before anything is saved)."""
    validate_template(to_template(values, {}))
    if len(values.signatories) > MAX_SIGNATORIES:
        raise TemplateError(_("A certificate has at most %(n)d signatories.", n=MAX_SIGNATORIES))


def check_image(content: bytes) -> bytes:
    """Return an uploaded logo or signature if it is a usable PNG or JPEG; else raise.

    The format is read from the bytes (never the file name or the browser's content type),
    the size and dimensions are limited, and the image is decoded once, so that a damaged
    file is refused here rather than when a certificate is drawn.
    """
    limit_kb = int(setting(MAX_IMAGE_KB))
    if len(content) > limit_kb * 1024:
        raise ImageRejected(_("The image is larger than %(kb)d KB.", kb=limit_kb))
    try:
        image = Image.open(io.BytesIO(content))
        if image.format not in ACCEPTED_IMAGE_FORMATS:
            raise ImageRejected(_("Only PNG and JPEG images can be used."))
        if max(image.size) > MAX_IMAGE_SIDE:
            raise ImageRejected(
                _("The image is larger than %(px)d pixels on a side.", px=MAX_IMAGE_SIDE)
            )
        image.load()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(_("The file is not a readable PNG or JPEG image.")) from error
    return content


def save_design(
    course: Course | None,
    values: DesignValues,
    images: dict[str, bytes | None],
    *,
    remove: frozenset[str] = frozenset(),
    user_id: int | None = None,
) -> CertificateDesign:
    """Create or update a course's template (or the site default when ``course`` is None).

    ``images`` holds newly uploaded images (already checked); names in ``remove`` are cleared.
    """
    check_template(values)
    design = course_design(course.id) if course is not None else site_design()
    if design is None:
        design = CertificateDesign(
            course_id=course.id if course else None, site_default=None if course else True
        )
        db.session.add(design)
    design.title = values.title.strip()
    design.body = values.body.strip()
    design.primary_colour = values.primary_colour
    design.accent_colour = values.accent_colour
    design.text_colour = values.text_colour
    design.signatories = [{"name": name, "role": role} for name, role in values.signatories if name]
    for name in IMAGE_FIELDS:
        if name in remove:
            setattr(design, name, None)
        elif images.get(name) is not None:
            setattr(design, name, images[name])
    design.updated_by_id = user_id
    db.session.flush()
    return design


def delete_course_design(course_id: int) -> bool:
    design = course_design(course_id)
    if design is None:
        return False
    db.session.delete(design)
    db.session.flush()
    return True


# -- drawing -----------------------------------------------------------------------------------------
def certificate_data(certificate: IssuedCertificate) -> CertificateData:
    """What the PDF prints for an issued certificate (as it was issued, plus its status)."""
    return CertificateData(
        code=certificate.code,
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_on=certificate.issued_at.astimezone(UTC).date(),
        valid_until=certificate.valid_until.astimezone(UTC).date()
        if certificate.valid_until
        else None,
        hours=certificate.hours,
        outcomes=list(certificate.outcomes or []),
        issuer_name=certificate.issuer_name,
        issuer_url=certificate.issuer_url,
        signatories=[(s.get("name", ""), s.get("role", "")) for s in certificate.signatories or []],
        verify_url=verify_url(certificate.code),
        locale=certificate.locale,
        status=STATUS_REVOKED if certificate.is_revoked else STATUS_VALID,
    )


def issued_design(certificate: IssuedCertificate) -> CertificateDesign | None:
    """The template a certificate was issued with (or the course's current one if it is gone)."""
    if certificate.template_id is not None:
        design = db.session.get(CertificateDesign, certificate.template_id)
        if design is not None:
            return design
    return design_for(certificate.course_id)


def certificate_pdf(certificate: IssuedCertificate) -> bytes:
    """The certificate's PDF, from the site's file store when it was drawn before (on any node)."""
    if not setting(PDF_CACHE):
        return render_pdf(certificate_data(certificate), template_of(issued_design(certificate)))
    store, key = file_store(), pdf_cache_key(certificate)
    try:
        return store.read(key)
    except FileNotFoundError:
        pass
    content = render_pdf(certificate_data(certificate), template_of(issued_design(certificate)))
    store.save(key, content)
    return content


def pdf_cache_key(certificate: IssuedCertificate) -> str:
    """Where the drawn PDF is kept: ``certificates/pdf/<code>.pdf`` (``instance/certificates/pdf``
    with the default, local store)."""
    suffix = ".revoked.pdf" if certificate.is_revoked else ".pdf"
    return f"{PLUGIN}/pdf/{certificate.code}{suffix}"


def forget_pdf(code: str) -> None:
    """Drop a certificate's cached PDFs (revoked, or the holder's name is to be forgotten)."""
    store = file_store()
    for suffix in (".pdf", ".revoked.pdf"):
        store.delete(f"{PLUGIN}/pdf/{code}{suffix}")


def preview_pdf(
    course: Course | None, values: DesignValues, images: dict[str, bytes | None], locale: str = "en"
) -> bytes:
    """A sample certificate drawn with a template being edited, stamped PREVIEW."""
    today = datetime.now(UTC).date()
    title = (
        course.localized("title", locale) if course else _("Designing a network of twinned towns")
    )
    data = CertificateData(
        code="NTT-0000-0000",
        learner_name="Åsa Lindqvist",
        course_title=title,
        issued_on=today,
        valid_until=date(today.year + 2, today.month, min(today.day, 28)),
        hours=course.hours if course else 28,
        outcomes=list(course.outcomes or []) if course else [],
        issuer_name=issuer_name(),
        issuer_url=issuer_url(),
        signatories=[(name, role) for name, role in values.signatories if name],
        verify_url=verify_url("NTT-0000-0000"),
        locale=locale,
        status=STATUS_PREVIEW,
    )
    return render_pdf(data, to_template(values, images))
