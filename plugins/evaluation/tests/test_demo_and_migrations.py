"""``nttlearn evaluation demo`` fills the demo's surveys; the migration matches the models."""

from __future__ import annotations

from nttlearn import db
from nttlearn.cli import main
from nttlearn.testing import migration_branch_problems
from nttlearn_evaluation.models import SurveyRespondent, SurveyResponse


def test_demo_answers_the_surveys_of_demo_learners_once(data, app):
    course = data.course("Designing a network", modules=1, lessons=1, activities=[(0, "survey", False)])
    learners = [data.make_user(email=f"official{i}@example.org", name=f"Official {i}") for i in range(4)]
    stranger = data.make_user(email="someone@municipality.example", name="Real person")
    for person in [*learners, stranger]:
        data.enrol(person, course, data.ago(2))
    data.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(main, ["evaluation", "demo"])
    second = runner.invoke(main, ["evaluation", "demo"])

    assert first.exit_code == 0, first.output
    assert "3 survey answers added in 1 surveys" in first.output  # three of the four demo officials
    assert "0 survey answers added" in second.output and "3 learners had already answered" in second.output
    answered = set(db.session.execute(db.select(SurveyRespondent.user_id)).scalars())
    assert stranger.id not in answered and len(answered) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == 3


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app_factory):
    every_plugin = app_factory()  # the database holds every installed plugin's revisions
    with every_plugin.app_context():
        assert migration_branch_problems("evaluation") == []
        db.session.remove()
