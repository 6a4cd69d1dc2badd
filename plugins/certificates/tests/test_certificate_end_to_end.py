"""The whole story: a learner completes a course in the browser, gets one certificate, downloads
it, anyone verifies it; the trainer revokes it and every check says so."""

from __future__ import annotations

import io
import json
import re

import pypdf
import zxingcpp

from nttlearn import db
from nttlearn.learn.services import complete_activity
from nttlearn.models import Activity, Lesson, Module
from nttlearn_certificates import services
from nttlearn_certificates.verification import verify_credential_document


def test_complete_download_verify_revoke(app, make_user, make_course, client_for, cli, client):
    trainer = make_user(role="trainer", name="Paolo Trainer")
    learner = make_user(
        name="Åsa Lindqvist",
        email="asa.lindqvist@example.org",
        locale="sv",
        org="Luleå kommun",
        country="SE",
        town="Luleå",
    )
    course = make_course(
        modules=2,
        lessons=2,
        trainer=trainer,
        activities=[(1, "quiz", True)],
        title="Designing a network of twinned towns",
        hours=28,
        outcomes=["Write SMART objectives for a network of twinned towns"],
    )
    browser = client_for(learner)

    # -- the learner follows the course in the browser ----------------------------------------
    assert browser.post(f"/courses/{course.slug}/enrol").status_code == 302
    lessons = (
        db.session.execute(
            db.select(Lesson)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Module.position, Lesson.position)
        )
        .scalars()
        .all()
    )
    for lesson in lessons:
        assert browser.post(f"/courses/{course.slug}/lessons/{lesson.id}/done").status_code == 302
    quiz = db.session.execute(
        db.select(Activity).join(Module).where(Module.course_id == course.id)
    ).scalar()
    complete_activity(learner.id, quiz, score=92)  # as the quiz plugin does when she passes
    db.session.commit()
    for lesson in lessons[:1]:  # marking a lesson again changes nothing
        browser.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    # -- exactly one certificate, on her dashboard -------------------------------------------------
    db.session.expire_all()
    [cert] = services.certificates_of(learner.id)
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert (
        "Designing a network of twinned towns" in dashboard
        and f"/certificates/{cert.code}" in dashboard
    )

    # -- the PDF says who, what, when and which code, and its QR code leads to the verification page
    pdf = browser.get(f"/certificates/{cert.code}/certificate.pdf").data
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Åsa Lindqvist" in text and "Designing a network of twinned towns" in text
    assert re.search(r"Utfärdat: \d{1,2} \w+ \d{4}", text)  # the date, in Swedish
    assert cert.code in text
    verify_url = f"https://learn.example.org/verify/{cert.code}"
    decoded = [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]
    assert decoded == [verify_url] and verify_url in text

    # -- the credential verifies; the verification page and the CLI say valid ---------------------
    credential = json.loads(browser.get(f"/certificates/{cert.code}/credential.json").data)
    assert verify_credential_document(credential).status == "valid"
    assert "genuine and valid" in client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert cli("certificates", "verify", cert.code).exit_code == 0

    # -- the trainer revokes it in the browser ---------------------------------------------------
    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/certificates/{cert.code}/revoke",
        data={"reason": "Issued to the wrong person"},
    )
    assert response.status_code == 302
    db.session.expire_all()

    page_after = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "was revoked on" in page_after
    verdict = cli("certificates", "verify", cert.code)
    assert verdict.exit_code == 1 and "REVOKED" in verdict.output
    assert verify_credential_document(credential).status == "revoked"
    revoked_pdf = browser.get(f"/certificates/{cert.code}/certificate.pdf").data
    assert "ÅTERKALLAT" in pypdf.PdfReader(io.BytesIO(revoked_pdf)).pages[0].extract_text()
