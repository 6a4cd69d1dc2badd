"""Short words that mean something else in another catalogue keep the evaluation plugin's meaning.

Flask-Babel merges the core's and every plugin's catalogue into one, so a bare ``"Enrolled"``
translated by the core (the badge "you are enrolled") and by this plugin (how many learners are
enrolled) shows one catalogue's word on both pages. The plugin's ambiguous words carry a message
context; these tests load the plugins whose catalogues clash with this one (peer review has "From"
and "To" for comparing versions, certificates has "Share" as in "share your certificate") and read
the pages in Italian.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from nttlearn import db
from nttlearn.i18n import catalogues
from nttlearn_evaluation.definitions import import_definition
from nttlearn_evaluation.surveys import submit_response, survey_for

NAMED_SURVEY = {
    "anonymous": False,
    "questions": [
        {
            "id": "format",
            "type": "single",
            "text": "Which format do you prefer?",
            "options": ["online", "in person"],
        }
    ],
}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """Every catalogue compiled to ``.mo`` where it is missing or older than its ``.po``, as
    ``make install`` does: the pages below read the core's and three plugins' catalogues."""
    for domain, _source, folder in catalogues():
        for po in folder.glob(f"*/LC_MESSAGES/{domain}.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                with po.open("rb") as source, mo.open("wb") as target:
                    write_mo(target, read_po(source))


@pytest.fixture
def app_plugins():
    return ["certificates", "evaluation", "peer_review"]


@pytest.fixture
def italian_course(data):
    """A course taught by an Italian trainer, with a named survey answered by one learner."""
    trainer = data.person("Tina", role="trainer")
    trainer.locale = "it"
    course = data.course(
        "Progettare una rete",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    learner = data.person("Lia", "Comune di Bologna", "IT")
    learner.locale = "it"
    data.enrol(learner, course, data.ago(3))
    data.commit()
    activity = data.activity(course, "survey")
    import_definition(activity, NAMED_SURVEY, Path("."))
    db.session.commit()
    submit_response(survey_for(activity), activity, learner.id, {"format": "online"})
    db.session.commit()
    return {"course": course, "trainer": trainer, "learner": learner, "activity": activity}


def test_the_programme_report_counts_the_enrolled_learners_in_italian(
    italian_course, data, client_for
):
    coordinator = data.person("Carla", role="coordinator")
    coordinator.locale = "it"
    data.commit()

    page = client_for(coordinator).get("/reports/programme").get_data(as_text=True)

    assert '<th scope="col" class="num">Iscritti</th>' in page
    assert '<th scope="col" class="num">Completati</th>' in page
    assert '<label for="from">Dal</label>' in page and '<label for="to">Al</label>' in page


def test_the_course_report_counts_enrolments_and_dates_them_in_italian(italian_course, client_for):
    course = italian_course["course"]

    page = (
        client_for(italian_course["trainer"])
        .get(f"/reports/courses/{course.id}")
        .get_data(as_text=True)
    )

    assert "<dt>Iscritti</dt>" in page
    assert '<th scope="col">Iscrizione</th>' in page
    assert '<th scope="col" class="num">Completati</th>' in page


def test_the_survey_results_give_each_answers_share_in_italian(italian_course, client_for):
    course, activity = italian_course["course"], italian_course["activity"]

    page = client_for(italian_course["trainer"]).get(
        f"/reports/courses/{course.id}/surveys/{activity.id}"
    )

    assert '<th scope="col" class="num">Quota</th>' in page.get_data(as_text=True)


def test_the_core_badge_still_says_the_learner_is_enrolled(italian_course, client_for):
    page = client_for(italian_course["learner"]).get("/").get_data(as_text=True)

    assert '<p class="badge">Iscritto</p>' in page
    assert "Iscritti" not in page
