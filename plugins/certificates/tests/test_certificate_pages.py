"""A learner's certificate pages and downloads: theirs to open and share, nobody else's."""

from __future__ import annotations

import io
import json

import pypdf
import pytest

from nttlearn import db
from nttlearn_certificates import services
from nttlearn_certificates.baking import unbake_png

DOWNLOADS = ("certificate.pdf", "credential.json", "credential.jwt", "badge.png")


@pytest.fixture
def holder(make_user, quiz_course, complete):
    """Åsa, with a certificate for a course taught by ``trainer``."""
    trainer = make_user(role="trainer", name="Paolo Trainer")
    learner = make_user(name="Åsa Lindqvist", locale="en")
    course = quiz_course(trainer=trainer)
    complete(learner, course)
    cert = services.live_certificate(learner.id, course.id)
    return {"learner": learner, "trainer": trainer, "course": course, "code": cert.code}


def test_my_certificates_lists_the_learners_certificate_with_its_downloads(holder, client_for):
    page = client_for(holder["learner"]).get("/certificates/").get_data(as_text=True)

    assert "Designing a network of twinned towns" in page
    assert holder["code"] in page
    for name in ("certificate.pdf", "credential.json"):
        assert f"/certificates/{holder['code']}/{name}" in page


def test_the_holder_downloads_pdf_credential_jwt_and_baked_badge(holder, client_for):
    browser = client_for(holder["learner"])
    code = holder["code"]

    pdf = browser.get(f"/certificates/{code}/certificate.pdf")
    credential = browser.get(f"/certificates/{code}/credential.json")
    jwt = browser.get(f"/certificates/{code}/credential.jwt")
    badge = browser.get(f"/certificates/{code}/badge.png")

    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Åsa Lindqvist" in text and code in text
    assert json.loads(credential.data)["id"] == f"https://learn.example.org/verify/{code}"
    assert jwt.data.count(b".") == 2
    assert json.loads(unbake_png(badge.data))["id"] == f"https://learn.example.org/verify/{code}"
    assert all(
        r.headers["Cache-Control"] == "private, no-store" for r in (pdf, credential, jwt, badge)
    )


@pytest.mark.parametrize("download", ["", *DOWNLOADS])
def test_another_learner_cannot_open_the_certificate_by_changing_the_url(
    holder, make_user, client_for, download
):
    intruder = client_for(make_user(name="Curious Colleague"))
    path = f"/certificates/{holder['code']}" + (f"/{download}" if download else "")

    response = intruder.get(path)

    assert response.status_code == 404
    assert "Åsa" not in response.get_data(as_text=True)


@pytest.mark.parametrize("download", DOWNLOADS)
def test_a_trainer_of_another_course_cannot_open_it_either(
    holder, make_user, quiz_course, client_for, download
):
    other_trainer = make_user(role="trainer")
    quiz_course(trainer=other_trainer)

    assert (
        client_for(other_trainer).get(f"/certificates/{holder['code']}/{download}").status_code
        == 404
    )


@pytest.mark.parametrize("download", DOWNLOADS)
def test_the_course_trainer_and_an_admin_can_open_it(holder, make_user, client_for, download):
    for person in (holder["trainer"], make_user(role="admin")):
        assert (
            client_for(person).get(f"/certificates/{holder['code']}/{download}").status_code == 200
        )


def test_anonymous_visitors_are_sent_to_the_login_page(holder, client):
    response = client.get(f"/certificates/{holder['code']}/certificate.pdf")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sharing_is_opt_in_and_can_be_withdrawn(holder, client_for, app):
    code = holder["code"]
    stranger = app.test_client()
    assert stranger.get(f"/certificates/shared/{code}").status_code == 404

    owner = client_for(holder["learner"])
    owner.post(f"/certificates/{code}/share", data={"public": "y"})
    shared = stranger.get(f"/certificates/shared/{code}")
    pdf = stranger.get(f"/certificates/shared/{code}/certificate.pdf")
    owner.post(f"/certificates/{code}/share", data={})

    assert shared.status_code == 200 and "Åsa Lindqvist" in shared.get_data(as_text=True)
    assert pdf.status_code == 200
    assert stranger.get(f"/certificates/shared/{code}").status_code == 404


