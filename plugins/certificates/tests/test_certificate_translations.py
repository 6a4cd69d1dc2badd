"""Learners and employers read the certificate pages and the mail in their language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nttlearn_certificates
from nttlearn.mail import outbox
from nttlearn_certificates import services

TRANSLATIONS = Path(nttlearn_certificates.__file__).parent / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The catalogues compiled to ``.mo``, as ``python -m nttlearn.i18n compile`` (make install) does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/certificates.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


@pytest.mark.parametrize(
    "locale, heading",
    [
        ("sv", "Mina intyg"),
        ("it", "I miei attestati"),
        ("es", "Mis certificados"),
        ("fi", "Todistukseni"),
    ],
)
def test_my_certificates_is_in_the_learners_language(make_user, client_for, locale, heading):
    page = client_for(make_user(locale=locale)).get("/certificates/").get_data(as_text=True)

    assert f"<h1>{heading}</h1>" in page


def test_the_verification_page_follows_the_visitors_browser(
    make_user, quiz_course, complete, client
):
    learner = make_user()
    course = quiz_course()
    complete(learner, course)
    code = services.live_certificate(learner.id, course.id).code

    page = client.get(f"/verify/{code}", headers={"Accept-Language": "fi"}).get_data(as_text=True)

    assert "Todistus on aito ja voimassa." in page


def test_the_mail_is_written_in_the_learners_language(make_user, quiz_course, complete):
    complete(make_user(name="Åsa Lindqvist", locale="sv"), quiz_course())

    [mail] = [m for m in outbox() if "intyg" in m["Subject"]]  # beside the welcome to the course

    assert mail["Subject"].startswith("Ditt intyg för")
    assert "Grattis: du har fått ett intyg" in mail.get_content()


def test_a_swedish_learners_certificate_carries_the_course_and_its_outcomes_in_swedish(
    make_user, quiz_course, complete
):
    course = quiz_course(
        translations={
            "sv": {
                "title": "Att utforma ett nätverk av vänorter",
                "outcome.0": "Analysera lokala behov med partner i Luleå",
            }
        }
    )
    swede, italian = make_user(locale="sv"), make_user(locale="it")
    complete(swede, course)
    complete(italian, course)

    swedish = services.live_certificate(swede.id, course.id)
    other = services.live_certificate(italian.id, course.id)

    assert swedish.course_title == "Att utforma ett nätverk av vänorter"
    assert swedish.outcomes == [
        "Analysera lokala behov med partner i Luleå",
        "Draft a network proposal with the Città di Bologna",
    ]  # not translated: English
    assert "Analysera lokala behov med partner i Luleå" in json.dumps(
        swedish.credential, ensure_ascii=False
    )
    assert other.outcomes == [
        "Analyse local needs with partners in Luleå",
        "Draft a network proposal with the Città di Bologna",
    ]


def test_a_finnish_learner_gets_a_finnish_subject_with_the_finnish_course_name(
    make_user, quiz_course, complete
):
    course = quiz_course(translations={"fi": {"title": "Ystävyyskaupunkien verkoston suunnittelu"}})
    complete(make_user(name="Aino Virtanen", locale="fi"), course)

    [mail] = [m for m in outbox() if "Todistuksesi" in m["Subject"]]

    assert mail["Subject"] == "Todistuksesi kurssista Ystävyyskaupunkien verkoston suunnittelu"
    assert "Designing a network of twinned towns" not in mail.get_content()
