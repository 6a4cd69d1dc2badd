"""The survey activity: definitions in module.yaml, answering once, results, exports."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml

from nttlearn import db
from nttlearn.models import ActivityCompletion, EventRecord
from nttlearn.testing import count_queries
from nttlearn_evaluation.definitions import export_definition, import_definition, validate
from nttlearn_evaluation.models import Survey, SurveyAnswer, SurveyRespondent, SurveyResponse
from nttlearn_evaluation.surveys import submit_response, survey_for, survey_results

INLINE = {
    "anonymous": False,
    "questions": [
        {
            "id": "pace",
            "type": "likert",
            "text": {"en": "The pace suited me.", "it": "Il ritmo mi andava bene."},
        },
        {
            "id": "format",
            "type": "single",
            "text": "Which format do you prefer?",
            "options": ["online", "in person"],
        },
        {
            "id": "topics",
            "type": "multiple",
            "text": "Which topics?",
            "options": [
                {"id": "budget", "text": "Budget"},
                {"id": "partners", "text": {"en": "Partners", "sv": "Partner"}},
            ],
        },
        {"id": "else", "type": "text", "text": "Anything else?"},
    ],
}
END_OF_COURSE = {
    "relevance": "5",
    "clarity": "4",
    "methodology": "4",
    "peer_feedback": "",
    "intention": "yes",
}


@pytest.fixture
def survey_course(data):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network",
        modules=1,
        lessons=1,
        trainer=trainer,
        activities=[(0, "survey", False)],
    )
    activity = data.activity(course, "survey")
    data.commit()
    return {"course": course, "trainer": trainer, "activity": activity}


def _place(activity, definition):
    import_definition(activity, definition, Path("."))
    db.session.commit()
    return survey_for(activity)


def _learner(data, course, name="Learner", org=None, country=None):
    person = data.person(name, org, country)
    data.enrol(person, course, data.ago(1))
    data.commit()
    return person


# -- definitions --------------------------------------------------------------------------------
def test_templates_and_inline_questions_are_valid():
    assert (
        validate({"template": "end-of-course", "anonymous": True}, Path("."), "module.yaml") == []
    )
    assert validate({"template": "needs"}, Path("."), "module.yaml") == []
    assert validate(INLINE, Path("."), "module.yaml") == []


def test_problems_name_the_line_in_module_yaml(tmp_path):
    from nttlearn.content.yamlfile import load_yaml

    text = """activities:
  - id: s
    type: survey
    title: S
    questions:
      - id: pace
        type: scale
        text: Pace?
      - id: pick
        type: single
        text: Pick one
        options: [only]
      - id: pace
        type: text
        text: ""
