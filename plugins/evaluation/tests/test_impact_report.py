"""The impact figures against a data set with known answers (March 2010, NTT+'s busiest month).

Who is in it, and why each is or is not counted for the period 2010-03-01 to 2010-03-31:

- Anna (Bologna, IT): enrolled in A on 03-01 00:00:00 (first instant: in) and in B on 03-15
  (one participant, not two);
- Bruno (Bologna, IT): enrolled in A on 03-31 23:59:59 (last instant: in), completed on
  04-01 00:00:00 (out);
- Carl (Luleå, SE): enrolled on 04-01 00:00:00 (first instant after: out);
- Dora (Ferrara, IT): enrolled on 02-28 23:59:59 (out), completed on 03-10 (a completion in);
- Eva (A Coruña, ES): enrolled on 03-05, then deleted her account (a participant, without
  organisation or country);
- Filip (no organisation): enrolled on 03-06 (a participant only);
- Gina (Luleå, SE): enrolled in B on 03-20 and completed on 03-25.
"""

from __future__ import annotations

import json

import pytest
from evaluation_testdata import day, delete_account

from nttlearn.testing import count_queries
from nttlearn_evaluation.filters import Period
from nttlearn_evaluation.impact import impact_report, summary_sentence

MARCH = Period(day("2010-03-01").date(), day("2010-03-31").date())


@pytest.fixture
def march(data):
    a, b = data.course("Designing a network"), data.course("Renewable energy")
    anna = data.person("Anna", "Comune di Bologna", "IT")
    bruno = data.person("Bruno", "Comune di Bologna", "IT")
    carl = data.person("Carl", "Luleå kommun", "SE")
    dora = data.person("Dora", "Comune di Ferrara", "IT")
    eva = data.person("Eva", "Concello da Coruña", "ES")
    filip = data.person("Filip")
    gina = data.person("Gina", "Luleå kommun", "SE")
    data.enrol(anna, a, day("2010-03-01 00:00:00"))
    data.enrol(anna, b, day("2010-03-15 10:00:00"))
    data.enrol(bruno, a, day("2010-03-31 23:59:59"), completed_at=day("2010-04-01 00:00:00"))
    data.enrol(carl, a, day("2010-04-01 00:00:00"))
    data.enrol(dora, a, day("2010-02-28 23:59:59"), completed_at=day("2010-03-10 09:00:00"))
    data.enrol(eva, b, day("2010-03-05 12:00:00"))
    data.enrol(filip, b, day("2010-03-06 12:00:00"))
    data.enrol(gina, b, day("2010-03-20 12:00:00"), completed_at=day("2010-03-25 12:00:00"))
    for who, when in (
        (dora, "2010-03-10 09:00:01"),
        (gina, "2010-03-25 12:00:01"),
        (bruno, "2010-04-01 00:00:01"),
    ):
        data.event("certificates.issued", who, None, day(when), {"code": f"NTT-{who.name}"})
    proposal = "peer_review.proposal_submitted"
    data.event(
        proposal,
        anna,
        a,
        day("2010-03-12 10:00"),
        {"activity_id": 7, "team_id": 1, "policy_area": "youth", "countries": ["IT", "SE"]},
    )
    data.event(
        proposal,
        bruno,
        a,
        day("2010-03-20 10:00"),  # the same team resubmits: one proposal
        {"activity_id": 7, "team_id": 1, "policy_area": "youth", "countries": ["IT", "SE"]},
    )
    data.event(
        proposal,
        gina,
        b,
        day("2010-03-22 10:00"),
        {"activity_id": 9, "team_id": 2, "policy_area": "renewable-energy", "countries": ["SE"]},
    )
    data.event(
        proposal,
        eva,
        b,
        day("2010-03-15 10:00"),  # erased when Eva deletes her account
        {
            "activity_id": 9,
            "team_id": 3,
            "policy_area": "integration-employment",
            "countries": ["ES", "FI"],
        },
    )
    data.event(
        proposal,
        anna,
        a,
        day("2010-04-05 10:00"),
        {"activity_id": 7, "team_id": 4, "policy_area": "youth", "countries": ["IT", "FI"]},
    )
    held = "meetings.meeting_held"  # counted by the meeting's start, whenever it was announced
    data.event(
        held,
        None,
        None,
        day("2010-03-05 18:00"),
        {"meeting_id": 1, "starts_at": "2010-03-04T08:00:00+00:00", "attendees": 20},
    )
    data.event(
        held,
        None,
        None,
        day("2010-04-01 10:00"),
        {"meeting_id": 2, "starts_at": "2010-03-31T22:00:00+00:00", "attendees": 15},
    )
    data.event(
        held,
        None,
        None,
        day("2010-03-21 09:00"),
        {"meeting_id": 3, "starts_at": "2010-03-20T09:00:00+00:00", "attendees": "many"},
    )
    data.event(
        held,
        None,
        None,
        day("2010-03-02 09:00"),
        {"meeting_id": 4, "starts_at": "2010-02-10T09:00:00+00:00", "attendees": 30},
    )
    data.event(
        "partnering.meeting_held",
        None,
        None,
        day("2010-03-12 09:00"),
        {"meeting_id": 5, "starts_at": "2010-03-12T09:00:00+00:00", "attendees": 99},
    )
    data.commit()
    delete_account(eva)
    return {"a": a, "b": b}


def test_participants_are_people_enrolled_in_the_period_counted_once(march, in_request):
    report = impact_report(MARCH)

    assert report.participants == 5  # Anna, Bruno, Eva (deleted), Filip (no organisation), Gina
    assert report.organisations == 2  # Bologna, Luleå: Eva's deleted account has none, Filip none
    assert report.countries == 2  # IT, SE
    assert report.summary() == "5 participants representing 2 organisations from 2 countries"


