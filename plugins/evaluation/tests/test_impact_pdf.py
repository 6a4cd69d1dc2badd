"""The printable impact report: a PDF in the reader's language, with every name as written where
DejaVu is installed, and transliterated with the core Helvetica font where it is not."""

from __future__ import annotations

import io

import pytest
from evaluation_testdata import day
from pypdf import PdfReader

from nttlearn_evaluation.filters import Period
from nttlearn_evaluation.impact import impact_report
from nttlearn_evaluation.pdf import DEJAVU, impact_pdf, to_latin1, unicode_font_files
from nttlearn_evaluation.questionnaires import policy_area_labels


@pytest.fixture
def report(data):
    course = data.course("Łódź – Jyväskylä network")
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
    return impact_report(Period(day("2010-03-01").date(), day("2010-03-31").date()))


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.skipif(
    unicode_font_files() is None, reason=f"fonts-dejavu is not installed ({DEJAVU})"
)
def test_pdf_prints_names_as_written_with_dejavu(report, in_request):
    text = _text(impact_pdf(report, policy_area_labels()))

    assert "2 participants representing 2 organisations from 2 countries." in text
    assert "1 proposal submitted." in text
    assert "Łódź – Jyväskylä network" in text
    assert "Youth and development" in text
    assert "From March 1, 2010 to March 31, 2010 (both days included)" in text


def test_pdf_falls_back_to_helvetica_and_transliterates(report, in_request, tmp_path):
    pdf = impact_pdf(report, policy_area_labels(), fonts_folder=tmp_path)
    text = _text(pdf)

    assert b"/Helvetica" in pdf and b"DejaVu" not in pdf
    assert "Lódz - Jyväskylä network" in text
    assert "2 participants representing 2 organisations from 2 countries." in text


def test_transliteration_keeps_latin1_and_maps_the_rest():
    assert to_latin1("Åsa, Xoán, Jyväskylä") == "Åsa, Xoán, Jyväskylä"
    assert to_latin1("Łódź – “Kraków” … €") == 'Lódz - "Kraków" ... EUR'
    assert to_latin1("日本") == "??"


def test_pdf_download_is_a_pdf(report, data, client_for):
    response = client_for(data.person("Karin", role="coordinator")).get(
        "/reports/impact.pdf?from=2010-03-01&to=2010-03-31"
    )

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "2 participants representing" in _text(response.data)