"""
    entry = load_yaml(text)["activities"][0]
    definition = {k: v for k, v in entry.items() if k not in ("id", "type", "title")}
    problems = [str(p) for p in validate(definition, tmp_path, "modules/01/module.yaml")]

    assert (
        "modules/01/module.yaml:7: survey: question 1: 'type' must be one of likert, single, multiple, text"
        in problems
    )
    assert (
        "modules/01/module.yaml:12: survey: question 2: a single-choice question needs at least two 'options'"
        in problems
    )
    assert "modules/01/module.yaml:13: survey: duplicate question id 'pace'" in problems
    assert "modules/01/module.yaml:15: survey: question 3: 'text' is empty" in problems


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({}, "needs 'template' (end-of-course or needs) or 'questions'"),
        ({"template": "exit"}, "unknown template 'exit'"),
        (
            {"template": "needs", "questions": [{"id": "a", "type": "likert", "text": "A"}]},
            "the questions of template 'needs' may only be reworded",
        ),
        (
            {"questions": [{"id": "a", "type": "likert", "text": {"it": "A"}}]},
            "needs its English text ('en')",
        ),
        (
            {"questions": [{"id": "a", "type": "likert", "text": {"en": "A", "de": "A"}}]},
            "unknown language 'de'",
        ),
        ({"template": "needs", "anonymous": "yes"}, "'anonymous' must be true or false"),
        ({"template": "needs", "colour": "red"}, "unknown key 'colour'"),
        (
            {"questions": [{"id": "a", "type": "likert", "text": "A", "options": ["x", "y"]}]},
            "a likert question takes no 'options'",
        ),
    ],
)
def test_wrong_definitions_are_refused(definition, message):
    problems = validate(definition, Path("."), "module.yaml")

    assert any(message in p.message for p in problems), problems


def test_import_then_export_gives_the_definition_back(survey_course, tmp_path):
    survey = _place(survey_course["activity"], INLINE)
    exported = export_definition(survey_course["activity"], tmp_path)

    assert survey.anonymous is False and survey.template == ""
    assert exported["anonymous"] is False
    assert [q["id"] for q in exported["questions"]] == ["pace", "format", "topics", "else"]
    assert exported["questions"][1]["options"] == [
        {"id": "online", "text": "online"},
        {"id": "in person", "text": "in person"},
    ]
    assert validate(yaml.safe_load(yaml.safe_dump(exported)), tmp_path, "module.yaml") == []


def test_a_template_survey_exports_as_its_template(survey_course, tmp_path):
    _place(survey_course["activity"], {"template": "needs", "anonymous": True})

    assert export_definition(survey_course["activity"], tmp_path) == {
        "template": "needs",
        "anonymous": True,
    }


def test_an_anonymous_survey_cannot_become_named_once_answered(survey_course, data):
    survey = _place(survey_course["activity"], {"template": "end-of-course", "anonymous": True})
    learner = _learner(data, survey_course["course"])
    submit_response(survey, survey_course["activity"], learner.id, END_OF_COURSE)
    db.session.commit()

    with pytest.raises(ValueError, match="cannot become named"):
        import_definition(
            survey_course["activity"], {"template": "end-of-course", "anonymous": False}, Path(".")
        )


def test_a_named_survey_made_anonymous_forgets_who_answered(survey_course, data):
    survey = _place(survey_course["activity"], {"template": "end-of-course", "anonymous": False})
    learner = _learner(data, survey_course["course"])
    submit_response(survey, survey_course["activity"], learner.id, END_OF_COURSE)
    db.session.commit()

    _place(survey_course["activity"], {"template": "end-of-course", "anonymous": True})

    response = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert response.user_id is None and response.submitted_at is None


def test_a_survey_placed_without_a_definition_is_the_end_of_course_questionnaire(
    survey_course, data, client_for
):
    learner = _learner(data, survey_course["course"])
    page = (
        client_for(learner)
        .get(f"/evaluation/surveys/{survey_course['activity'].id}")
        .get_data(as_text=True)
    )

    assert "The course is relevant to my work as a municipal official." in page
    assert "Do you intend to submit a network proposal with partners from other countries?" in page
    assert "This survey is anonymous" in page


# -- answering ----------------------------------------------------------------------------------
def test_answering_completes_the_activity_once(survey_course, data, client_for):
    learner = _learner(data, survey_course["course"])
    browser = client_for(learner)
    url = f"/evaluation/surveys/{survey_course['activity'].id}"

    first = browser.post(url, data=END_OF_COURSE)
    second = browser.post(
        url, data={**END_OF_COURSE, "relevance": "1"}
    )  # double click, back button

    assert first.status_code == second.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 1
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(SurveyAnswer)
            .where(SurveyAnswer.question == "relevance")
        )
        == 1
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(ActivityCompletion)) == 1
    completed = (
        db.session.execute(db.select(EventRecord).filter_by(name="activity.completed"))
        .scalars()
        .all()
    )
    assert len(completed) == 1 and completed[0].data["type"] == "survey"
    assert "You have answered this survey. Thank you!" in browser.get(url).get_data(as_text=True)


def test_two_concurrent_submissions_store_one_answer(survey_course, data, app):
    """Two requests of the same learner at once (two tabs, two servers): one answer is stored."""
    survey = _place(survey_course["activity"], {"template": "end-of-course", "anonymous": True})
    learner = _learner(data, survey_course["course"])
    survey_id, activity_id, user_id = survey.id, survey_course["activity"].id, learner.id
    db.session.remove()
    results, barrier = [], threading.Barrier(2)

    def submit():
        from nttlearn.models import Activity

        with app.app_context():
            activity = db.session.get(Activity, activity_id)
            own = db.session.get(Survey, survey_id)
            barrier.wait()
            try:
                results.append(submit_response(own, activity, user_id, END_OF_COURSE))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
                db.session.rollback()
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyRespondent)) == 1
    assert sorted(results, key=str) == [
        False,
        True,
    ]  # one stored it, the other was told it had answered


def test_required_questions_must_be_answered(survey_course, data, client_for):
    learner = _learner(data, survey_course["course"])
    response = client_for(learner).post(
        f"/evaluation/surveys/{survey_course['activity'].id}", data={"relevance": "5"}
    )

    assert response.status_code == 400
    assert "Please answer this question." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 0


def test_an_option_that_is_not_offered_is_refused(survey_course, data, client_for):
    learner = _learner(data, survey_course["course"])
    response = client_for(learner).post(
        f"/evaluation/surveys/{survey_course['activity'].id}",
        data={**END_OF_COURSE, "relevance": "9"},
    )

    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 0


def test_a_learner_sees_their_answers_to_a_named_survey_in_their_language(
    survey_course, data, client_for, compiled_translations
):
    _place(survey_course["activity"], INLINE)
    learner = _learner(data, survey_course["course"])
    learner.locale = "it"
    db.session.commit()
    browser = client_for(learner)
    url = f"/evaluation/surveys/{survey_course['activity'].id}"

    browser.post(
        url,
        data={"pace": "4", "format": "online", "topics": ["budget", "partners"], "else": "Grazie"},
    )
    page = browser.get(url).get_data(as_text=True)

    assert "Il ritmo mi andava bene." in page
    assert "Budget; Partners" in page and "Grazie" in page
    assert "i formatori vedranno il suo nome" in page


def test_a_trainer_previews_the_questions_and_cannot_answer(survey_course, client_for):
    browser = client_for(survey_course["trainer"])
    url = f"/evaluation/surveys/{survey_course['activity'].id}"

    page = browser.get(url).get_data(as_text=True)
    browser.post(url, data=END_OF_COURSE)

    assert "See the results" in page and "Send my answers" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 0


# -- results ------------------------------------------------------------------------------------
def _answer_all(survey, activity, learners, answers):
    for learner, values in zip(learners, answers, strict=True):
        assert submit_response(survey, activity, learner.id, values)
    db.session.commit()


def test_results_give_distribution_mean_and_comments_per_question(survey_course, data):
    survey = _place(survey_course["activity"], INLINE)
    learners = [_learner(data, survey_course["course"], f"L{i}") for i in range(4)]
    _answer_all(
        survey,
        survey_course["activity"],
        learners,
        [
            {"pace": "5", "format": "online", "topics": ["budget"], "else": "More examples"},
            {"pace": "4", "format": "online", "topics": ["budget", "partners"], "else": ""},
            {"pace": "4", "format": "in person", "topics": ["partners"], "else": "Shorter videos"},
            {"pace": "1", "format": "online", "topics": ["budget"]},
        ],
    )

    results = {q.question.key: q for q in survey_results(survey).questions}

    assert results["pace"].answered == 4 and results["pace"].mean == 3.5
    assert results["pace"].counts == {"1": 1, "4": 2, "5": 1} and results["pace"].percent("4") == 50
    assert results["format"].counts == {"online": 3, "in person": 1}
    assert results["topics"].answered == 4 and results["topics"].counts == {
        "budget": 3,
        "partners": 2,
    }
    assert results["topics"].percent("budget") == 75
    assert [c.text for c in results["else"].comments] == ["More examples", "Shorter videos"]
    assert [c.author for c in results["else"].comments] == ["L0", "L2"]  # a named survey


def test_results_page_and_csv_show_the_same_numbers(survey_course, data, client_for):
    survey = _place(survey_course["activity"], INLINE)
    learners = [_learner(data, survey_course["course"], f"L{i}") for i in range(3)]
    _answer_all(
        survey,
        survey_course["activity"],
        learners,
        [
            {"pace": "5", "format": "online", "topics": ["budget"], "else": "=1+1"},
            {"pace": "3", "format": "online", "topics": ["partners"]},
            {"pace": "4", "format": "in person", "topics": ["budget"]},
        ],
    )
    course, activity = survey_course["course"], survey_course["activity"]
    browser = client_for(survey_course["trainer"])

    page = browser.get(f"/reports/courses/{course.id}/surveys/{activity.id}").get_data(as_text=True)
    results_csv = browser.get(
        f"/reports/courses/{course.id}/surveys/{activity.id}/results.csv"
    ).data.decode("utf-8-sig")
    comments_csv = browser.get(
        f"/reports/courses/{course.id}/surveys/{activity.id}/comments.csv"
    ).data.decode("utf-8-sig")

    assert "mean 4.00 on a scale of 1 to 5" in page and "3 answers" in page
    assert "pace,The pace suited me.,likert,3,4.0,5,Strongly agree,1,33\r\n" in results_csv
    assert "format,Which format do you prefer?,single,3,,online,online,2,67\r\n" in results_csv
    assert comments_csv.splitlines()[0] == "question,question_text,name,comment"
    assert "else,Anything else?,L0,'=1+1" in comments_csv
    assert "style=" not in page


def test_survey_results_run_a_constant_number_of_queries(survey_course, data, app):
    survey = _place(survey_course["activity"], INLINE)

    def answers(n: int) -> int:
        learners = [_learner(data, survey_course["course"], f"L{n}-{i}") for i in range(n)]
        _answer_all(
            survey,
            survey_course["activity"],
            learners,
            [
                {"pace": "4", "format": "online", "topics": ["budget"], "else": f"c{i}"}
                for i in range(n)
            ],
        )
        with count_queries(app) as queries:
            survey_results(survey)
        return len(queries)

    assert answers(2) == answers(20)
