"""A learner's certificates in their data export; deleting the account revokes them and removes
the name (documented in docs/certificates.md)."""

from __future__ import annotations

import json

from nttlearn import db
from nttlearn.testing import TEST_PASSWORD
from nttlearn_certificates import services


def test_the_data_export_lists_the_certificates(make_user, quiz_course, complete, client_for):
    learner = make_user(name="Åsa Lindqvist")
    course = quiz_course()
    complete(learner, course)
    cert = services.live_certificate(learner.id, course.id)

    export = json.loads(client_for(learner).get("/account/export.json").get_data(as_text=True))

    [entry] = export["plugins"]["certificates"]["certificates"]
    assert entry["code"] == cert.code and entry["name_on_certificate"] == "Åsa Lindqvist"
    assert entry["status"] == "valid" and entry["credential"]["id"] == cert.credential["id"]


def test_deleting_the_account_revokes_the_certificates_and_removes_the_name(
    make_user, quiz_course, complete, client_for, client, instance
):
    learner = make_user(name="Åsa Lindqvist")
    course = quiz_course()
    complete(learner, course)
    cert = services.live_certificate(learner.id, course.id)
    browser = client_for(learner)
    browser.get(f"/certificates/{cert.code}/certificate.pdf")  # cached in the instance folder
    browser.post(f"/certificates/{cert.code}/share", data={"public": "y"})

    response = browser.post("/account/delete", data={"password": TEST_PASSWORD, "confirm": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    cert = services.find_certificate(cert.code)
    assert cert.status() == "revoked" and cert.revocation_reason == "account deleted"
    assert cert.learner_name == "" and cert.credential == {} and cert.salt == "" and not cert.public
    assert not (instance / "certificates" / "pdf" / f"{cert.code}.pdf").exists()
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "was revoked" in page and "Åsa" not in page
    assert client.get(f"/certificates/shared/{cert.code}").status_code == 404
