"""Whether a course issues certificates: the plugin's course setting (``nttlearn_course_settings``),
on the core's course settings form and in the package's ``course.yaml``, kept in the plugin's
``certificates_course_settings`` table (the core's ``courses.certificate`` is no longer used)."""

from __future__ import annotations

import re
from pathlib import Path

from nttlearn import db
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.content.package import load_package
from nttlearn.models import Course
from nttlearn_certificates.models import CourseCertificateSettings
from nttlearn_certificates.rules import CertificateRule, rule_for, save_rule

CHECKBOX = re.compile(r'<input[^>]*name="certificate"[^>]*>')


def _settings_form(course: Course, **changes: str) -> dict[str, str]:
    return {
        "opened_version": str(course.version),
        "title": course.title,
        "policy_area": course.policy_area,
        "hours": "3",
        "completion_rule": "all_required",
        "published": "y",
        **changes,
    }


def _box(page: str) -> str:
    [box] = CHECKBOX.findall(page)
    return box


def test_the_course_form_shows_and_saves_the_switch_in_the_plugins_table(
    client, make_user, make_course, login_as
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    save_rule(course, CertificateRule(enabled=True, min_quiz_grade=70))
    db.session.commit()
    login_as(trainer)
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "Learners who complete the course receive a certificate" in page
    assert "checked" in _box(page)

    response = client.post(
        f"/author/courses/{course.id}", data=_settings_form(course)
    )  # box unticked

    assert response.status_code == 302
    db.session.expire_all()
    assert rule_for(course) == CertificateRule(enabled=False, min_quiz_grade=70), (
        "the rest of the rule is kept"
    )
    assert course.certificate is True, "the core's deprecated column is no longer written"
    assert "checked" not in _box(client.get(f"/author/courses/{course.id}").get_data(as_text=True))

    client.post(f"/author/courses/{course.id}", data=_settings_form(course, certificate="y"))
    db.session.expire_all()
    assert rule_for(course).enabled is True


def test_a_learner_cannot_change_the_switch(client, make_user, make_course, login_as):
    course = make_course(trainer=make_user(role="trainer"))
    login_as(make_user())

    response = client.post(f"/author/courses/{course.id}", data=_settings_form(course))

    assert response.status_code == 403
    assert db.session.get(CourseCertificateSettings, course.id) is None


def _course_yaml(folder: Path) -> str:
    return (folder / "course.yaml").read_text(encoding="utf-8")


def test_certificate_false_goes_through_a_package_unchanged(app, make_user, make_course, tmp_path):
    types = app.extensions["nttlearn"].all_activity_types()
    course = make_course(modules=1, lessons=1, trainer=make_user(role="trainer"))
    save_rule(course, CertificateRule(enabled=False))
    db.session.commit()

    first = export_course(course, tmp_path / "first", types)
    assert "self_enrolment: true\ncertificate: false\npublished: true\n" in _course_yaml(first)
    report = import_package(first, types)
    commit_import()
    assert f"course {course.slug}" not in report.updated, "the same course.yaml changes nothing"
    second = export_course(course, tmp_path / "second", types)
    assert _course_yaml(second) == _course_yaml(first)

    (first / "course.yaml").write_text(
        _course_yaml(first).replace("certificate: false", "certificate: true"), encoding="utf-8"
    )
    report = import_package(first, types)
    commit_import()
    db.session.expire_all()
    assert rule_for(course).enabled is True
    assert f"course {course.slug}" in report.updated


def test_a_certificate_that_is_not_true_or_false_is_reported_on_its_line(
    app, make_user, make_course, tmp_path
):
    types = app.extensions["nttlearn"].all_activity_types()
    folder = export_course(make_course(modules=1, lessons=1), tmp_path / "pkg", types)
    text = _course_yaml(folder).replace("certificate: true", "certificate: maybe")
    (folder / "course.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("certificate: maybe") + 1

    result = load_package(folder, types, display="pkg")

    assert [str(p) for p in result.problems] == [
        f"pkg/course.yaml:{line}: 'certificate' must be true or false"
    ]
