"""The impact report's meetings and applications, fed through the core's event API exactly as the
meetings plugin and the peer-review plugin emit them (both loaded: they declare those events).

Who is in it, for the period 2010-03-01 to 2010-03-31:

- Anna (Bologna, IT): enrolled on 03-01 and checked in at the Bologna meeting on both its days
  (one attendee, one participant);
- Carl (Luleå, SE): never enrolled in a course, checked in at Bologna on 03-04 (a participant
  through the meeting alone: his organisation and country count);
- Bruno (Ferrara, IT): checked in at Helsinki on 05-10 (outside March).
"""

from __future__ import annotations

import io
import json

import pytest
from evaluation_testdata import day
from pypdf import PdfReader

from nttlearn import db
from nttlearn.api import emit
from nttlearn.testing import count_queries
from nttlearn_evaluation.filters import Period
from nttlearn_evaluation.impact import impact_report
from nttlearn_evaluation.models import FundingApplication


@pytest.fixture
def app_plugins():
    return ["evaluation", "meetings", "peer_review"]


MARCH = Period(day("2010-03-01").date(), day("2010-03-31").date())
SEPTEMBER = Period(day("2010-09-01").date(), day("2010-09-30").date())


def meeting_held(
    meeting_id: int, starts: str, ends: str, town: str, country: str, attendees: int
) -> None:
    emit(
        "meetings.meeting_held",
        user_id=None,
        data={
            "meeting_id": meeting_id,
            "kind": "partnering",
            "starts_at": starts,
            "ends_at": ends,
            "country": country,
            "town": town,
            "attendees": attendees,
        },
    )


def attended(user, meeting_id: int, on: str, town: str, country: str) -> None:
    emit(
        "meetings.attended",
        user_id=user.id,
        data={
            "meeting_id": meeting_id,
            "kind": "partnering",
            "day": on,
            "country": country,
            "town": town,
        },
    )


def application(
    application_id: int,
    submitted_on: str,
    *,
    outcome: str = "pending",
    granted=None,
    name: str = "peer_review.application_recorded",
    requested=120000.0,
) -> None:
    emit(
        name,
        user_id=None,
        data={
            "application_id": application_id,
            "team_id": 10 + application_id,
            "activity_id": 7,
            "programme": "Europe for Citizens",
            "call": "Action 1, Measure 1.2",
            "submitted_on": submitted_on,
            "lead_organisation": "Comune di Bologna",
            "partner_organisations": ["Luleå kommun"],
            "partner_towns": ["Luleå"],
            "partner_countries": ["SE"],
            "requested_eur": requested,
            "outcome": outcome,
            "granted_eur": granted,
        },
    )


@pytest.fixture
def meetings(data):
    course = data.course("Designing a network")
    anna = data.person("Anna", "Comune di Bologna", "IT")
    carl = data.person("Carl", "Luleå kommun", "SE")
    bruno = data.person("Bruno", "Comune di Ferrara", "IT")
    data.enrol(anna, course, day("2010-03-01 09:00"))
    data.commit()
    meeting_held(1, "2010-03-04T08:00:00+00:00", "2010-03-05T16:00:00+00:00", "Bologna", "IT", 2)
    meeting_held(2, "2010-05-10T06:00:00+00:00", "2010-05-11T14:00:00+00:00", "Helsinki", "FI", 1)
    attended(anna, 1, "2010-03-04", "Bologna", "IT")
    attended(anna, 1, "2010-03-05", "Bologna", "IT")
    attended(carl, 1, "2010-03-04", "Bologna", "IT")
    attended(bruno, 2, "2010-05-10", "Helsinki", "FI")
    db.session.commit()
    return {"anna": anna, "carl": carl, "bruno": bruno}


def test_meetings_held_are_counted_by_their_dates_and_attendees_once(meetings, in_request):
    report = impact_report(MARCH)

    assert report.meetings_held == 1  # Bologna; Helsinki is in May
    assert report.meeting_attendance == 2
    assert report.meeting_attendees == 2  # Anna checked in twice counts once, and Carl


def test_people_who_only_attended_a_meeting_are_participants_with_their_organisation(
    meetings, in_request
):
    report = impact_report(MARCH)

    assert report.participants == 2  # Anna (course and meeting) and Carl (meeting only)
    assert report.participants_meetings_only == 1
    assert (report.organisations, report.countries) == (2, 2)
    assert report.summary() == "2 participants representing 2 organisations from 2 countries"
    assert {c.country: c.participants for c in report.by_country} == {"IT": 1, "SE": 1}


def test_without_a_period_every_meeting_and_attendee_counts(meetings):
    report = impact_report(Period())

    assert (report.meetings_held, report.meeting_attendees, report.participants) == (2, 3, 3)


