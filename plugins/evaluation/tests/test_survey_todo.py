"""Surveys not yet answered on the learner's to-do list, in one query."""

from __future__ import annotations

from pathlib import Path

from nttlearn import db
from nttlearn.testing import count_queries
from nttlearn_evaluation.definitions import import_definition
from nttlearn_evaluation.surveys import submit_response, survey_for
from nttlearn_evaluation.todo import todo_items

END_OF_COURSE = {
    "relevance": "5",
    "clarity": "4",
    "methodology": "4",
    "peer_feedback": "",
    "intention": "yes",
}


def items_of(app, user):
    with app.test_request_context():
        return todo_items(user)


def test_a_survey_is_on_the_list_until_the_learner_answers_it(app, data):
    course = data.course(
        "Designing a network", modules=1, lessons=1, activities=[(0, "survey", False)]
    )
    activity = data.activity(course, "survey")
    import_definition(activity, {"template": "end-of-course"}, Path("."))
    learner, stranger = data.person("Learner"), data.person("Stranger")
    data.enrol(learner, course, data.ago(1))
    data.commit()

    (item,) = items_of(app, learner)
    assert (item.key, item.kind, item.state, item.due_at) == (
        f"evaluation:survey:{activity.id}",
        "survey",
        "todo",
        None,
    )
    assert item.url == f"/evaluation/surveys/{activity.id}" and "Answer the survey" in item.title
    assert items_of(app, stranger) == []

    with count_queries(app) as statements:
        items_of(app, learner)
    assert len(statements) == 1

    submit_response(survey_for(activity), activity, learner.id, END_OF_COURSE)
    db.session.commit()
    assert items_of(app, learner) == []
