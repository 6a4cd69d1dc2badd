"""Every page, questionnaire and the impact sentence in the NTT+ partners' languages."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from nttlearn_evaluation.impact import summary_sentence
from nttlearn_evaluation.plugin import HERE

LOCALES = ("it", "sv", "es", "fi")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    with (HERE / "translations" / "evaluation.pot").open("rb") as fh:
        template = {
            (m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in read_po(fh) if m.id
        }
    with (HERE / "translations" / locale / "LC_MESSAGES" / "evaluation.po").open("rb") as fh:
        catalog = read_po(fh)

    translated = {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id))
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
    }
    assert template - translated == set()
    assert [(m.id, errors) for m, errors in catalog.check()] == []


@pytest.mark.parametrize(
    ("locale", "many", "one"),
    [
        (
            "en",
            "69 participants representing 56 organisations from 4 countries",
            "1 participant representing 1 organisation from 1 country",
        ),
        (
            "it",
            "69 partecipanti in rappresentanza di 56 organizzazioni di 4 paesi",
            "1 partecipante in rappresentanza di 1 organizzazione di 1 paese",
        ),
        (
            "sv",
            "69 deltagare som representerar 56 organisationer från 4 länder",
            "1 deltagare som representerar 1 organisation från 1 land",
        ),
        (
            "es",
            "69 participantes en representación de 56 organizaciones de 4 países",
            "1 participante en representación de 1 organización de 1 país",
        ),
        (
            "fi",
            "69 osallistujaa, jotka edustavat 56 organisaatiota 4 maasta",
            "1 osallistuja, joka edustaa 1 organisaatiota 1 maasta",
        ),
    ],
)
def test_the_impact_sentence_speaks_each_language_with_its_plurals(
    compiled_translations, in_request, locale, many, one
):
    with force_locale(locale):
        assert summary_sentence(69, 56, 4) == many
        assert summary_sentence(1, 1, 1) == one


def test_a_swedish_coordinator_reads_the_impact_report_in_swedish(
    compiled_translations, data, client_for
):
    course = data.course("Kurs")
    data.enrol(data.person("Åsa", "Luleå kommun", "SE"), course, data.ago(1))
    coordinator = data.person("Karin", role="coordinator")
    coordinator.locale = "sv"
    data.commit()

    page = client_for(coordinator).get("/reports/impact").get_data(as_text=True)

    assert "Effektrapport" in page
    assert "1 deltagare som representerar 1 organisation från 1 land." in page


def test_a_finnish_learner_answers_the_questionnaire_in_finnish(
    compiled_translations, data, client_for
):
    course = data.course("Kurssi", modules=1, lessons=1, activities=[(0, "survey", False)])
    learner = data.person("Aino", "Helsingin kaupunki", "FI")
    learner.locale = "fi"
    data.enrol(learner, course, data.ago(1))
    data.commit()

    page = (
        client_for(learner)
        .get(f"/evaluation/surveys/{data.activity(course, 'survey').id}")
        .get_data(as_text=True)
    )

    assert "Kurssi on merkityksellinen työssäni kunnan viranhaltijana." in page
    assert "Täysin samaa mieltä" in page and "Kysely on nimetön" in page
