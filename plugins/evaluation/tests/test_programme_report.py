"""The programme report against a data set with known answers.

| person | organisation          | enrolments (2010)                                   |
| ------ | --------------------- | --------------------------------------------------- |
| Pia    | Bologna (IT)          | A on 03-01, completed 03-11 (10 days); B on 03-02   |
| Per    | Luleå (SE)            | A on 03-05; active in A yesterday                   |
| Paz    | none                  | B on 03-10, completed 03-12 (2 days)                |
| Pim    | Ferrara (IT), deleted | A on 03-07                                          |
| Pat    | Bologna (IT)          | C (archived) on 03-08: not in the programme report  |
| Pep    | Vigo (ES)             | A on 05-01                                          |
"""

from __future__ import annotations

import re

import pytest
from evaluation_testdata import day, delete_account

from nttlearn import db
from nttlearn.testing import count_queries
from nttlearn_evaluation.filters import LearnerFilters, Period
from nttlearn_evaluation.programme import programme_report


@pytest.fixture
def programme(data):
    a, b = data.course("A: Designing a network"), data.course("B: Renewable energy")
    c = data.course("C: Retired course", archived=True)
    pia = data.person("Pia", "Comune di Bologna", "IT")
    per = data.person("Per", "Luleå kommun", "SE")
    paz = data.person("Paz")
    pim = data.person("Pim", "Comune di Ferrara", "IT")
    pat = data.person("Pat", "Comune di Bologna", "IT")
    pep = data.person("Pep", "Concello de Vigo", "ES")
    data.enrol(pia, a, day("2010-03-01 08:00"), completed_at=day("2010-03-11 08:00"))
    data.enrol(pia, b, day("2010-03-02 08:00"))
    data.enrol(per, a, day("2010-03-05 08:00"))
    data.event("lesson.completed", per, a, data.ago(1), {"lesson_id": 0})
    data.enrol(paz, b, day("2010-03-10 08:00"), completed_at=day("2010-03-12 08:00"))
    data.enrol(pim, a, day("2010-03-07 08:00"))
    data.enrol(pat, c, day("2010-03-08 08:00"))
    data.enrol(pep, a, day("2010-05-01 08:00"))
    data.commit()
    delete_account(pim)
    return {"a": a, "b": b, "c": c}


def test_courses_side_by_side(programme):
    report = programme_report(LearnerFilters())
    rows = {c.title: c for c in report.courses}

    assert list(rows) == ["A: Designing a network", "B: Renewable energy"]  # C is archived
    assert (rows["A: Designing a network"].enrolled, rows["A: Designing a network"].completed) == (
        4,
        1,
    )
    assert (rows["B: Renewable energy"].enrolled, rows["B: Renewable energy"].completed) == (2, 1)
    assert rows["A: Designing a network"].active_30 == 1
    assert (
        rows["A: Designing a network"].median_days == 10.0
        and rows["B: Renewable energy"].median_days == 2.0
    )
    assert rows["A: Designing a network"].completion_percent == 25


def test_participants_are_counted_once_by_country_and_organisation(programme):
    report = programme_report(LearnerFilters())

    assert (report.participants, report.organisations, report.countries) == (5, 3, 3)
    assert [(c.country, c.participants) for c in report.by_country] == [
        ("", 2),
        ("ES", 1),
        ("IT", 1),
        ("SE", 1),
    ]
    assert [(o.label, o.participants) for o in report.by_organisation] == [
        ("", 2),
        ("Comune di Bologna", 1),
        ("Concello de Vigo", 1),
        ("Luleå kommun", 1),
    ]
    assert report.by_month == [("2010-03", 5), ("2010-05", 1)]


def test_period_and_country_filters(programme):
    march = programme_report(
        LearnerFilters(period=Period(day("2010-03-01").date(), day("2010-03-31").date()))
    )
    italy = programme_report(LearnerFilters(country="IT"))

    assert (march.participants, march.organisations, march.countries) == (4, 2, 2)
    assert {c.title: c.enrolled for c in march.courses}["A: Designing a network"] == 3
    assert italy.participants == 1 and [c.enrolled for c in italy.courses] == [1, 1]


def test_page_draws_charts_from_the_table_numbers_without_inline_styles(
    programme, data, client_for
):
    coordinator = data.person("Karin", role="coordinator")
    page = client_for(coordinator).get("/reports/programme").get_data(as_text=True)

    assert page.count("<svg") == 4
    assert "style=" not in page and "<script>" not in page
    assert re.search(
        r'<rect x="\d+" y="[\d.]+" width="[\d.]+" height="14" class="series-0"><title>A: Designing a network: 4</title>',
        page,
    )
    assert "No organisation" in page


def test_programme_csvs(programme, data, client_for):
    browser = client_for(data.person("Karin", role="coordinator"))

    courses = browser.get(
        "/reports/programme/courses.csv?from=2010-03-01&to=2010-03-31"
    ).data.decode("utf-8-sig")
    organisations = browser.get("/reports/programme/organisations.csv").data.decode("utf-8-sig")

    assert (
        courses.splitlines()[0]
        == "course,slug,published,enrolled,active_last_30_days,completed,completion_percent,median_days_to_complete"
    )
    assert (
        courses.splitlines()[1].startswith("A: Designing a network,")
        and ",yes,3,1,1,33,10.0" in courses
    )
    assert "Luleå kommun,SE,1" in organisations


def test_programme_report_runs_a_constant_number_of_queries(data, app, client_for):
    browser = client_for(data.person("Karin", role="coordinator"))

    def build(n: int) -> int:
        for k in range(2):
            course = data.course(f"Course {n}-{k}")
            for i in range(n):
                person = data.person(
                    f"P{n}-{k}-{i}", f"Org {i % 5}", ["IT", "SE", "ES", "FI", "IT"][i % 5]
                )
                data.enrol(
                    person, course, data.ago(i + 1), completed_at=data.ago(i / 2) if i % 2 else None
                )
        data.commit()
        browser.get("/reports/programme")  # a warm worker: plugin switches cached
        with count_queries(app) as queries:
            assert browser.get("/reports/programme").status_code == 200
        return len(queries)

    assert build(2) == build(15)


def test_deleted_accounts_keep_no_organisation(programme):
    from nttlearn.models import User

    pim = db.session.execute(db.select(User).filter_by(name="Deleted user")).scalar_one()
    assert pim.organisation_id is None
