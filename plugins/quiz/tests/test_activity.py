"""The ``quiz`` activity type in course packages: every shipped quiz imports, `nttlearn init`
builds them, GIFT problems point at the .gift file's line, re-importing an edited package
updates quizzes in place, and exporting writes the .gift file and settings back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from quiz_helpers import enrol, page_form, start

from nttlearn import db
from nttlearn.activities import DefinitionProblem
from nttlearn.content.commands import courses_group
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.models import Activity, Course, Module
from nttlearn.plugins import host
from nttlearn.testing import repo_root
from nttlearn_quiz.activity import status, validate_definition
from nttlearn_quiz.models import Attempt, Question, QuestionVersion, Quiz, Slot

COURSES = repo_root() / "courses"
SHIPPED = sorted(p for p in COURSES.iterdir() if (p / "course.yaml").exists())
MODULE = "modules/01-eu-policy-context"


def test_every_shipped_course_validates_with_the_quiz_plugin(app):
    result = app.test_cli_runner().invoke(courses_group, ["validate", *map(str, SHIPPED)])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.count(": valid") == len(SHIPPED)


def test_init_on_a_fresh_instance_builds_every_shipped_quiz(app_factory):
    from nttlearn.cli import init_command

    every_plugin = app_factory()  # as `nttlearn init` runs: with every installed plugin
    with every_plugin.app_context():
        result = every_plugin.test_cli_runner().invoke(init_command, [])

        assert result.exit_code == 0, result.output + result.stderr
        gifts = sorted(COURSES.glob("*/modules/*/quiz.gift"))
        quizzes = db.session.execute(db.select(Quiz)).scalars().all()
        assert len(quizzes) == len(gifts) == 22
        for quiz in quizzes:
            slots = db.session.execute(
                db.select(db.func.count(Slot.id)).where(Slot.activity_id == quiz.activity_id)
            ).scalar()
            assert slots >= 5
            assert quiz.pass_mark == 60 and quiz.attempts_allowed == 0
        db.session.remove()


@pytest.fixture
def package(tmp_path) -> Path:
    target = tmp_path / "youth-and-development"
    shutil.copytree(COURSES / "youth-and-development", target)
    return target


def import_it(path: Path) -> Course:
    report = import_package(path, host().all_activity_types())
    commit_import()
    return db.session.execute(db.select(Course).filter_by(slug=report.slug)).scalar_one()


def quiz_activity(course: Course, module_key: str = "eu-policy-context") -> Activity:
    return db.session.execute(
        db.select(Activity)
        .join(Module)
        .where(Module.course_id == course.id, Module.key == module_key, Activity.type_key == "quiz")
    ).scalar_one()


def question_names(activity: Activity) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(Question.name)
            .join(Slot, Slot.question_id == Question.id)
            .where(Slot.activity_id == activity.id)
            .order_by(Slot.position)
        ).scalars()
    )


def test_gift_problems_point_at_the_gift_files_lines(package, app):
    gift = package / MODULE / "quiz.gift"
    gift.write_text(
        gift.read_text(encoding="utf-8") + "\n::Broken::Pick{=a ~b\n\n::Worse::None{~a ~b}\n",
        encoding="utf-8",
    )
    lines = gift.read_text(encoding="utf-8").count("\n")

    result = app.test_cli_runner().invoke(courses_group, ["validate", str(package)])

    assert result.exit_code == 1
    display = f"{package}/{MODULE}/quiz.gift"
    assert f"{display}:{lines - 2}: The answer block has no closing '}}'." in result.stderr
    assert f"{display}:{lines}: No answer gives any marks" in result.stderr


def test_a_package_quiz_over_the_question_limit_is_refused(package, app, monkeypatch):
    monkeypatch.setenv("NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS", "2")

    result = app.test_cli_runner().invoke(courses_group, ["validate", str(package)])

    assert result.exit_code == 1
    assert f"{package}/{MODULE}/quiz.gift:" in result.stderr
    assert "The file has more than 2 questions, the most one import takes" in result.stderr


def test_setting_problems_point_at_module_yaml(package):
    folder = package / MODULE
    problems = validate_definition(
        {"file": "quiz.gift", "pass_mark": 150, "grading": "best", "layout": "scroll"},
        folder,
        f"{MODULE}/module.yaml",
    )
    messages = {(p.path, p.message.split(" ")[0]) for p in problems}
    assert (f"{MODULE}/module.yaml", "'pass_mark'") in messages
    assert (f"{MODULE}/module.yaml", "unknown") in messages
    assert (f"{MODULE}/module.yaml", "'layout'") in messages
    pass_mark = next(p for p in problems if p.message.startswith("'pass_mark'"))
    assert (
        pass_mark.line
        == (folder / "module.yaml").read_text().splitlines().index("    pass_mark: 60") + 1
    )


def test_a_missing_gift_file_is_a_problem(package):
    problems = validate_definition(
        {"file": "missing.gift"}, package / MODULE, f"{MODULE}/module.yaml"
    )
    assert problems and isinstance(problems[0], DefinitionProblem)
    assert "missing.gift" in problems[0].message


def test_reimporting_an_edited_package_updates_the_quiz_in_place(
    package, app, make_user, client_for
):
    course = import_it(package)
    activity = quiz_activity(course)
    names = question_names(activity)
    ids = dict(
        db.session.execute(
            db.select(Question.name, Question.id).where(Question.course_id == course.id)
        ).all()
    )
    learner = make_user()
    enrol(learner, course)
    attempt_id, html = start(client_for(learner), activity.id)
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))

    gift = package / MODULE / "quiz.gift"
    text = gift.read_text(encoding="utf-8")
    first, second = names[0], names[1]
    start_at = text.index(f"::{second}::")
    end_at = text.find("\n\n", start_at)
    text = text[:start_at] + text[end_at + 2 :]  # the second question leaves the quiz
    text = text.replace(f"::{first}::", f"::{first}::Edited: ", 1)
    text += "\n::Brand new::Is this new?{T}\n"
    gift.write_text(text, encoding="utf-8")
    for translation in (package / MODULE).glob(
        "quiz.*.gift"
    ):  # they would no longer match the English
        translation.unlink()
    settings = yaml.safe_load((package / MODULE / "module.yaml").read_text())
    settings["activities"][0]["pass_mark"] = 80
    (package / MODULE / "module.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True))

    import_it(package)

    assert question_names(activity) == [first, *names[2:], "Brand new"]
    after = dict(
        db.session.execute(
            db.select(Question.name, Question.id).where(Question.course_id == course.id)
        ).all()
    )
    assert (
        after[first] == ids[first]
    )  # the same question, now in version 2 (version 1 was attempted)
    edited = db.session.get(Question, ids[first])
    assert edited.latest_version == 2
    assert (
        db.session.execute(
            db.select(db.func.count(QuestionVersion.id)).where(
                QuestionVersion.question_id == ids[first]
            )
        ).scalar_one()
        == 2
    )
    assert all(db.session.get(Question, ids[n]).latest_version == 1 for n in names[2:])
    assert db.session.get(Quiz, activity.id).pass_mark == 80
    assert db.session.get(Attempt, attempt_id).state == "finished"


def test_export_writes_the_gift_file_and_settings_back(package, app, tmp_path):
    course = import_it(package)
    activity = quiz_activity(course)
    db.session.get(Quiz, activity.id).grading_method = "last"
    db.session.commit()
    target = tmp_path / "exported"

    export_course(course, target, host().all_activity_types())

    module = yaml.safe_load((target / MODULE / "module.yaml").read_text())
    [entry] = module["activities"]
    assert entry["file"] == "quiz.gift" and entry["pass_mark"] == 60 and entry["attempts"] == 0
    assert entry["grading_method"] == "last"
    from nttlearn_quiz.gift import parse_gift

    original = parse_gift((package / MODULE / "quiz.gift").read_text(encoding="utf-8")).questions
    exported = parse_gift((target / MODULE / "quiz.gift").read_text(encoding="utf-8")).questions
    assert [q.to_json() for q in exported] == [q.to_json() for q in original]


def test_status_sums_up_the_learners_grade(package, app, make_user, client_for):
    course = import_it(package)
    activity = quiz_activity(course)
    learner = make_user()
    enrol(learner, course)
    assert status(activity, learner.id) is None
    attempt_id, html = start(client_for(learner), activity.id)
    assert status(activity, learner.id) == "In progress"
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
    assert status(activity, learner.id) == "Best grade: 0%"
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("sv"):
        assert status(activity, learner.id).endswith(
            " 0\u00a0%"
        )  # the reader's way: a space before % in Swedish
    with app.test_request_context(), force_locale("it"):
        assert status(activity, learner.id).endswith(" 0%")


def test_a_quiz_added_in_the_course_editor_starts_empty(make_user, make_course, client_for):
    from nttlearn_quiz.activity import activity_type

    trainer, learner = make_user(role="trainer"), make_user()
    course = make_course(modules=1, lessons=1, trainer=trainer, activities=[(0, "quiz", True)])
    activity = quiz_activity(course, "module-1")
    quiz_type = activity_type()
    quiz_type.import_definition(activity, quiz_type.default_definition(), Path("/nonexistent"))
    db.session.commit()
    enrol(learner, course)

    page = client_for(learner).get(f"/quiz/{activity.id}").get_data(as_text=True)

    assert "This quiz has no questions yet." in page
    assert db.session.get(Quiz, activity.id).pass_mark == 60
    assert client_for(trainer).get(f"/quiz/{activity.id}/edit").status_code == 200


def test_deleting_a_course_removes_its_bank_and_attempts(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    attempt_id, html = start(client_for(learner), quiz.activity.id)
    client_for(learner).post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))

    db.session.delete(db.session.get(Course, quiz.course.id))
    db.session.commit()

    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar_one() == 0


def test_trainers_find_the_question_bank_beside_the_course(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    lesson = f"/courses/{quiz.course.slug}"
    bank_link = f"/quiz/course/{quiz.course.id}/bank"
    assert bank_link in client_for(quiz.trainer).get(lesson).get_data(as_text=True)
    assert bank_link not in client_for(learner).get(lesson).get_data(as_text=True)


def test_a_quiz_someone_has_attempted_holds_learner_work_and_one_nobody_opened_does_not(
    make_quiz, learner
):
    """What the core asks before deleting a quiz that leaves its course (``has_learner_work``):
    an open attempt, even unsubmitted, is work to keep."""
    from nttlearn_quiz import services
    from nttlearn_quiz.activity import activity_type

    attempted, untouched = make_quiz(), make_quiz()
    services.start_attempt(attempted.quiz, learner.id)
    db.session.commit()

    found = activity_type().has_learner_work([attempted.activity.id, untouched.activity.id])

    assert found == {attempted.activity.id}
