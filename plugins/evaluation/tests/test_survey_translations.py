"""Survey questions in every language: package maps, the stored translations and their outdated
state, each respondent's language, answers pooled across languages, the browser editor, the
course's translation coverage, and the migration that keeps translations apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from nttlearn import db
from nttlearn.content.coverage import count_course
from nttlearn.testing import login
from nttlearn_evaluation.definitions import export_definition, import_definition, validate
from nttlearn_evaluation.models import Survey
from nttlearn_evaluation.surveys import survey_for, survey_results, translation_states

QUESTIONS = {
    "anonymous": True,
    "questions": [
        {
            "id": "useful",
            "type": "likert",
            "text": {
                "en": "The course is useful for my municipality.",
                "it": "Il corso è utile per il mio comune.",
                "sv": "Kursen är användbar för min kommun.",
            },
        },
        {
            "id": "format",
            "type": "single",
            "text": {"en": "Which format do you prefer?", "it": "Quale formato preferisce?"},
            "options": [
                {"id": "online", "text": {"en": "Online", "it": "Online"}},
                {
                    "id": "seminar",
                    "text": {"en": "A seminar in person", "it": "Un seminario in presenza"},
                },
            ],
        },
    ],
}


@pytest.fixture
def placed(data):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    activity = data.activity(course, "survey")
    import_definition(activity, QUESTIONS, Path("."))
    db.session.commit()
    return {"course": course, "trainer": trainer, "activity": activity}


def _learner(data, course, name: str, locale: str):
    person = data.make_user(name=name, locale=locale)
    data.enrol(person, course, data.ago(1))
    data.commit()
    return person


def _browser(app, user):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def test_the_package_s_maps_are_kept_as_english_and_translations(placed):
    survey = survey_for(placed["activity"])

    assert survey.questions[0]["text"] == "The course is useful for my municipality."
    assert survey.questions[1]["options"][1] == {"id": "seminar", "text": "A seminar in person"}
    assert survey.translations["it"]["useful"] == "Il corso è utile per il mio comune."
    assert survey.translations["it"]["format/seminar"] == "Un seminario in presenza"
    assert (
        "format" not in survey.translations["sv"]
    )  # not translated: Swedish readers see the English


def test_each_respondent_reads_their_language_and_the_answers_are_counted_together(
    placed, data, app
):
    italian = _learner(data, placed["course"], "Giulia", "it")
    english = _learner(data, placed["course"], "Emma", "en")
    swede = _learner(data, placed["course"], "Sven", "sv")
    url = f"/evaluation/surveys/{placed['activity'].id}"

    italian_page = _browser(app, italian).get(url).get_data(as_text=True)
    swedish_page = _browser(app, swede).get(url).get_data(as_text=True)
    for person, answer in ((italian, "seminar"), (english, "seminar"), (swede, "online")):
        assert (
            _browser(app, person).post(url, data={"useful": "4", "format": answer}).status_code
            == 302
        )

    assert (
        "Il corso è utile per il mio comune." in italian_page
        and "Un seminario in presenza" in italian_page
    )
    assert "The course is useful for my municipality." not in italian_page
    assert "Kursen är användbar för min kommun." in swedish_page
    assert "Which format do you prefer?" in swedish_page  # no Swedish text: the English one
    results = {q.question.key: q for q in survey_results(survey_for(placed["activity"])).questions}
    assert results["format"].counts == {"seminar": 2, "online": 1}
    assert results["useful"].answered == 3 and results["useful"].mean == 4.0


def test_changing_the_english_in_the_package_makes_its_translations_outdated(placed):
    changed = json.loads(json.dumps(QUESTIONS))
    changed["questions"][0]["text"]["en"] = "The course is useful for my town."

    import_definition(placed["activity"], changed, Path("."))
    db.session.commit()

    states = translation_states([placed["activity"]])[placed["activity"].id]
    assert sorted(states["it"]) == ["outdated", "present", "present", "present"]
    assert sorted(states["sv"]) == ["missing", "missing", "missing", "outdated"]
    assert sorted(states["fi"]) == ["missing"] * 4
    coverage = count_course(placed["course"])["it"]
    assert coverage.outdated == 1 and not coverage.complete


def test_export_writes_the_maps_back(placed, tmp_path):
    exported = export_definition(placed["activity"], tmp_path)

    assert exported["questions"][0]["text"] == QUESTIONS["questions"][0]["text"]
    assert exported["questions"][1]["options"][1]["text"] == {
        "en": "A seminar in person",
        "it": "Un seminario in presenza",
    }
    assert validate(yaml.safe_load(yaml.safe_dump(exported)), tmp_path, "module.yaml") == []


def test_the_needs_questionnaire_arrives_translated_and_can_be_reworded(
    data, compiled_translations, tmp_path
):
    course = data.course("Network", modules=1, lessons=1, activities=[(0, "survey", False)])
    activity = data.activity(course, "survey")
    import_definition(activity, {"template": "needs"}, Path("."))
    db.session.commit()
    survey = survey_for(activity)

    assert survey.template == "needs"
    assert (
        survey.questions[0]["text"]
        == "Which policy areas would you like your town's network to work on?"
    )
    assert all(
        set(states) == {"present"}
        for states in translation_states([activity])[activity.id].values()
    )
    assert survey.translations["fi"]["policy_areas"] != survey.questions[0]["text"]
    assert export_definition(activity, tmp_path) == {"template": "needs", "anonymous": True}

    reworded = {"template": "needs", "questions": export_definition_with_wording(survey)}
    reworded["questions"][2]["text"]["en"] = (
        "What would you like to be able to do after the course?"
    )
    assert validate(reworded, tmp_path, "module.yaml") == []
    import_definition(activity, reworded, Path("."))
    db.session.commit()
    exported = export_definition(activity, tmp_path)
    assert exported["template"] == "needs"
    assert (
        exported["questions"][2]["text"]["en"]
        == "What would you like to be able to do after the course?"
    )
    assert "outdated" in translation_states([activity])[activity.id]["fi"]


def test_a_translation_spelt_as_in_english_counts_as_translated(data, compiled_translations):
    course = data.course("Network", modules=1, lessons=1, activities=[(0, "survey", False)])
    activity = data.activity(course, "survey")
    import_definition(activity, {"template": "end-of-course"}, Path("."))
    db.session.commit()

    survey = survey_for(activity)

    assert survey.translations["it"]["intention/no"] == "No"
    assert survey.translations["sv"]["intention/no"] == "Nej"
    assert set(translation_states([activity])[activity.id]["it"]) == {"present"}


def export_definition_with_wording(survey: Survey) -> list:
    from nttlearn_evaluation.languages import package_texts

    return json.loads(json.dumps(package_texts(survey.questions, survey.translations)))


def _tokens(page: str) -> dict[str, str]:
    return {
        name: value.replace("&#34;", '"').replace("&quot;", '"')
        for name, value in re.findall(
            r'name="(opened|source|csrf_token)"[^>]*value="([^"]*)"', page
        )
    }


def test_a_trainer_translates_the_questions_beside_the_english(placed, app, data):
    browser = _browser(app, placed["trainer"])
    url = (
        f"/evaluation/surveys/courses/{placed['course'].id}/{placed['activity'].id}/translations/fi"
    )
    page = browser.get(url).get_data(as_text=True)
    form = {
        **_tokens(page),
        "text-0": "Kurssi on hyödyllinen kunnalleni.",
        "text-1": "Mikä muoto sopii teille parhaiten?",
        "text-2": "Verkossa",
        "text-3": "Lähiseminaari",
    }

    saved = browser.post(url, data=form)
    again = browser.post(url, data={**form, "text-0": "Toinen teksti"})  # the editor's old tokens

    assert "The course is useful for my municipality." in page and "Not translated" in page
    preview = browser.get(f"/evaluation/surveys/{placed['activity'].id}").get_data(as_text=True)
    assert "Translate the questions:" in preview and url in preview
    assert saved.status_code == 302
    assert again.status_code == 409
    survey = db.session.execute(db.select(Survey)).scalar_one()
    db.session.refresh(survey)
    assert (
        survey.translations["fi"]["useful"] == "Kurssi on hyödyllinen kunnalleni."
    )  # not overwritten
    assert set(translation_states([placed["activity"]])[placed["activity"].id]["fi"]) == {"present"}
    finn = _learner(data, placed["course"], "Aino", "fi")
    answer_page = (
        _browser(app, finn)
        .get(f"/evaluation/surveys/{placed['activity'].id}")
        .get_data(as_text=True)
    )
    assert "Kurssi on hyödyllinen kunnalleni." in answer_page and "Lähiseminaari" in answer_page


def test_a_learner_may_not_open_the_editor(placed, app, data):
    learner = _learner(data, placed["course"], "Luca", "it")
    url = (
        f"/evaluation/surveys/courses/{placed['course'].id}/{placed['activity'].id}/translations/it"
    )

    assert _browser(app, learner).get(url).status_code == 403
    assert _browser(app, learner).post(url, data={"text-0": "x"}).status_code == 403


def test_the_migration_moves_translations_out_of_the_questions(app_factory, tmp_path):
    import flask_migrate

    from nttlearn.cli import main

    url = f"sqlite:///{tmp_path / 'scratch.sqlite'}"
    scratch = app_factory(config={"SQLALCHEMY_DATABASE_URI": url}, plugins=["evaluation"])
    with scratch.app_context():
        assert scratch.test_cli_runner().invoke(main, ["db", "upgrade"]).exit_code == 0
        flask_migrate.downgrade(revision="evaluation_0002")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO courses (id, slug, title, summary, translations, policy_area, languages, hours, outcomes,"
                    " completion_rule, self_enrolment, certificate, published, archived, version, content_version,"
                    " created_at, updated_at) VALUES (1, 'c', 'C', '', '{}', 'youth', '[\"en\"]', 1, '[]', 'all',"
                    " 1, 1, 1, 0, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO modules (id, course_id, key, position, title, summary, translations, outcomes, archived,"
                    " version) VALUES (1, 1, 'm', 1, 'Module', '', '{}', '[]', 0, 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO activities (id, module_id, key, position, type_key, title, translations, required, spec,"
                    " archived) VALUES (1, 1, 's', 1, 'survey', 'Survey', '{}', 0, '{}', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO evaluation_surveys (id, activity_id, template, anonymous, questions)"
                    " VALUES (1, 1, '', 1, :questions)"
                ),
                {
                    "questions": json.dumps(
                        [
                            {
                                "id": "q",
                                "type": "single",
                                "text": {"en": "Q?", "it": "D?"},
                                "options": [{"id": "a", "text": {"en": "A", "sv": "S"}}],
                            }
                        ]
                    )
                },
            )
        flask_migrate.upgrade(revision="heads")
        db.engine.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            questions, translations = connection.execute(
                text("SELECT questions, translations FROM evaluation_surveys")
            ).one()
    finally:
        engine.dispose()

    assert json.loads(questions) == [
        {"id": "q", "type": "single", "text": "Q?", "options": [{"id": "a", "text": "A"}]}
    ]
    assert json.loads(translations) == {"it": {"q": "D?"}, "sv": {"q/a": "S"}}
