"""``nttlearn evaluation demo`` fills the demo's surveys; the migration matches the models."""

from __future__ import annotations

from nttlearn import db
from nttlearn.cli import main
from nttlearn.testing import migration_branch_problems
from nttlearn_evaluation.models import SurveyRespondent, SurveyResponse


def test_demo_answers_the_surveys_of_demo_learners_once(data, app):
    course = data.course(
        "Designing a network", modules=1, lessons=1, activities=[(0, "survey", False)]
    )
    learners = [
        data.make_user(email=f"official{i}@example.org", name=f"Official {i}") for i in range(4)
    ]
    stranger = data.make_user(email="someone@municipality.example", name="Real person")
    for person in [*learners, stranger]:
        data.enrol(person, course, data.ago(2))
    data.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(main, ["evaluation", "demo"])
    second = runner.invoke(main, ["evaluation", "demo"])

    assert first.exit_code == 0, first.output
    assert "3 survey answers added in 1 surveys" in first.output  # three of the four demo officials
    assert (
        "0 survey answers added" in second.output
        and "3 learners had already answered" in second.output
    )
    answered = set(db.session.execute(db.select(SurveyRespondent.user_id)).scalars())
    assert stranger.id not in answered and len(answered) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 3


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app_factory):
    every_plugin = app_factory()  # the database holds every installed plugin's revisions
    with every_plugin.app_context():
        assert migration_branch_problems("evaluation") == []
        db.session.remove()


def test_a_survey_someone_answered_holds_learner_work_and_an_unanswered_one_does_not(
    app, make_user, make_course
):
    """What the core asks before deleting a survey that leaves its course (``has_learner_work``)."""
    from pathlib import Path

    from nttlearn.api import Activity, Module
    from nttlearn_evaluation.definitions import import_definition
    from nttlearn_evaluation.plugin import nttlearn_activity_types
    from nttlearn_evaluation.surveys import submit_response, survey_for

    course = make_course(
        modules=1, lessons=1, activities=[(0, "survey", False), (0, "survey", False)]
    )
    answered, unanswered = (
        db.session.execute(
            db.select(Activity)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Activity.id)
        )
        .scalars()
        .all()
    )
    for activity in (answered, unanswered):
        import_definition(activity, {"template": "end-of-course", "anonymous": True}, Path("."))
    learner = make_user()
    submit_response(
        survey_for(answered),
        answered,
        learner.id,
        {
            "relevance": "5",
            "clarity": "4",
            "methodology": "4",
            "peer_feedback": "",
            "intention": "yes",
            "comments": "",
        },
    )
    db.session.commit()

    [survey_type] = nttlearn_activity_types()

    assert survey_type.has_learner_work([answered.id, unanswered.id]) == {answered.id}