def test_only_the_holder_may_share_it(holder, client_for):
    trainer = client_for(holder["trainer"])

    assert (
        trainer.post(f"/certificates/{holder['code']}/share", data={"public": "y"}).status_code
        == 404
    )
    db.session.expire_all()
    assert services.find_certificate(holder["code"]).public is False


def test_a_revoked_certificate_is_no_longer_shared(holder, client_for, app):
    owner = client_for(holder["learner"])
    owner.post(f"/certificates/{holder['code']}/share", data={"public": "y"})
    services.revoke_certificate(services.find_certificate(holder["code"]), reason="Issued in error")
    db.session.commit()

    assert app.test_client().get(f"/certificates/shared/{holder['code']}").status_code == 404


def test_the_dashboard_and_the_navbar_show_the_certificate(holder, client_for):
    page = client_for(holder["learner"]).get("/dashboard").get_data(as_text=True)

    assert "My certificates" in page
    assert f"/certificates/{holder['code']}" in page
    assert '<li><a href="/certificates/">My certificates</a></li>' in page


def test_a_learner_without_certificates_sees_no_dashboard_card(make_user, client_for):
    page = client_for(make_user()).get("/dashboard").get_data(as_text=True)

    assert "/certificates/NTT-" not in page


def test_the_course_page_links_to_the_learners_certificate_and_the_trainers_page(
    holder, client_for
):
    course = holder["course"]

    learner_page = (
        client_for(holder["learner"]).get(f"/courses/{course.slug}").get_data(as_text=True)
    )
    trainer_page = (
        client_for(holder["trainer"]).get(f"/courses/{course.slug}").get_data(as_text=True)
    )

    assert f"/certificates/{holder['code']}" in learner_page
    assert f"/certificates/courses/{course.id}" in trainer_page


def test_pdf_is_kept_in_the_instance_cache_after_the_first_download(holder, client_for, instance):
    browser = client_for(holder["learner"])

    first = browser.get(f"/certificates/{holder['code']}/certificate.pdf").data

    cached = instance / "certificates" / "pdf" / f"{holder['code']}.pdf"
    assert cached.read_bytes() == first
    assert browser.get(f"/certificates/{holder['code']}/certificate.pdf").data == first


def test_a_missing_font_gives_a_clear_error_and_no_half_written_pdf(
    holder, client_for, instance, monkeypatch, tmp_path
):
    from nttlearn_certificates import designs, pdf

    designs.forget_pdf(holder["code"])  # drawn by the job after issuing, with the fonts there
    monkeypatch.setattr(pdf, "FONTS_DIR", tmp_path / "no-fonts")

    response = client_for(holder["learner"]).get(f"/certificates/{holder['code']}/certificate.pdf")

    assert response.status_code == 500
    assert "font" in response.get_data(as_text=True) and "missing" in response.get_data(
        as_text=True
    )
    assert list((instance / "certificates" / "pdf").glob("*")) == []


def test_revoke_and_reissue_wait_behind_one_button_per_certificate(holder, client_for):
    course = holder["course"]

    page = (
        client_for(holder["trainer"])
        .get(f"/certificates/courses/{course.id}")
        .get_data(as_text=True)
    )

    row = page[page.index(f"<code>{holder['code']}</code>") :]
    row = row[: row.index("</tr>")]
    assert '<details class="row-actions">' in row
    assert (
        f'<summary>Revoke or reissue<span class="visually-hidden"> {holder["code"]}</span></summary>'
        in row
    )
    assert row.index("<summary>") < row.index('name="reason"')
