"""Admins upload zipped course packages in the browser and download any course as one."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from test_content_fakes import (
    ExercisePlugin,
    csrf_token,
    sample_files,
    snapshot,
    write_package,
    zip_bytes,
    zip_folder,
)

from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson, enrol
from nttlearn.models import Course, Lesson, LessonCompletion
from nttlearn.testing import TEST_PASSWORD, login


@pytest.fixture
def plugin():
    return ExercisePlugin()


@pytest.fixture
def app_plugins(plugin):
    return [plugin]


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(role="admin")
    login_as(user)
    return user


def _upload(client, data: bytes, *, check: bool = False):
    form = {"package": (io.BytesIO(data), "course.zip")}
    form["check" if check else "submit"] = "x"
    return client.post("/author/packages/upload", data=form, content_type="multipart/form-data")


def _package_zip(tmp_path: Path, **overrides) -> bytes:
    return zip_folder(
        write_package(tmp_path / "sample-course", sample_files(**overrides)),
        prefix="sample-course/",
    )


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_an_admin_uploads_a_package_and_it_is_imported(app, client, admin, plugin, tmp_path):
    response = _upload(client, _package_zip(tmp_path))

    assert response.status_code == 200
    assert "sample-course imported: 7 created, 0 updated, 0 archived, 0 deleted." in _text(response)
    course = db.session.execute(db.select(Course)).scalar_one()
    assert course.title == "Sample course"
    assert (Path(app.instance_path) / "media" / "sample-course" / "cycle.png").is_file()
    assert len(plugin.imported) == 1


def test_check_only_validates_and_changes_nothing(app, client, admin, tmp_path):
    before = snapshot()

    response = _upload(client, _package_zip(tmp_path), check=True)

    assert "The package is valid. Importing it would change sample-course: 7 created" in _text(
        response
    )
    assert snapshot() == before


def test_validation_problems_are_listed_with_line_numbers_and_nothing_changes(
    app, client, admin, tmp_path
):
    _upload(client, _package_zip(tmp_path))
    before = snapshot()
    broken = _package_zip(
        tmp_path,
        **{
            "modules/01-cycle/01-welcome.md": "---\ntitle: Welcome\n---\nChanged\n\n<script>x()</script>\n",
            "modules/02-partners/module.yaml": "title: Partners\ncolour: red\n",
        },
    )

    response = _upload(client, broken)

    page = _text(response)
    assert response.status_code == 422
    assert "The package has 2 problems; nothing was imported:" in page
    assert (
        "<code>sample-course/modules/01-cycle/01-welcome.md:6</code> lessons may not contain &#39;&lt;script&#39;"
        in page
    )
    assert (
        "<code>sample-course/modules/02-partners/module.yaml:2</code> unknown key &#39;colour&#39;"
        in page
    )
    assert snapshot() == before


def test_reuploading_an_edited_package_keeps_learners_progress(
    app, client, admin, make_user, tmp_path
):
    _upload(client, _package_zip(tmp_path))
    learner = make_user()
    enrol(learner.id, db.session.execute(db.select(Course)).scalar_one())
    complete_lesson(
        learner.id, db.session.execute(db.select(Lesson).filter_by(key="phases")).scalar_one()
    )
    db.session.commit()

    response = _upload(client, _package_zip(tmp_path, **{"modules/01-cycle/02-phases.md": None}))

    assert "archived: lesson cycle/phases" in _text(response)
    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 1


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course.yaml", "slug: x\ntitle: X\n")
        link = zipfile.ZipInfo("media/passwords.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            zip_bytes({"course.yaml": "slug: x\ntitle: X\n", "../../escape.txt": "x"}),
            "the zip holds a path that leaves its folder (&#39;../../escape.txt&#39;)",
        ),
        (
            zip_bytes({"course.yaml": "slug: x\ntitle: X\n", "/etc/cron.d/x": "x"}),
            "the zip holds an absolute path (&#39;/etc/cron.d/x&#39;)",
        ),
        (
            _symlink_zip(),
            "the zip holds a symbolic link (&#39;media/passwords.png&#39;): links are not allowed",
        ),
        (
            zip_bytes(
                {
                    "course.yaml": "slug: x\ntitle: X\n",
                    "media/zeros.png": b"\0" * (30 * 1024 * 1024),
                }
            ),
            "the zip looks like a zip bomb",
        ),
        (b"MZ not a zip at all", "the file is not a zip archive"),
    ],
    ids=["traversal", "absolute", "symlink", "zip bomb", "not a zip"],
)
def test_dangerous_archives_are_refused_with_a_clear_message(
    app, client, admin, tmp_path, data, message
):
    before = snapshot()

    response = _upload(client, data)

    assert response.status_code == 422
    assert message in _text(response)
    assert "Nothing was changed." in _text(response)
    assert snapshot() == before
    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_package_unpacking_beyond_the_limit_is_refused(app_factory, make_user, tmp_path):
    app = app_factory(config={"PACKAGE_MAX_UNPACKED_MB": 1}, plugins=[ExercisePlugin()])
    with app.app_context():
        client = app.test_client()
        login(client, make_user(role="admin"))
        data = _package_zip(tmp_path, **{"media/big.txt": os.urandom(800_000).hex()})

        response = _upload(client, data)

    assert response.status_code == 422
    assert "the zip unpacks to more than 1 MB" in _text(response)


def test_an_upload_larger_than_the_limit_is_refused_before_reading_it(app_factory, make_user):
    app = app_factory(config={"MAX_CONTENT_LENGTH": 1024 * 1024}, plugins=[ExercisePlugin()])
    with app.app_context():
        client = app.test_client()
        login(client, make_user(role="admin"))

        response = _upload(client, b"PK" + b"\0" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert "The package is larger than the limit of 1 MB. Nothing was imported." in _text(response)


def test_download_then_upload_of_a_course_is_unchanged(app, client, admin, tmp_path):
    _upload(client, _package_zip(tmp_path))
    course = db.session.execute(db.select(Course)).scalar_one()

    download = client.get(f"/author/courses/{course.id}/package.zip")
    again = client.get(f"/author/courses/{course.id}/package.zip")
    _upload(client, download.data)  # the plugin writes its own files: its activity is updated once
    response = _upload(client, client.get(f"/author/courses/{course.id}/package.zip").data)

    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="sample-course.zip"'
    assert download.data == again.data  # deterministic
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "sample-course/course.yaml" in names and "sample-course/media/cycle.png" in names
    assert "sample-course is unchanged" in _text(response)


@pytest.mark.parametrize("role", ["trainer", "learner"])
def test_only_admins_upload_and_download_packages(app, make_user, make_course, role, tmp_path):
    user = make_user(role=role)
    course = make_course(trainer=user)
    client = app.test_client()
    login(client, user)
    before = snapshot()

    assert client.get("/author/packages/upload").status_code == 403
    assert _upload(client, _package_zip(tmp_path)).status_code == 403
    assert client.get(f"/author/courses/{course.id}/package.zip").status_code == 403
    assert snapshot() == before


def test_with_csrf_on_an_oversized_upload_still_gets_the_clear_message(app_factory, make_user):
    # In production CSRF protection reads the form first, so the size error comes before the view.
    app = app_factory(
        config={"MAX_CONTENT_LENGTH": 1024 * 1024, "WTF_CSRF_ENABLED": True},
        plugins=[ExercisePlugin()],
    )
    with app.app_context():
        email = make_user(role="admin").email
    client = app.test_client()  # outside the app context: each request gets its own CSRF token
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": csrf_token(page)}
    )

    response = _upload(client, b"PK" + b"\0" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert "The package is larger than the limit of 1 MB. Nothing was imported." in _text(response)
