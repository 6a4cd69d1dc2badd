"""Authoring in the browser: trainers create and edit their own courses; admins edit all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_content_fakes import ExercisePlugin, csrf_token, sample_files, write_package

from nttlearn.content.importer import commit_import, import_package
from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson, enrol
from nttlearn.models import (
    Activity,
    Course,
    CourseStaff,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
)
from nttlearn.testing import TEST_PASSWORD, login

CONFIRMED = {"confirmed": "1"}  # as the confirmation page posts it (nttlearn/confirm.py)


@pytest.fixture
def plugin():
    return ExercisePlugin()


@pytest.fixture
def app_plugins(plugin):
    return [plugin]


@pytest.fixture
def trainer(make_user):
    return make_user(role="trainer", name="Anna Trainer")


@pytest.fixture
def course(app, trainer, tmp_path) -> Course:
    """The sample package, imported, taught by ``trainer``."""
    import_package(
        write_package(tmp_path / "pkg", sample_files()),
        app.extensions["nttlearn"].all_activity_types(),
    )
    commit_import()
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
    db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return course


def _lesson(key: str) -> Lesson:
    db.session.expire_all()
    return db.session.execute(db.select(Lesson).filter_by(key=key)).scalar_one()


def _module(key: str) -> Module:
    db.session.expire_all()
    return db.session.execute(db.select(Module).filter_by(key=key)).scalar_one()


def _lesson_form(lesson: Lesson, **changes) -> dict:
    data = {
        "opened_version": str(lesson.version),
        "title": lesson.title,
        "minutes": str(lesson.minutes),
        "kind": lesson.kind,
        "required": "y",
        "body": lesson.body,
        "submit": "Save",
    }
    data.update(changes)
    return data


def _text(response) -> str:
    return response.get_data(as_text=True)


# -- who may do what ---------------------------------------------------------------------------------
def test_trainers_list_only_their_own_courses_and_admins_all(
    client, course, trainer, make_user, make_course, login_as
):
    make_course(title="Another trainer's course", trainer=make_user(role="trainer"))

    login_as(trainer)
    mine = _text(client.get("/author/"))
    client.post("/logout")
    login_as(make_user(role="admin"))
    everything = _text(client.get("/author/"))

    assert "Sample course" in mine and "Another trainer" not in mine
    assert "Sample course" in everything and "Another trainer" in everything


def _routes(course: Course) -> list[tuple[str, str]]:
    module = (
        db.session.execute(db.select(Module).where(Module.course_id == course.id)).scalars().first()
    )
    lesson = (
        db.session.execute(db.select(Lesson).where(Lesson.module_id == module.id)).scalars().first()
    )
    activity = (
        db.session.execute(db.select(Activity).where(Activity.module_id == module.id))
        .scalars()
        .first()
    )
    c, m, lid, a = course.id, module.id, lesson.id, activity.id
    return [
        ("GET", f"/author/courses/{c}"),
        ("POST", f"/author/courses/{c}"),
        ("GET", f"/author/courses/{c}/outline"),
        ("GET", f"/author/courses/{c}/modules/new"),
        ("POST", f"/author/courses/{c}/modules/new"),
        ("POST", f"/author/courses/{c}/modules/{m}"),
        ("POST", f"/author/courses/{c}/modules/{m}/lessons/new"),
        ("GET", f"/author/courses/{c}/lessons/{lid}"),
        ("POST", f"/author/courses/{c}/lessons/{lid}"),
        ("POST", f"/author/courses/{c}/lessons/{lid}/move/down"),
        ("POST", f"/author/courses/{c}/lessons/{lid}/delete"),
        ("POST", f"/author/courses/{c}/modules/{m}/delete"),
        ("POST", f"/author/courses/{c}/activities/{a}/delete"),
        ("POST", f"/author/courses/{c}/modules/{m}/activities/new"),
        ("POST", f"/author/courses/{c}/activities/{a}"),
        ("POST", f"/author/courses/{c}/markdown-preview"),
        ("GET", f"/author/courses/{c}/media"),
        ("POST", f"/author/courses/{c}/media"),
        ("GET", f"/author/courses/{c}/duplicate"),
        ("POST", f"/author/courses/{c}/duplicate"),
        ("GET", f"/author/courses/{c}/preview"),
        ("GET", f"/author/courses/{c}/preview/lessons/{lid}"),
    ]


@pytest.mark.parametrize("role", ["trainer", "learner"])
def test_nobody_but_its_trainers_and_admins_can_open_or_change_a_course(
    client, course, make_user, login_as, role
):
    before = (_lesson("welcome").body, db.session.scalar(db.select(db.func.count(Module.id))))
    login_as(make_user(role=role))

    answers = {
        f"{method} {url}": client.open(
            url, method=method, data={"body": "x", "module_id": "1"}
        ).status_code
        for method, url in _routes(course)
    }

    assert set(answers.values()) == {403}, answers
    assert (
        _lesson("welcome").body,
        db.session.scalar(db.select(db.func.count(Module.id))),
    ) == before


def test_a_lesson_of_another_course_is_not_found_through_mine(
    client, course, trainer, make_course, login_as
):
    other = make_course(modules=1, lessons=1)
    foreign = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == other.id)
    ).scalar_one()
    login_as(trainer)

    assert client.get(f"/author/courses/{course.id}/lessons/{foreign.id}").status_code == 404
    assert (
        client.post(f"/author/courses/{course.id}/lessons/{foreign.id}/delete").status_code == 404
    )


def test_learners_cannot_create_courses(client, make_user, login_as):
    login_as(make_user())

    assert client.get("/author/courses/new").status_code == 403


# -- courses -----------------------------------------------------------------------------------------
def test_a_trainer_creates_a_draft_course_they_teach(client, trainer, login_as):
    login_as(trainer)

    response = client.post(
        "/author/courses/new",
        data={
            "title": "Città gemellate e giovani",
            "policy_area": "youth",
            "summary": "Youth networks.",
        },
    )

    course = db.session.execute(db.select(Course)).scalar_one()
    assert response.status_code == 302 and response.location.endswith(
        f"/author/courses/{course.id}/outline"
    )
    assert (course.slug, course.published, course.policy_area) == (
        "citta-gemellate-e-giovani",
        False,
        "youth",
    )
    assert (
        db.session.execute(db.select(CourseStaff.user_id).filter_by(course_id=course.id)).scalar()
        == trainer.id
    )
    assert client.get(f"/courses/{course.slug}").status_code == 200  # a draft: its trainer sees it
    client.post("/logout")
    assert client.get(f"/courses/{course.slug}").status_code == 404  # nobody else does


def test_a_new_course_needs_a_free_web_address(client, course, trainer, login_as):
    login_as(trainer)

    response = client.post(
        "/author/courses/new",
        data={"title": "Again", "slug": "sample-course", "policy_area": "youth"},
    )

    assert "Another course already uses the web address" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Course.id))) == 1


def test_settings_change_publication_and_completion_rule(client, course, trainer, login_as):
    login_as(trainer)
    page = _text(client.get(f"/author/courses/{course.id}"))
    version = re.search(r'name="opened_version" type="hidden" value="(\d+)"', page).group(1)

    response = client.post(
        f"/author/courses/{course.id}",
        data={
            "opened_version": version,
            "title": "Sample course",
            "summary": "New summary",
            "policy_area": "youth",
            "hours": "4",
            "outcomes": "Plan a network\n\nEvaluate it\n",
            "completion_rule": "all",
            "self_enrolment": "y",
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (course.published, course.completion_rule, course.hours, course.outcomes) == (
        False,
        "all",
        4.0,
        ["Plan a network", "Evaluate it"],
    )


def test_saving_settings_over_someone_elses_save_is_refused(client, course, trainer, login_as):
    login_as(trainer)
    form = {
        "opened_version": str(course.version),
        "title": "First",
        "policy_area": "youth",
        "hours": "3",
        "completion_rule": "all",
    }
    client.post(f"/author/courses/{course.id}", data=form)

    response = client.post(f"/author/courses/{course.id}", data={**form, "title": "Second"})

    assert response.status_code == 409
    assert "Someone else saved this course while you were editing" in _text(response)
    db.session.expire_all()
    assert course.title == "First"


# -- modules -----------------------------------------------------------------------------------------
def test_modules_are_added_edited_and_reordered(client, course, trainer, login_as):
    login_as(trainer)

    client.post(
        f"/author/courses/{course.id}/modules/new",
        data={"title": "Budget and work plan", "outcomes": "Draft a budget"},
    )
    budget = _module("budget-and-work-plan")
    client.post(
        f"/author/courses/{course.id}/modules/{budget.id}",
        data={"title": "Budget", "summary": "Costs."},
    )
    client.post(f"/author/courses/{course.id}/modules/{budget.id}/move/up")

    order = db.session.execute(db.select(Module.key, Module.title).order_by(Module.position)).all()
    assert order == [
        ("cycle", "The project cycle"),
        ("budget-and-work-plan", "Budget"),
        ("partners", "Partners"),
    ]
    outline = _text(client.get(f"/author/courses/{course.id}/outline"))
    assert outline.index("The project cycle") < outline.index("Budget") < outline.index("Partners")


def test_a_module_cannot_move_past_either_end(client, course, trainer, login_as):
    login_as(trainer)

    client.post(f"/author/courses/{course.id}/modules/{_module('cycle').id}/move/up")
    client.post(f"/author/courses/{course.id}/modules/{_module('partners').id}/move/down")

    assert db.session.execute(db.select(Module.key).order_by(Module.position)).scalars().all() == [
        "cycle",
        "partners",
    ]


def test_deleting_a_module_learners_worked_in_archives_it(
    client, course, trainer, make_user, login_as
):
    learner = make_user()
    enrol(learner.id, course)
    complete_lesson(learner.id, _lesson("welcome"))
    db.session.commit()
    login_as(trainer)

    response = client.post(
        f"/author/courses/{course.id}/modules/{_module('cycle').id}/delete",
        data=CONFIRMED,
        follow_redirects=True,
    )
    client.post(
        f"/author/courses/{course.id}/modules/{_module('partners').id}/delete", data=CONFIRMED
    )

    assert "has been archived: learners have work in it" in _text(response)
    assert _module("cycle").archived is True
    assert db.session.execute(db.select(Module).filter_by(key="partners")).scalar() is None
    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 1


# -- lessons -----------------------------------------------------------------------------------------
def test_a_lesson_is_added_and_edited(client, course, trainer, login_as):
    module = _module("partners")
    login_as(trainer)

    created = client.post(
        f"/author/courses/{course.id}/modules/{module.id}/lessons/new",
        data={
            "title": "The partnership agreement",
            "minutes": "20",
            "kind": "exercise",
            "required": "y",
            "body": "## Agreement\r\n\r\nWho does what.\r\n",
            "submit": "Save",
        },
    )
    lesson = _lesson("the-partnership-agreement")
    saved = client.post(
        f"/author/courses/{course.id}/lessons/{lesson.id}",
        data=_lesson_form(lesson, body="## Agreement\n\nWho does what, and when.\n", required=""),
    )

    assert created.status_code == 302 and saved.status_code == 302
    lesson = _lesson("the-partnership-agreement")
    assert (lesson.position, lesson.kind, lesson.minutes, lesson.required) == (
        2,
        "exercise",
        20,
        False,
    )
    assert lesson.body == "## Agreement\n\nWho does what, and when.\n"
    assert "<h2>Agreement</h2>" in _text(
        client.get(f"/author/courses/{course.id}/preview/lessons/{lesson.id}")
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Intro\n\n<script>alert(1)</script>\n",
            "Line 3: lessons may not contain &#39;&lt;script&#39;: raw HTML and scripts are not allowed",
        ),
        (
            "See [this](../../../../etc/passwd).\n",
            "Line 1: link &#39;../../../../etc/passwd&#39; points outside the package",
        ),
        (
            "![Map](../../media/missing.png)\n",
            "Line 1: broken link: &#39;../../media/missing.png&#39; does not exist",
        ),
    ],
)
def test_a_lesson_edit_is_checked_like_an_import(client, course, trainer, login_as, body, message):
    lesson = _lesson("welcome")
    before = lesson.body
    login_as(trainer)

    response = client.post(
        f"/author/courses/{course.id}/lessons/{lesson.id}", data=_lesson_form(lesson, body=body)
    )

    assert response.status_code == 422
    assert message in _text(response)
    assert _lesson("welcome").body == before


def test_links_to_the_courses_images_and_lessons_are_accepted(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)
    body = "![The cycle](../../media/cycle.png)\n\nNext: [phases](02-phases.md), [partners](../02-partners/01-finding.md)\n"

    response = client.post(
        f"/author/courses/{course.id}/lessons/{lesson.id}", data=_lesson_form(lesson, body=body)
    )

    assert response.status_code == 302
    assert _lesson("welcome").body == body


def test_two_trainers_editing_the_same_lesson_the_second_gets_a_conflict(
    app, course, trainer, make_user
):
    colleague = make_user(role="trainer", name="Björn Colleague")
    db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id))
    db.session.commit()
    anna, bjorn = app.test_client(), app.test_client()
    login(anna, trainer)
    login(bjorn, colleague)
    url = f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}"
    opened = re.search(
        r'name="opened_version" type="hidden" value="(\d+)"', _text(bjorn.get(url))
    ).group(1)
    anna.get(url)

    first = anna.post(
        url, data=_lesson_form(_lesson("welcome"), body="Anna's version of the text.\n")
    )
    second = bjorn.post(
        url,
        data=_lesson_form(
            _lesson("welcome"), opened_version=opened, body="Björn's version of the text.\n"
        ),
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = _text(second)
    assert (
        "Someone else saved this lesson while you were editing it. Nothing was overwritten" in page
    )
    assert "Anna&#39;s version of the text." in page and "Björn&#39;s version of the text." in page
    assert _lesson("welcome").body == "Anna's version of the text.\n"


def test_the_preview_button_renders_without_saving(client, course, trainer, login_as):
    lesson = _lesson("welcome")
    login_as(trainer)

    response = client.post(
        f"/author/courses/{course.id}/lessons/{lesson.id}",
        data=_lesson_form(
            lesson, body="**Draft** text\n\n<script>x()</script>", submit="", preview="Preview"
        ),
    )

    page = _text(response)
    assert response.status_code == 200
    assert "<strong>Draft</strong> text" in page
    assert "<script>x()" not in page
    assert "Line 3: lessons may not contain" in page
    assert _lesson("welcome").body == lesson.body


def test_the_live_preview_is_rendered_by_the_server_with_the_same_sanitizer(
    client, course, trainer, login_as
):
    login_as(trainer)
    body = "# Title\n\n**bold** [x](javascript:alert(1)) ![m](../../media/cycle.png)\n\n<script>alert(1)</script>\n"

    response = client.post(
        f"/author/courses/{course.id}/markdown-preview",
        data={"body": body, "module_id": _module("cycle").id},
    )

    data = response.get_json()
    assert "<h1>Title</h1>" in data["html"] and "<strong>bold</strong>" in data["html"]
    assert "<script" not in data["html"] and 'href="javascript' not in data["html"]
    assert f'src="/courses/{course.slug}/media/cycle.png"' in data["html"]
    assert [p["line"] for p in data["problems"]] == [3, 5]


def test_the_live_preview_needs_the_csrf_token(app_factory, make_user):
    app = app_factory(config={"WTF_CSRF_ENABLED": True}, plugins=[ExercisePlugin()])
    with app.app_context():
        trainer = make_user(role="trainer")
        course = Course(slug="mine", title="Mine")
        db.session.add(course)
        db.session.flush()
        module = Module(course_id=course.id, key="one", title="One", position=1)
        db.session.add_all([module, CourseStaff(course_id=course.id, user_id=trainer.id)])
        db.session.commit()
        ids, email = (course.id, module.id), trainer.email
    client = app.test_client()  # outside the app context: each request gets its own ``g`` and token
    client.post(
        "/login",
        data={
            "email": email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token(_text(client.get("/login"))),
        },
    )
    editor = _text(client.get(f"/author/courses/{ids[0]}/modules/{ids[1]}/lessons/new"))
    url = f"/author/courses/{ids[0]}/markdown-preview"

    refused = client.post(url, data={"body": "*hi*", "module_id": ids[1]})
    accepted = client.post(
        url, data={"body": "*hi*", "module_id": ids[1]}, headers={"X-CSRFToken": csrf_token(editor)}
    )

    assert refused.status_code == 400
    assert accepted.status_code == 200 and accepted.get_json()["html"] == "<p><em>hi</em></p>\n"


def test_lessons_are_reordered_and_deleted_with_buttons(
    client, course, trainer, make_user, login_as
):
    learner = make_user()
    enrol(learner.id, course)
    complete_lesson(learner.id, _lesson("phases"))
    db.session.commit()
    login_as(trainer)

    client.post(f"/author/courses/{course.id}/lessons/{_lesson('phases').id}/move/up")
    order = (
        db.session.execute(
            db.select(Lesson.key)
            .where(Lesson.module_id == _module("cycle").id)
            .order_by(Lesson.position)
        )
        .scalars()
        .all()
    )
    archived = client.post(
        f"/author/courses/{course.id}/lessons/{_lesson('phases').id}/delete",
        data=CONFIRMED,
        follow_redirects=True,
    )
    deleted = client.post(
        f"/author/courses/{course.id}/lessons/{_lesson('welcome').id}/delete",
        data=CONFIRMED,
        follow_redirects=True,
    )

    assert order == ["phases", "welcome"]
    assert "&#39;Phases&#39; has been archived" in _text(archived)
    assert "&#39;Welcome&#39; has been deleted" in _text(deleted)
    assert _lesson("phases").archived is True
    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 1


# -- activities --------------------------------------------------------------------------------------
def test_any_installed_activity_type_can_be_added_with_its_default_definition(
    client, course, trainer, plugin, login_as
):
    module = _module("partners")
    login_as(trainer)
    form = _text(client.get(f"/author/courses/{course.id}/modules/{module.id}/activities/new"))

    response = client.post(
        f"/author/courses/{course.id}/modules/{module.id}/activities/new",
        data={"type_key": "exercise", "title": "Partner quiz", "required": "y"},
    )

    assert '<option value="exercise">Exercise</option>' in form
    activity = db.session.execute(db.select(Activity).filter_by(module_id=module.id)).scalar_one()
    assert response.location.endswith(f"/author/courses/{course.id}/activities/{activity.id}")
    assert (activity.key, activity.type_key, activity.title, activity.position) == (
        "exercise",
        "exercise",
        "Partner quiz",
        1,
    )
    assert plugin.questions[activity.id] == ["What is a network of twinned towns?"]
    assert f'href="/exercises/{activity.id}/edit"' in _text(
        client.get(f"/author/courses/{course.id}/outline")
    )


def test_activities_are_edited_reordered_and_removed(client, course, trainer, login_as):
    module = _module("cycle")
    login_as(trainer)
    client.post(
        f"/author/courses/{course.id}/modules/{module.id}/activities/new",
        data={"type_key": "exercise", "title": "Second"},
    )
    first = db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()

    client.post(
        f"/author/courses/{course.id}/activities/{first.id}",
        data={"title": "Check it", "required": ""},
    )
    client.post(f"/author/courses/{course.id}/activities/{first.id}/move/down")
    db.session.expire_all()
    order = (
        db.session.execute(
            db.select(Activity.title)
            .where(Activity.module_id == module.id)
            .order_by(Activity.position)
        )
        .scalars()
        .all()
    )
    client.post(f"/author/courses/{course.id}/activities/{first.id}/delete", data=CONFIRMED)

    assert order == ["Second", "Check it"]
    assert db.session.execute(db.select(Activity.title)).scalars().all() == ["Second"]


# -- duplicate and preview ---------------------------------------------------------------------------
def test_duplicating_a_course_copies_everything_through_the_package_format(
    client, app, course, trainer, plugin, login_as
):
    login_as(trainer)
    original = db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()
    plugin.questions[original.id] = ["Edited in the browser?"]

    response = client.post(
        f"/author/courses/{course.id}/duplicate",
        data={"title": "Sample course 2025", "slug": "sample-2025"},
    )

    copy = db.session.execute(db.select(Course).filter_by(slug="sample-2025")).scalar_one()
    assert response.status_code == 302 and response.location.endswith(
        f"/author/courses/{copy.id}/outline"
    )
    assert (copy.title, copy.published, copy.translations) == (
        "Sample course 2025",
        False,
        {"it": {"title": "Corso di esempio"}},
    )
    lessons = db.session.execute(
        db.select(Lesson.key, Lesson.translations)
        .join(Module)
        .where(Module.course_id == copy.id)
        .order_by(Module.position, Lesson.position)
    ).all()
    assert [key for key, _ in lessons] == ["welcome", "phases", "finding"]
    assert lessons[0][1]["sv"]["title"] == "Välkommen"
    copied = db.session.execute(
        db.select(Activity).join(Module).where(Module.course_id == copy.id)
    ).scalar_one()
    assert copied.id != original.id and plugin.questions[copied.id] == ["Edited in the browser?"]
    assert (Path(app.instance_path) / "media" / "sample-2025" / "cycle.png").is_file()
    assert (
        db.session.execute(db.select(CourseStaff.user_id).filter_by(course_id=copy.id)).scalar()
        == trainer.id
    )


def test_duplicating_needs_a_free_web_address(client, course, trainer, login_as):
    login_as(trainer)

    response = client.post(
        f"/author/courses/{course.id}/duplicate", data={"title": "Copy", "slug": "sample-course"}
    )

    assert "Another course already uses the web address" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Course.id))) == 1


def test_preview_as_a_learner_is_marked_and_records_nothing(client, course, trainer, login_as):
    db.session.execute(db.update(Course).values(published=False))
    db.session.commit()
    lesson = _lesson("welcome")
    login_as(trainer)

    overview = _text(client.get(f"/author/courses/{course.id}/preview"))
    page = _text(client.get(f"/author/courses/{course.id}/preview/lessons/{lesson.id}"))

    assert "Preview as a learner." in overview and "nothing you do here is recorded" in overview
    assert (
        "Welcome" in overview
        and "Finding partners" in overview
        and "Check your understanding" in overview
    )
    assert "0% complete" in overview
    assert "Preview as a learner." in page and "<h2>Welcome</h2>" in page
    assert f'href="/author/courses/{course.id}/preview/lessons/{_lesson("phases").id}"' in page
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_deleting_a_module_asks_first_on_a_page_that_lists_what_goes_with_it(
    client, make_user, make_course, login_as
):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=2, trainer=trainer, activities=[(0, "quiz", True)])
    module = db.session.execute(db.select(Module).where(Module.course_id == course.id)).scalar_one()
    login_as(trainer)

    page = client.post(f"/author/courses/{course.id}/modules/{module.id}/delete")

    assert page.status_code == 200
    text = _text(page)
    assert (
        "Delete Module 1?" in text and "Lesson: Lesson 1.1" in text and "Activity: quiz 0" in text
    )
    assert 'name="confirmed" value="1"' in text
    db.session.refresh(module)
    assert db.session.get(Module, module.id) is not None and not module.archived  # nothing gone yet