def test_period_boundaries_include_both_days_and_nothing_after(march):
    first_day = impact_report(Period(day("2010-03-01").date(), day("2010-03-01").date()))
    last_day = impact_report(Period(day("2010-03-31").date(), day("2010-03-31").date()))
    day_after = impact_report(Period(day("2010-04-01").date(), day("2010-04-01").date()))

    assert first_day.participants == 1  # Anna at 00:00:00
    assert last_day.participants == 1  # Bruno at 23:59:59
    assert day_after.participants == 1  # Carl at 00:00:00 the next day
    assert day_after.completions == 1  # Bruno's completion at 00:00:00 on 04-01


def test_completions_count_course_completions_made_in_the_period(march):
    report = impact_report(MARCH)

    assert report.completions == 2  # Dora (enrolled before the period) and Gina
    assert report.participants_completed == 2
    by_course = {c.title: (c.participants, c.completions) for c in report.by_course}
    assert by_course == {"Designing a network": (2, 1), "Renewable energy": (4, 1)}


def test_certificates_proposals_and_meetings_come_from_the_event_log(march):
    report = impact_report(MARCH)

    assert report.certificates_issued == 2
    assert report.proposals_submitted == 3  # team 1 once, team 2, and Eva's erased event
    assert report.proposals_by_policy_area == {"renewable-energy": 1, "unknown": 1, "youth": 1}
    assert report.proposals_transnational == 1
    assert report.meetings_held == 3  # started in March; the malformed one counts as held
    assert report.meeting_attendance == 35  # 20 + 15; "many" is not a number


def test_by_country_counts_participants_and_their_organisations(march):
    report = impact_report(MARCH)

    assert [(c.country, c.participants, c.organisations) for c in report.by_country] == [
        ("IT", 2, 1),
        ("SE", 1, 1),
    ]


def test_without_a_period_everyone_ever_enrolled_counts(march):
    report = impact_report(Period())

    assert (report.participants, report.organisations, report.countries) == (7, 3, 2)
    assert report.completions == 3
    assert report.certificates_issued == 3
    assert report.proposals_submitted == 4
    assert report.meetings_held == 4 and report.meeting_attendance == 65


def test_summary_uses_singular_forms_for_one(in_request):
    assert summary_sentence(1, 1, 1) == "1 participant representing 1 organisation from 1 country"
    assert (
        summary_sentence(69, 56, 4)
        == "69 participants representing 56 organisations from 4 countries"
    )


def test_impact_page_shows_the_summary_and_every_figure(march, data, client_for):
    coordinator = data.person("Karin", role="coordinator")
    page = (
        client_for(coordinator)
        .get("/reports/impact?from=2010-03-01&to=2010-03-31")
        .get_data(as_text=True)
    )

    assert "5 participants representing 2 organisations from 2 countries." in page
    assert "3 proposals submitted." in page
    assert "From March 1, 2010 to March 31, 2010 (both days included)" in page
    assert "Attendance at meetings" in page


def test_impact_csv_lists_the_figures_with_a_bom(march, data, client_for):
    coordinator = data.person("Karin", role="coordinator")
    response = client_for(coordinator).get(
        "/reports/impact/figures.csv?from=2010-03-01&to=2010-03-31"
    )

    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    text = response.data.decode("utf-8-sig")
    assert (
        "participants,5\r\n" in text
        and "countries,2\r\n" in text
        and "proposals_submitted,3\r\n" in text
    )


def test_cli_prints_the_figures_as_json(march, app):
    from nttlearn.cli import main

    result = app.test_cli_runner().invoke(
        main, ["report", "impact", "--from", "2010-03-01", "--to", "2010-03-31", "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    for key in (
        "participants",
        "organisations",
        "countries",
        "completions",
        "certificates_issued",
        "proposals_submitted",
        "period",
    ):
        assert key in figures
    assert figures["period"] == {"from": "2010-03-01", "to": "2010-03-31"}
    assert (figures["participants"], figures["organisations"], figures["countries"]) == (5, 2, 2)
    assert figures["proposals_by_policy_area"]["youth"] == 1
    assert figures["meetings"] == {"held": 3, "attendance": 35}


def test_cli_prints_the_sentence_and_refuses_bad_dates(march, app):
    from nttlearn.cli import main

    runner = app.test_cli_runner()
    text = runner.invoke(main, ["report", "impact", "--from", "2010-03-01", "--to", "2010-03-31"])
    bad = runner.invoke(main, ["report", "impact", "--from", "1 March 2010"])
    backwards = runner.invoke(
        main, ["report", "impact", "--from", "2010-04-01", "--to", "2010-03-01"]
    )

    assert (
        text.exit_code == 0
        and "5 participants representing 2 organisations from 2 countries." in text.output
    )
    assert bad.exit_code == 1 and "invalid date" in bad.output
    assert backwards.exit_code == 1 and "before --from" in backwards.output


def test_impact_report_runs_a_constant_number_of_queries(data, app):
    def build(n: int) -> int:
        course = data.course(f"Course {n}")
        for i in range(n):
            person = data.person(f"P{n}-{i}", f"Org {n}-{i % 3}", "FI")
            data.enrol(person, course, day("2010-03-10"), completed_at=day("2010-03-20"))
            data.event(
                "certificates.issued", person, course, day("2010-03-21"), {"code": f"C{n}{i}"}
            )
            data.event(
                "peer_review.proposal_submitted",
                person,
                course,
                day("2010-03-22"),
                {
                    "activity_id": 1,
                    "team_id": n * 100 + i,
                    "policy_area": "youth",
                    "countries": ["FI"],
                },
            )
        data.commit()
        with count_queries(app) as queries:
            impact_report(MARCH)
        return len(queries)

    assert build(2) == build(20)
