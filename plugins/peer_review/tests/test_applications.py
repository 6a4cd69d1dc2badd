"""Applications really submitted to funders: recorded by a team after its capstone, corrected by
its trainers and the coordinators, announced with the whole application, never duplicated."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from fpdf import FPDF
from peer_review_helpers import submitted_team
from pypdf import PdfReader

from nttlearn import db
from nttlearn.models import EventRecord
from nttlearn_peer_review import applications, privacy
from nttlearn_peer_review.models import Application, ApplicationDocument

FORM = {
    "programme": "Europe for Citizens",
    "call": "Action 1, Measure 1.2 (1 September 2010)",
    "submitted_on": "2010-09-01",
    "lead_organisation": "Comune di Bologna",
    "partners": "Luleå kommun; Luleå; se\nConcello da Coruña; A Coruña; ES\n",
    "requested_eur": "120 000,50",
    "outcome": "pending",
    "granted_eur": "",
}


def a_pdf(text: str = "Network application") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


@pytest.fixture
def cap(make_capstone):
    return make_capstone(min_countries=2)


@pytest.fixture
def team(cap):
    team, _submission = submitted_team(cap, [cap.officials[0], cap.officials[2]])
    return team


def applications_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Application)).scalar()


def test_a_team_records_its_application_with_the_document_and_the_event_carries_it(
    cap, team, client_for
):
    browser = client_for(cap.officials[0])

    form = browser.get(f"/peer-review/{cap.activity.id}/applications/new")
    response = browser.post(
        f"/peer-review/{cap.activity.id}/applications/new",
        data={**FORM, "document": (io.BytesIO(a_pdf()), "application.pdf")},
        content_type="multipart/form-data",
    )

    assert form.status_code == 200 and "Lead applicant" in form.get_data(as_text=True)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    application = db.session.execute(db.select(Application)).scalar_one()
    assert (application.programme, application.submitted_on, application.requested_eur) == (
        "Europe for Citizens",
        date(2010, 9, 1),
        Decimal("120000.50"),
    )
    assert application.partners == [
        {"organisation": "Luleå kommun", "town": "Luleå", "country": "SE"},
        {"organisation": "Concello da Coruña", "town": "A Coruña", "country": "ES"},
    ]
    event = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "peer_review.application_recorded")
    ).scalar_one()
    assert event.course_id == cap.course.id and event.user_id == cap.officials[0].id
    assert event.data == {
        "application_id": application.id,
        "team_id": team.id,
        "activity_id": cap.activity.id,
        "programme": "Europe for Citizens",
        "call": "Action 1, Measure 1.2 (1 September 2010)",
        "submitted_on": "2010-09-01",
        "lead_organisation": "Comune di Bologna",
        "partner_organisations": ["Luleå kommun", "Concello da Coruña"],
        "partner_towns": ["Luleå", "A Coruña"],
        "partner_countries": ["ES", "SE"],
        "requested_eur": 120000.5,
        "outcome": "pending",
        "granted_eur": None,
    }
    download = browser.get(f"/peer-review/applications/{application.id}/document")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "Network application" in PdfReader(io.BytesIO(download.data)).pages[0].extract_text()


def test_a_double_submit_records_the_application_once(cap, team, client_for):
    browser = client_for(cap.officials[0])
    url = f"/peer-review/{cap.activity.id}/applications/new"

    first = browser.post(url, data=FORM)
    second = browser.post(url, data=FORM)
    by_colleague = client_for(cap.officials[2]).post(
        url, data={**FORM, "call": " Action 1,  Measure 1.2 (1 September 2010)"}
    )

    assert first.status_code == 302
    assert second.status_code == 400 and by_colleague.status_code == 400
    assert "already recorded an application to this programme and call" in second.get_data(
        as_text=True
    )
    assert applications_count() == 1


def test_two_racing_records_leave_one_row(cap, team, monkeypatch):
    values = applications.ApplicationInput(
        **{
            **{k: v for k, v in FORM.items() if k != "submitted_on"},
            "submitted_on": date(2010, 9, 1),
        }
    )
    applications.record(team, values, cap.officials[0].id, date(2010, 9, 2))
    # The second save checked before the first was written (as in two requests at once): the
    # unique key decides, and the team gets the message instead of an error.
    monkeypatch.setattr(applications, "_clash", lambda *args: None)

    with pytest.raises(applications.ApplicationError, match="already recorded"):
        applications.record(team, values, cap.officials[2].id, date(2010, 9, 2))
    db.session.commit()

    assert applications_count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requested_eur": "lots"}, "“lots” is not an amount in euro"),
        ({"requested_eur": "-5"}, "An amount is between 0 and 100 million euro."),
        ({"requested_eur": "10.555"}, "An amount has at most two decimals"),
        ({"submitted_on": "2999-01-01"}, "The date submitted cannot be in the future"),
        ({"submitted_on": "1 September"}, "Not a valid date value."),
        ({"outcome": "funded", "granted_eur": ""}, "Give the amount in euro."),
        (
            {"outcome": "rejected", "granted_eur": "5000"},
            "Only a funded application has a granted amount.",
        ),
        ({"partners": "Luleå kommun, Luleå, Sweden"}, "Line 1: write a partner as"),
        (
            {"partners": "Luleå kommun; Luleå; Sweden"},
            "Line 1: give the country as its two-letter code",
        ),
    ],
)
def test_bad_amounts_dates_and_partners_show_the_form_again_with_a_message(
    cap, team, client_for, change, message
):
    browser = client_for(cap.officials[0])

    response = browser.post(
        f"/peer-review/{cap.activity.id}/applications/new", data={**FORM, **change}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page.replace("&#34;", '"').replace("&#39;", "'")
    assert 'value="Europe for Citizens"' in page
    assert applications_count() == 0


def test_a_document_the_allow_list_refuses_saves_nothing(cap, team, client_for):
    browser = client_for(cap.officials[0])

    response = browser.post(
        f"/peer-review/{cap.activity.id}/applications/new",
        data={**FORM, "document": (io.BytesIO(b"<html>not a pdf</html>"), "application.pdf")},
        content_type="multipart/form-data",
    )
    image = browser.post(
        f"/peer-review/{cap.activity.id}/applications/new",
        data={**FORM, "document": (io.BytesIO(b"GIF89a\x01\x00\x01\x00"), "scan.gif")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "not a valid .pdf file" in response.get_data(as_text=True)
    assert image.status_code == 400 and "Attach the application as PDF" in image.get_data(
        as_text=True
    )
    assert applications_count() == 0
    assert db.session.execute(db.select(ApplicationDocument)).first() is None


def test_no_application_before_the_team_has_submitted(cap, client_for):
    from peer_review_helpers import form_team, go_to

    go_to(cap, "submission")
    form_team(cap, [cap.officials[0], cap.officials[2]])

    response = client_for(cap.officials[0]).get(f"/peer-review/{cap.activity.id}/applications/new")

    assert response.status_code == 404


def test_the_trainer_corrects_the_outcome_and_the_update_is_announced(cap, team, client_for):
    client_for(cap.officials[0]).post(f"/peer-review/{cap.activity.id}/applications/new", data=FORM)
    application = db.session.execute(db.select(Application)).scalar_one()
    trainer = client_for(cap.trainer)

    listing = trainer.get(f"/peer-review/{cap.activity.id}/applications").get_data(as_text=True)
    response = trainer.post(
        f"/peer-review/applications/{application.id}",
        data={**FORM, "outcome": "funded", "granted_eur": "98000"},
    )

    assert "Europe for Citizens" in listing and "Comune di Bologna" in listing
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.outcome, application.granted_eur, application.updated_by_id) == (
        "funded",
        Decimal("98000.00"),
        cap.trainer.id,
    )
    event = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "peer_review.application_updated")
    ).scalar_one()
    assert (event.data["outcome"], event.data["granted_eur"], event.data["application_id"]) == (
        "funded",
        98000.0,
        application.id,
    )


def test_a_coordinator_sees_every_application_and_corrects_it(cap, team, make_user, client_for):
    client_for(cap.officials[0]).post(f"/peer-review/{cap.activity.id}/applications/new", data=FORM)
    application = db.session.execute(db.select(Application)).scalar_one()
    coordinator = client_for(make_user(role="coordinator", name="Karin Coordinator"))

    listing = coordinator.get("/peer-review/applications").get_data(as_text=True)
    response = coordinator.post(
        f"/peer-review/applications/{application.id}", data={**FORM, "outcome": "rejected"}
    )

    assert "Bologna–Luleå" in listing and "Europe for Citizens" in listing
    assert response.status_code == 302
    assert db.session.get(Application, application.id).outcome == "rejected"


def test_others_cannot_open_or_change_a_teams_application(
    cap, team, make_user, make_course, client_for
):
    client_for(cap.officials[0]).post(
        f"/peer-review/{cap.activity.id}/applications/new",
        data={**FORM, "document": (io.BytesIO(a_pdf()), "application.pdf")},
        content_type="multipart/form-data",
    )
    application = db.session.execute(db.select(Application)).scalar_one()
    classmate = client_for(cap.officials[4])  # enrolled in the course, not in the team
    other_trainer = client_for(make_user(role="trainer", name="Other Trainer"))
    learner = client_for(cap.officials[5])

    assert classmate.get(f"/peer-review/applications/{application.id}").status_code == 404
    assert (
        classmate.post(f"/peer-review/applications/{application.id}", data=FORM).status_code == 404
    )
    assert classmate.get(f"/peer-review/applications/{application.id}/document").status_code == 404
    assert other_trainer.get(f"/peer-review/applications/{application.id}").status_code == 403
    assert other_trainer.get(f"/peer-review/{cap.activity.id}/applications").status_code == 403
    assert learner.get(f"/peer-review/{cap.activity.id}/applications").status_code == 403
    assert learner.get("/peer-review/applications").status_code == 403


def test_the_team_sees_its_applications_on_the_activity_page(cap, team, client_for):
    browser = client_for(cap.officials[2])
    browser.post(f"/peer-review/{cap.activity.id}/applications/new", data=FORM)

    page = browser.get(f"/peer-review/{cap.activity.id}").get_data(as_text=True)

    assert "Applications to funders" in page and "Record an application" in page
    assert (
        "Europe for Citizens — Action 1, Measure 1.2 (1 September 2010)" in page
        and "Pending" in page
    )


def test_the_gdpr_export_names_the_applications_a_person_recorded_and_deletion_keeps_them(
    cap, team
):
    values = applications.ApplicationInput(
        **{
            **{k: v for k, v in FORM.items() if k != "submitted_on"},
            "submitted_on": date(2010, 9, 1),
        }
    )
    application = applications.record(team, values, cap.officials[0].id, date(2010, 9, 2))
    applications.attach_document(application, "application.pdf", a_pdf(), cap.officials[0].id)
    db.session.commit()

    exported = privacy.user_data(cap.officials[0].id)
    privacy.delete_user_data(cap.officials[0].id)
    db.session.commit()

    assert exported["applications"][0]["programme"] == "Europe for Citizens"
    assert exported["applications"][0]["requested_eur"] == "120000.50"
    kept = db.session.get(Application, application.id)
    assert kept is not None and kept.recorded_by_id is None and kept.updated_by_id is None
    assert db.session.get(ApplicationDocument, application.id).uploaded_by_id is None
