"""The certificates' background jobs: the PDF drawn after issuing (the page says "being prepared"
until then), and the daily re-signing of the status lists."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from nttlearn.testing import invoke_cli
from nttlearn_certificates import designs, jobs, services
from nttlearn_certificates.models import StatusList


@pytest.fixture
def holder(make_user, quiz_course, complete):
    learner = make_user(name="Åsa Lindqvist", locale="en")
    course = quiz_course(trainer=make_user(role="trainer"))
    complete(learner, course)
    return learner, services.live_certificate(learner.id, course.id)


def test_the_pdf_is_drawn_by_a_job_once_the_certificate_is_issued(holder, instance):
    _, cert = holder

    cached = instance / "certificates" / "pdf" / f"{cert.code}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(cached.read_bytes())).pages)
    assert "Åsa Lindqvist" in text and jobs.pdf_ready(cert)


def test_the_certificate_page_says_the_pdf_is_being_prepared_until_it_is_drawn(holder, client_for):
    learner, cert = holder
    designs.forget_pdf(cert.code)  # as if the worker had not reached the job yet
    browser = client_for(learner)

    waiting = browser.get(f"/certificates/{cert.code}").get_data(as_text=True)
    jobs.prepare_pdf(cert.code)
    ready = browser.get(f"/certificates/{cert.code}").get_data(as_text=True)

    assert (
        "being prepared" in waiting
        and 'role="status"' in waiting
        and "Refresh this page" in waiting
    )
    assert "being prepared" not in ready
    assert browser.get(f"/certificates/{cert.code}/certificate.pdf").status_code == 200


def test_the_status_lists_are_re_signed_by_their_periodic_job(app, holder):
    from datetime import timedelta

    from nttlearn.extensions import db
    from nttlearn.models import utcnow

    (status_list,) = db.session.execute(db.select(StatusList)).scalars()
    long_ago = utcnow() - timedelta(days=400)
    status_list.updated_at = long_ago
    status_list.credential = {"signed": "with a key since rotated"}
    list_id = status_list.id
    db.session.commit()

    result = invoke_cli(app, "scheduler", "--once", "--json")

    assert result.exit_code == 0 and "certificates.republish-status-lists" in result.output
    republished = db.session.get(StatusList, list_id)
    assert republished.updated_at > long_ago + timedelta(days=399)
    assert republished.credential["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    assert "proof" in republished.credential
