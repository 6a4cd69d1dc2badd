"""The evaluation reports over ``NTTLEARN_EXPORT_JOB_ROWS`` rows are built by a job (at commit in the
test app): the page says the file is being prepared and a notification links to it, for the person
who asked only; the same period or filters give the same file as an immediate download would."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from evaluation_testdata import day
from pypdf import PdfReader

from nttlearn.api import db
from nttlearn.models import Notification


@pytest.fixture
def app_config():
    return {"EXPORT_JOB_ROWS": 2}


@pytest.fixture
def network(data):
    course = data.course("Luleå – Vigo network")
    for name, org, country in (("Åsa", "Luleå kommun", "SE"), ("Xoán", "Concello de Vigo", "ES")):
        data.enrol(data.person(name, org, country), course, day("2010-03-02"))
    data.event(
        "peer_review.proposal_submitted",
        None,
        course,
        day("2010-03-03"),
        {"activity_id": 1, "team_id": 1, "policy_area": "youth", "countries": ["SE", "ES"]},
    )
    data.commit()
    return course  # 3 events in March 2010: over the threshold of 2


def _links(user) -> list[str]:
    notifications = db.session.execute(
        db.select(Notification)
        .filter_by(user_id=user.id, kind="export_ready")
        .order_by(Notification.id)
    ).scalars()
    return [urlsplit(n.url).path for n in notifications]


def test_a_large_impact_pdf_is_prepared_by_a_job_for_the_coordinator_only(
    network, data, client_for
):
    coordinator, other = (
        data.person("Coordinator", role="coordinator"),
        data.person("Other", role="coordinator"),
    )
    browser = client_for(coordinator)

    asked = browser.get("/reports/impact.pdf")  # every event: over the threshold

    assert (
        asked.status_code == 302 and urlsplit(asked.headers["Location"]).path == "/reports/impact"
    )
    assert "is being prepared" in browser.get(asked.headers["Location"]).get_data(as_text=True)
    (link,) = _links(coordinator)
    pdf = browser.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "1 proposal submitted." in text
    assert client_for(other).get(link).status_code == 404


def test_a_small_impact_period_is_answered_at_once(network, data, client_for):
    coordinator = data.person("Coordinator", role="coordinator")

    answer = client_for(coordinator).get(
        "/reports/impact.pdf?from=2010-03-03&to=2010-03-03"
    )  # one event

    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert _links(coordinator) == []


def test_a_large_impact_csv_keeps_the_period_asked_for(network, data, client_for):
    coordinator = data.person("Coordinator", role="coordinator")
    browser = client_for(coordinator)

    assert (
        browser.get("/reports/impact/countries.csv?from=2010-03-01&to=2010-03-31").status_code
        == 302
    )

    (link,) = _links(coordinator)
    immediate = browser.get("/reports/impact/countries.csv?from=2010-03-03&to=2010-03-03")
    text = browser.get(link).get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == immediate.get_data().decode("utf-8-sig").splitlines()[0]
    assert "SE" in text and "ES" in text


def test_a_course_report_csv_of_many_learners_is_prepared_with_its_filters(
    network, data, client_for
):
    trainer = data.person("Trainer", role="admin")
    for name in ("Mikko", "Giulia"):
        data.enrol(data.person(name, "Oulun kaupunki", "FI"), network, day("2010-03-04"))
    data.commit()  # 4 learners: over the threshold
    browser = client_for(trainer)

    asked = browser.get(f"/reports/courses/{network.id}/learners.csv?country=FI")

    assert asked.status_code == 302
    (link,) = _links(trainer)
    text = browser.get(link).get_data().decode("utf-8-sig")
    assert "Mikko" in text and "Giulia" in text and "Åsa" not in text
