"""``nttlearn_course_settings``: a plugin's per-course settings on the course settings form and in
``course.yaml``, kept in the plugin's own storage (here a dict standing for its table)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_content_fakes import ExercisePlugin, sample_files, write_package

from nttlearn import hookimpl
from nttlearn.api import CourseSetting
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.content.package import load_package
from nttlearn.course_settings import course_settings
from nttlearn.extensions import db
from nttlearn.models import Course, CourseStaff


class TwinningPlugin:
    """Two course settings, and two whose keys are the core's (left out)."""

    name = "twinning"

    def __init__(self) -> None:
        self.table: dict[tuple[int, str], Any] = {}
        self.saves: list[tuple[int, str, Any]] = []

    def _setting(self, key: str, label: str, default: Any, **extra: Any) -> CourseSetting:
        def load(course_id: int) -> Any:
            return self.table.get((course_id, key), default)

        def save(course_id: int, value: Any) -> None:
            self.saves.append((course_id, key, value))
            self.table[(course_id, key)] = value

        return CourseSetting(key, label, default, load=load, save=save, **extra)

    @hookimpl
    def nttlearn_course_settings(self) -> list[CourseSetting]:
        return [
            self._setting(
                "twinning_visits",
                "Study visits to the twin town",
                0,
                validate=lambda n: None if 0 <= n <= 12 else "must be between 0 and 12",
            ),
            self._setting("newsletter", "Announce the course in the network's newsletter", False),
            self._setting("title", "A second title", ""),
            self._setting("completion_rule", "Overrides the form's field", ""),
        ]


@pytest.fixture
def twinning():
    return TwinningPlugin()


@pytest.fixture
def app_plugins(twinning):
    return [ExercisePlugin(), twinning]


@pytest.fixture
def course(app, make_user, tmp_path) -> Course:
    import_package(
        write_package(tmp_path / "pkg", sample_files()),
        app.extensions["nttlearn"].all_activity_types(),
    )
    commit_import()
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
    db.session.add(
        CourseStaff(
            course_id=course.id, user_id=make_user(role="trainer", email="t@example.org").id
        )
    )
    db.session.commit()
    return course


def test_a_declaration_with_a_core_key_or_a_form_name_is_left_out(app):
    assert list(course_settings()) == ["twinning_visits", "newsletter"]
    assert {s.plugin for s in course_settings().values()} == {"twinning"}


def _form(course: Course, **changes: str) -> dict[str, str]:
    return {
        "opened_version": str(course.version),
        "title": "Sample course",
        "policy_area": "youth",
        "hours": "3",
        "completion_rule": "all_required",
        **changes,
    }


def test_the_form_shows_and_saves_the_plugins_settings(
    client, course, twinning, login_as, make_user
):
    trainer = (
        db.session.execute(db.select(CourseStaff).filter_by(course_id=course.id)).scalar_one().user
    )
    twinning.table[(course.id, "twinning_visits")] = 2
    login_as(trainer)
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "Study visits to the twin town" in page
    assert re.search(r'name="twinning_visits"[^>]*value="2"', page)
    twinning.saves.clear()

    response = client.post(
        f"/author/courses/{course.id}", data=_form(course, twinning_visits="4", newsletter="y")
    )

    assert response.status_code == 302
    assert twinning.saves == [(course.id, "twinning_visits", 4), (course.id, "newsletter", True)]

    response = client.post(f"/author/courses/{course.id}", data=_form(course, twinning_visits="13"))

    assert response.status_code == 200
    assert "must be between 0 and 12" in response.get_data(as_text=True)
    assert twinning.table[(course.id, "twinning_visits")] == 4, "a refused value is not saved"


def test_a_learner_may_not_save_them(client, course, twinning, login_as, make_user):
    login_as(make_user())

    response = client.post(f"/author/courses/{course.id}", data=_form(course, twinning_visits="4"))

    assert response.status_code == 403
    assert twinning.saves == []


def test_course_yaml_carries_them_through_import_and_export(app, course, twinning, tmp_path):
    types = app.extensions["nttlearn"].all_activity_types()
    assert twinning.table == {}, (
        "a package that leaves them out keeps the defaults: nothing to save"
    )
    folder = write_package(
        tmp_path / "next",
        sample_files(**{"course.yaml": sample_files()["course.yaml"] + "twinning_visits: 5\n"}),
    )

    import_package(folder, types)
    commit_import()

    assert twinning.table == {(course.id, "twinning_visits"): 5}
    exported = (export_course(course, tmp_path / "out", types) / "course.yaml").read_text(
        encoding="utf-8"
    )
    assert (
        "self_enrolment: true\ntwinning_visits: 5\nnewsletter: false\npublished: true\n" in exported
    )


def test_a_bad_value_is_a_problem_on_its_line_and_an_absent_plugins_key_a_warning(app, tmp_path):
    course_yaml = sample_files()["course.yaml"] + "twinning_visits: 20\nnewsletter: often\n"
    lines = course_yaml.splitlines()
    root = write_package(tmp_path / "pkg", sample_files(**{"course.yaml": course_yaml}))

    result = load_package(root, app.extensions["nttlearn"].all_activity_types(), display="pkg")

    assert [str(p) for p in result.problems] == [
        f"pkg/course.yaml:{lines.index('twinning_visits: 20') + 1}: 'twinning_visits' must be between 0 and 12",
        f"pkg/course.yaml:{lines.index('newsletter: often') + 1}: 'newsletter' must be true or false",
    ]
    assert [str(w) for w in result.warnings] == [
        f"pkg/course.yaml:{lines.index('certificate: true') + 1}: 'certificate' is a course setting of the "
        "'certificates' plugin, which is not installed: it is ignored"
    ]
