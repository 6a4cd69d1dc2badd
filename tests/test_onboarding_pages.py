"""The onboarding pages: import participants (upload, preview, confirm), re-send an invitation,
merge organisations; who may not use them."""

from __future__ import annotations

import io

from nttlearn.extensions import db
from nttlearn.mail import outbox
from nttlearn.models import Enrolment, EventRecord, Organisation, User
from nttlearn.testing import count_rows

GOOD = "name,email,organisation,town,country\nAnna Berg,anna@malmo.se,Malmö stad,Malmö,SE\n"
BAD = GOOD + "Bo,bo-at-malmo,,,\n"


def _upload(client, text: str, filename: str = "people.csv"):
    return client.post(
        "/admin/import",
        data={"participants": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def test_an_admin_uploads_sees_the_preview_and_confirms(client_for, make_user):
    admin = client_for(make_user(role="admin"))

    uploaded = _upload(admin, GOOD)
    preview_url = uploaded.headers["Location"]
    preview = admin.get(preview_url).get_data(as_text=True)
    assert count_rows(User, email="anna@malmo.se") == 0  # nothing written before the confirmation
    assert "New accounts: 1" in preview and "anna@malmo.se" in preview and "new account" in preview

    done = admin.post(preview_url, data={"invite": "y"})

    assert done.status_code == 302
    assert count_rows(User, email="anna@malmo.se") == 1
    assert [m["To"] for m in outbox()] == ["anna@malmo.se"]
    assert admin.get(preview_url).status_code == 302  # the upload is gone once imported


def test_a_file_with_invalid_lines_imports_nothing_unless_they_are_skipped(client_for, make_user):
    admin = client_for(make_user(role="admin"))
    preview_url = _upload(admin, BAD).headers["Location"]

    page = admin.get(preview_url).get_data(as_text=True)
    refused = admin.post(preview_url, data={"invite": "y"})

    assert "line 3: email: “bo-at-malmo” is not a valid e-mail address." in page
    assert refused.status_code == 400 and count_rows(User, email="anna@malmo.se") == 0
    skipped = admin.post(preview_url, data={"skip_invalid": "y"})
    assert skipped.status_code == 302 and count_rows(User, email="anna@malmo.se") == 1
    assert outbox() == []  # invitations not chosen


def test_a_file_that_cannot_be_read_is_explained_on_the_upload_page(client_for, make_user):
    admin = client_for(make_user(role="admin"))

    page = admin.get(_upload(admin, "name,email,group\nA,a@x.org,B\n").headers["Location"])

    assert page.status_code == 400
    assert "line 1: unknown column “group”. The columns are: name, email" in page.get_data(
        as_text=True
    )


def test_another_admin_cannot_confirm_someone_elses_upload(client_for, make_user):
    first, second = client_for(make_user(role="admin")), client_for(make_user(role="admin"))
    preview_url = _upload(first, GOOD).headers["Location"]

    response = second.post(preview_url, data={"invite": "y"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/import")
    assert count_rows(User, email="anna@malmo.se") == 0


def test_learners_and_trainers_may_not_import_or_merge(client_for, make_user):
    for role in ("learner", "trainer", "coordinator"):
        browser = client_for(make_user(role=role))
        assert _upload(browser, GOOD).status_code == 403
        assert browser.get("/admin/organisations/merge").status_code == 403
    assert count_rows(User, email="anna@malmo.se") == 0


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(client_for, make_user):
    admin = client_for(make_user(role="admin"))
    invited = User(email="new@example.org", name="New Person", password_hash="")
    db.session.add(invited)
    db.session.commit()

    page = admin.get(f"/admin/users/{invited.id}").get_data(as_text=True)
    sent = admin.post(f"/admin/users/{invited.id}/invite")

    assert "Send the invitation again" in page
    assert sent.status_code == 302 and [m["To"] for m in outbox()] == ["new@example.org"]
    with_password = make_user()
    assert admin.post(f"/admin/users/{with_password.id}/invite").status_code == 302
    assert len(outbox()) == 1  # someone with a password gets no invitation


def test_merging_organisations_previews_then_moves_people_and_deletes_the_spare(
    client_for, make_user, make_course
):
    admin = client_for(make_user(role="admin"))
    course = make_course()
    spare_member = make_user(org="Bologna municipality", country="IT", name="Marco Bianchi")
    kept_member = make_user(org="Comune di Bologna", country="IT")
    db.session.add(Enrolment(user_id=spare_member.id, course_id=course.id))
    db.session.commit()
    spare, kept = spare_member.organisation_id, kept_member.organisation_id

    preview = admin.get(f"/admin/organisations/merge?source={spare}&target={kept}").get_data(
        as_text=True
    )
    assert "1 person moves to the kept organisation." in preview and "Marco Bianchi" in preview
    assert count_rows(Organisation) == 2
    merged = admin.post("/admin/organisations/merge", data={"source": spare, "target": kept})

    assert merged.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, spare) is None
    assert db.session.get(User, spare_member.id).organisation_id == kept
    assert [
        r.data
        for r in db.session.execute(
            db.select(EventRecord).filter_by(name="organisation.merged")
        ).scalars()
    ] == [{"from_id": spare, "to_id": kept}]


def test_an_organisation_cannot_be_merged_into_itself(client_for, make_user):
    admin = client_for(make_user(role="admin"))
    org = make_user(org="Comune di Bologna", country="IT").organisation_id

    response = admin.post("/admin/organisations/merge", data={"source": org, "target": org})

    assert (
        response.status_code == 400
        and "Choose two different organisations." in response.get_data(as_text=True)
    )
    assert count_rows(Organisation) == 1


def test_the_merge_command_previews_with_dry_run(app, make_user):
    import json

    from nttlearn.testing import invoke_cli

    spare = make_user(org="Bologna municipality", country="IT").organisation_id
    kept = make_user(org="Comune di Bologna", country="IT").organisation_id

    dry = invoke_cli(app, "organisations", "merge", str(spare), str(kept), "--dry-run", "--json")
    assert (
        dry.exit_code == 0
        and json.loads(dry.output)["people"] == 1
        and count_rows(Organisation) == 2
    )
    missing = invoke_cli(app, "organisations", "merge", str(spare), "9999")
    assert missing.exit_code == 1 and "no organisation with the number 9999" in missing.output
    done = invoke_cli(app, "organisations", "merge", str(spare), str(kept), "--json")

    assert done.exit_code == 0 and count_rows(Organisation) == 1
