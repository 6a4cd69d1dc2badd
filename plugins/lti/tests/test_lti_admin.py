"""Platform registration in the admin, and who may not use it."""

from __future__ import annotations

from nttlearn.api import db
from nttlearn_lti.models import Platform

FORM = {
    "name": "Moodle",
    "issuer": "https://moodle.kunta.example",
    "client_id": "abc123",
    "deployment_ids": "1\n2\n",
    "auth_login_url": "https://moodle.kunta.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.kunta.example/mod/lti/token.php",
    "key_set_url": "https://moodle.kunta.example/mod/lti/certs.php",
}


def test_an_admin_registers_edits_and_removes_a_platform(login_as, make_user):
    client = login_as(make_user(role="admin"))
    page = client.get("/lti/admin")
    assert page.status_code == 200 and "/lti/jwks.json" in page.get_data(as_text=True)
    assert client.post("/lti/admin/new", data=FORM).status_code == 302
    platform = db.session.execute(db.select(Platform)).scalar_one()
    assert platform.deployment_ids == ["1", "2"] and platform.client_id == "abc123"
    # The same issuer and client id twice: the form says so and keeps what was typed.
    again = client.post("/lti/admin/new", data=FORM)
    assert again.status_code == 400 and "already registered" in again.get_data(as_text=True)
    assert "moodle.kunta.example/mod/lti/certs.php" in again.get_data(as_text=True)
    assert (
        client.post(f"/lti/admin/{platform.id}", data={**FORM, "name": "Moodle 4.4"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Platform, platform.id).name == "Moodle 4.4"
    assert client.post(f"/lti/admin/{platform.id}/delete").status_code == 302
    assert db.session.execute(db.select(Platform)).scalar() is None


def test_bad_input_is_shown_again(login_as, make_user):
    client = login_as(make_user(role="admin"))
    response = client.post("/lti/admin/new", data={**FORM, "key_set_url": "not a url"})
    assert response.status_code == 400 and "Moodle" in response.get_data(as_text=True)


def test_who_may_not_use_the_admin_pages(client, client_for, make_user):
    platform = Platform(
        name="P",
        issuer="https://p.example",
        client_id="c",
        deployment_ids=["1"],
        auth_login_url="https://p.example/a",
        auth_token_url="https://p.example/t",
        key_set_url="https://p.example/k",
    )
    db.session.add(platform)
    db.session.commit()
    urls = ["/lti/admin", "/lti/admin/new", f"/lti/admin/{platform.id}"]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for role in ("learner", "trainer", "coordinator"):
        browser = client_for(make_user(role=role))
        for url in urls:
            assert browser.get(url).status_code == 403
        assert browser.post("/lti/admin/new", data=FORM).status_code == 403
        assert browser.post(f"/lti/admin/{platform.id}/delete").status_code == 403
    assert db.session.get(Platform, platform.id) is not None
