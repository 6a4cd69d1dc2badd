"""The template editor: who may use it, the server-drawn preview, uploads, and no injection."""

from __future__ import annotations

import io

import pypdf
import pytest
from certificate_samples import script_keys
from PIL import Image

from nttlearn import db
from nttlearn_certificates import designs, services


def image_bytes(fmt: str = "PNG", size=(300, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 58, 95)).save(buffer, format=fmt)
    return buffer.getvalue()


def form(**changes) -> dict:
    values = {
        "title": "Certificate of completion",
        "body": "{learner_name} completed {course_title} on {date}.",
        "primary_colour": "#1f3a5f",
        "accent_colour": "#b08d57",
        "text_colour": "#222222",
        "signatory_1_name": "Maria Rossi",
        "signatory_1_role": "Coordinator, Città di Bologna",
    }
    values.update(changes)
    return values


def pdf_text(content: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text().split())


@pytest.fixture
def setting_up(make_user, quiz_course):
    trainer = make_user(role="trainer")
    return trainer, quiz_course(trainer=trainer)


def test_the_course_trainer_saves_a_template_used_by_new_certificates(
    setting_up, client_for, make_user, complete
):
    trainer, course = setting_up
    browser = client_for(trainer)

    response = browser.post(
        f"/certificates/courses/{course.id}/template",
        data={**form(), "signature_1": (io.BytesIO(image_bytes()), "signature.png")},
        content_type="multipart/form-data",
    )
    learner = make_user(name="Åsa Lindqvist")
    complete(learner, course)
    cert = services.live_certificate(learner.id, course.id)

    assert response.status_code == 302
    assert cert.signatories == [{"name": "Maria Rossi", "role": "Coordinator, Città di Bologna"}]
    text = pdf_text(designs.certificate_pdf(cert))
    assert (
        "Certificate of completion" in text
        and "Åsa Lindqvist completed Designing a network" in text
    )
    assert "Maria Rossi" in text
    assert (
        len(pypdf.PdfReader(io.BytesIO(designs.certificate_pdf(cert))).pages[0].images) == 2
    )  # signature, QR


def test_the_live_preview_is_a_pdf_drawn_from_the_form_without_saving(setting_up, client_for):
    trainer, course = setting_up

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/template/preview.pdf",
        data=form(title="Draft title"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Draft title" in pdf_text(response.data) and "PREVIEW" in pdf_text(response.data)
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert designs.course_design(course.id) is None


def test_the_editor_page_has_no_inline_script_or_style(setting_up, client_for):
    trainer, course = setting_up

    page = (
        client_for(trainer)
        .get(f"/certificates/courses/{course.id}/template")
        .get_data(as_text=True)
    )

    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")
    assert "style=" not in page
    assert 'formtarget="certificate-preview"' in page and "template-editor.js" in page


@pytest.mark.parametrize("who", ["learner", "other_trainer"])
def test_only_the_course_staff_may_edit_or_preview(
    setting_up, make_user, quiz_course, client_for, who
):
    _, course = setting_up
    person = make_user() if who == "learner" else make_user(role="trainer")
    if who == "other_trainer":
        quiz_course(trainer=person)
    browser = client_for(person)

    assert browser.get(f"/certificates/courses/{course.id}/template").status_code == 403
    assert (
        browser.post(
            f"/certificates/courses/{course.id}/template/preview.pdf", data=form()
        ).status_code
        == 403
    )
    assert browser.get("/certificates/admin").status_code == 403


@pytest.mark.parametrize(
    "upload, message",
    [
        (image_bytes("GIF"), "Only PNG and JPEG"),
        (b"%PDF-1.4 not an image", "not a readable PNG or JPEG"),
        (image_bytes("PNG")[:60], "not a readable PNG or JPEG"),
    ],
)
def test_uploads_must_be_readable_png_or_jpeg(setting_up, client_for, upload, message):
    trainer, course = setting_up

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/template",
        data={**form(), "logo": (io.BytesIO(upload), "logo.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert designs.course_design(course.id) is None


def test_uploads_over_the_size_limit_are_refused(app, setting_up, client_for):
    trainer, course = setting_up
    app.config["CERTIFICATES_MAX_IMAGE_KB"] = 1

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/template",
        data={**form(), "logo": (io.BytesIO(image_bytes("JPEG", (900, 900))), "l.jpg")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400 and "larger than 1 KB" in response.get_data(as_text=True)


def test_an_unknown_placeholder_is_refused_with_its_name(setting_up, client_for):
    trainer, course = setting_up

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/template",
        data=form(body="Dear {learner_email}"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "Unknown placeholder {learner_email}" in response.get_data(as_text=True)


def test_a_template_cannot_inject_script_into_pages_or_pdfs(
    setting_up, client_for, make_user, complete
):
    trainer, course = setting_up
    script = "<script>alert('x')</script>"
    client_for(trainer).post(
        f"/certificates/courses/{course.id}/template",
        data=form(title=script, body=f"{script} {{learner_name}}", signatory_1_name=script),
        content_type="multipart/form-data",
    )
    learner = make_user(name="<img src=x onerror=alert(1)>")
    complete(learner, course)
    cert = services.live_certificate(learner.id, course.id)

    editor = (
        client_for(trainer)
        .get(f"/certificates/courses/{course.id}/template")
        .get_data(as_text=True)
    )
    verify = client_for(trainer).get(f"/verify/{cert.code}").get_data(as_text=True)
    trainer_page = (
        client_for(trainer).get(f"/certificates/courses/{course.id}").get_data(as_text=True)
    )
    pdf = designs.certificate_pdf(cert)

    for page in (editor, verify, trainer_page):
        assert script not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in verify
    assert script_keys(pdf) == set()
    assert script in pdf_text(pdf)  # printed as the literal text it is


def test_the_admin_edits_the_site_template_that_courses_fall_back_to(
    setting_up, make_user, client_for
):
    _, course = setting_up
    admin = make_user(role="admin")

    client_for(admin).post(
        "/certificates/admin",
        data=form(title="Attestato di partecipazione"),
        content_type="multipart/form-data",
    )

    assert designs.design_for(course.id).title == "Attestato di partecipazione"
    assert designs.site_design().site_default is True


def test_a_course_template_can_be_dropped_for_the_site_template(setting_up, client_for):
    trainer, course = setting_up
    browser = client_for(trainer)
    browser.post(
        f"/certificates/courses/{course.id}/template",
        data=form(),
        content_type="multipart/form-data",
    )

    browser.post(f"/certificates/courses/{course.id}/template/delete")

    db.session.expire_all()
    assert designs.course_design(course.id) is None


def test_the_admin_rotates_the_signing_key_from_the_browser(make_user, client_for, client):
    admin = make_user(role="admin")
    before = client.get("/certificates/keys").get_json()

    client_for(admin).post("/certificates/admin/rotate-key")

    after = client.get("/certificates/keys").get_json()
    assert len(after) == len(before) + 1 and after[1:] == before