def test_applications_are_counted_by_the_date_submitted_with_their_latest_outcome(app, in_request):
    application(1, "2010-09-01")
    application(2, "2010-09-15")
    application(
        1, "2010-09-01", outcome="funded", granted=98000.5, name="peer_review.application_updated"
    )
    application(3, "2011-02-01", outcome="funded", granted=50000)
    application(4, "2010-08-31", outcome="rejected")
    db.session.commit()

    september = impact_report(SEPTEMBER)
    ever = impact_report(Period())

    assert (
        db.session.execute(db.select(db.func.count()).select_from(FundingApplication)).scalar() == 4
    )
    assert (
        september.applications_submitted,
        september.applications_funded,
        september.granted_eur,
    ) == (2, 1, 98000.5)
    assert (ever.applications_submitted, ever.applications_funded, ever.granted_eur) == (
        4,
        2,
        148000.5,
    )


# Strict plugins refuse an event without its declared keys; a site runs lenient (the event is logged
# and stored), and the report must still survive what an older or broken plugin emitted.
@pytest.mark.parametrize("app_config", [{"STRICT_PLUGINS": False}])
def test_a_malformed_application_event_is_ignored_and_a_granted_amount_needs_funding(app):
    emit(
        "peer_review.application_recorded",
        user_id=None,
        data={"application_id": "one", "submitted_on": "2010-09-01"},
    )
    emit(
        "peer_review.application_recorded",
        user_id=None,
        data={"application_id": 9, "submitted_on": "September"},
    )
    application(5, "2010-09-01", outcome="rejected", granted=1000, requested="lots")
    db.session.commit()

    copy = db.session.execute(db.select(FundingApplication)).scalar_one()
    assert (copy.application_id, copy.outcome, copy.granted_eur, copy.requested_eur) == (
        5,
        "rejected",
        None,
        0,
    )


def test_the_cli_json_has_the_new_keys(meetings, app):
    from nttlearn.cli import main

    application(1, "2010-03-20", outcome="funded", granted=75000)
    db.session.commit()
    result = app.test_cli_runner().invoke(
        main, ["report", "impact", "--from", "2010-03-01", "--to", "2010-03-31", "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {
        k: figures[k]
        for k in (
            "meetings_held",
            "meeting_attendees",
            "applications_submitted",
            "applications_funded",
            "granted_eur",
        )
    } == {
        "meetings_held": 1,
        "meeting_attendees": 2,
        "applications_submitted": 1,
        "applications_funded": 1,
        "granted_eur": 75000.0,
    }
    assert figures["meetings"] == {"held": 1, "attendance": 2}
    assert figures["participants"] == 2


def test_the_csv_the_page_and_the_pdf_show_meetings_and_applications(meetings, data, client_for):
    application(1, "2010-03-20", outcome="funded", granted=75000)
    db.session.commit()
    browser = client_for(data.person("Karin", role="coordinator"))
    query = "?from=2010-03-01&to=2010-03-31"

    csv = browser.get(f"/reports/impact/figures.csv{query}").data.decode("utf-8-sig")
    page = browser.get(f"/reports/impact{query}").get_data(as_text=True)
    pdf = browser.get(f"/reports/impact.pdf{query}")

    assert "meetings_held,1\r\n" in csv and "meeting_attendees,2\r\n" in csv
    assert "applications_submitted,1\r\n" in csv and "applications_funded,1\r\n" in csv
    assert "granted_eur,75000.0\r\n" in csv
    assert "People who attended a meeting" in page and "75,000.00" in page
    assert "1 application submitted to a funder, 1 funded." in page
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Applications submitted to funders" in text and "75,000.00" in text
    assert "Meetings held" in text


def test_the_report_runs_a_constant_number_of_queries_with_meetings_and_applications(data, app):
    def build(n: int) -> int:
        course = data.course(f"Course {n}")
        people = []
        for i in range(n):
            person = data.person(f"P{n}-{i}", f"Org {n}-{i % 3}", "FI")
            data.enrol(person, course, day("2010-03-10"))
            people.append(person)
        data.commit()
        for i, person in enumerate(people):
            meeting_held(
                n * 100 + i,
                "2010-03-11T08:00:00+00:00",
                "2010-03-11T16:00:00+00:00",
                "Oulu",
                "FI",
                1,
            )
            attended(person, n * 100 + i, "2010-03-11", "Oulu", "FI")
            application(n * 100 + i, "2010-03-12", outcome="funded", granted=1000)
        db.session.commit()
        with count_queries(app) as queries:
            impact_report(MARCH)
        return len(queries)

    assert build(2) == build(20)
