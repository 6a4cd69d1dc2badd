"""The evaluation reports name countries and write percentages in the reader's language (the
core's format filters); their CSV files keep the codes."""

from __future__ import annotations

from evaluation_testdata import day

from nttlearn.extensions import db


def test_the_impact_and_programme_pages_name_countries_and_write_percentages_in_swedish(
    data, client_for
):
    course = data.course("Designing a network")
    anna = data.person("Anna", "Comune di Bologna", "IT")
    carl = data.person("Carl", "Luleå kommun", "SE")
    data.enrol(anna, course, day("2010-03-01 10:00:00"), completed_at=day("2010-03-20 10:00:00"))
    data.enrol(carl, course, day("2010-03-02 10:00:00"))
    coordinator = data.person("Karin", role="coordinator")
    coordinator.locale = "sv"
    db.session.commit()
    browser = client_for(coordinator)

    impact = browser.get("/reports/impact?from=2010-03-01&to=2010-03-31").get_data(as_text=True)
    programme = browser.get("/reports/programme?from=2010-03-01&to=2010-03-31").get_data(
        as_text=True
    )
    countries_csv = browser.get("/reports/impact/countries.csv?from=2010-03-01&to=2010-03-31")

    assert '<th scope="row">Italien</th>' in impact and '<th scope="row">Sverige</th>' in impact
    assert "50\u00a0%" in programme  # one of the two completed
    assert "IT" in countries_csv.get_data(as_text=True) and "Italien" not in countries_csv.get_data(
        as_text=True
    )


def test_the_impact_period_is_written_with_the_reader_s_dates_in_italian_and_swedish(
    data, client_for
):
    coordinator = data.person("Karin", role="coordinator")
    pages = {}
    for locale in ("it", "sv"):
        coordinator.locale = locale
        db.session.commit()
        page = (
            client_for(coordinator)
            .get("/reports/impact?from=2010-03-01&to=2010-03-31")
            .get_data(as_text=True)
        )
        pages[locale] = page[page.index('<p class="period">') :].split("</p>", 1)[0]

    assert "1 marzo 2010" in pages["it"] and "31 marzo 2010" in pages["it"]
    assert "1 mars 2010" in pages["sv"] and "31 mars 2010" in pages["sv"]
    assert "2010-03" not in pages["it"] + pages["sv"]
