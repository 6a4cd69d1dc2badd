"""The certificates' background jobs: drawing a new certificate's PDF once it is issued (so the
learner's first download is instant), and re-signing the status lists every day."""

from __future__ import annotations

from datetime import timedelta

from nttlearn.api import PeriodicJob, db, file_store

from .models import IssuedCertificate, StatusList


def prepare_pdf(code: str) -> None:
    """Draw the certificate's PDF into the cache (``pdf_cache`` on), unless it is there already
    or the certificate is gone or revoked meanwhile."""
    from . import designs
    from .settings import PDF_CACHE, setting

    certificate = db.session.execute(
        db.select(IssuedCertificate).where(IssuedCertificate.code == code)
    ).scalar()
    if certificate is None or certificate.is_revoked or not setting(PDF_CACHE):
        return
    designs.certificate_pdf(certificate)


def pdf_ready(certificate: IssuedCertificate) -> bool:
    """Whether the certificate's PDF has been drawn (always, when PDFs are not cached)."""
    from . import designs
    from .settings import PDF_CACHE, setting

    return not setting(PDF_CACHE) or file_store().exists(designs.pdf_cache_key(certificate))


def republish_status_lists() -> None:
    """Re-sign every status list from the certificates table with the current key: after a key
    rotation the lists name the new key, and a list can never drift from the revocations."""
    from . import status_lists

    for list_id in (
        db.session.execute(db.select(StatusList.id).order_by(StatusList.id)).scalars().all()
    ):
        status_lists.publish(list_id)


PERIODIC_JOBS = [
    PeriodicJob("certificates.republish-status-lists", republish_status_lists, timedelta(days=1))
]
