"""Images uploaded into a course's media folder: raster images only, size-limited, checked by content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nttlearn.extensions import db
from nttlearn.models import Lesson, Module

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
WEBP = b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def app(app_factory):
    app = app_factory(config={"IMAGE_MAX_MB": 1})
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def setup(make_user, make_course, login_as):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    login_as(trainer)
    return course


def _upload(client, course, name: str, data: bytes):
    return client.post(f"/author/courses/{course.id}/media", data={"image": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _media(app, course) -> list[str]:
    folder = Path(app.instance_path) / "media" / course.slug
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize(("name", "data"), [("Town Map.PNG", PNG), ("photo.jpg", JPEG), ("square.webp", WEBP)])
def test_an_image_is_saved_under_a_safe_name_and_served(app, client, setup, name, data):
    response = _upload(client, setup, name, data)

    assert response.status_code == 302
    saved = _media(app, setup)
    assert len(saved) == 1 and saved[0].split(".")[0] in ("town-map", "photo", "square")
    page = client.get(f"/author/courses/{setup.id}/media").get_data(as_text=True)
    assert f"![description](../../media/{saved[0]})" in page
    assert client.get(f"/courses/{setup.slug}/media/{saved[0]}").data == data


def test_the_same_name_twice_keeps_both(app, client, setup):
    _upload(client, setup, "map.png", PNG)
    _upload(client, setup, "map.png", PNG)

    assert _media(app, setup) == ["map-2.png", "map.png"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("drawing.svg", SVG, "SVG images are not accepted because they can contain scripts"),
    ("notes.pdf", b"%PDF-1.7", "Only PNG, JPEG, GIF and WebP images can be uploaded."),
    ("fake.png", b"<html><script>x</script></html>", "The file is not a PNG, JPEG, GIF or WebP image."),
    ("photo.png", JPEG, "The file is a JPEG image but its name ends in .png."),
    ("huge.png", PNG + b"\0" * (1024 * 1024), "The image is larger than 1 MB."),
])
def test_anything_but_a_small_raster_image_is_refused(app, client, setup, name, data, message):
    response = _upload(client, setup, name, data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _media(app, setup) == []


def test_an_upload_above_the_request_limit_gets_a_clear_message(app_factory, make_user, make_course, tmp_path):
    app = app_factory(config={"MAX_CONTENT_LENGTH": 1024 * 1024})
    with app.app_context():
        trainer = make_user(role="trainer")
        course = make_course(modules=1, lessons=1, trainer=trainer)
        client = app.test_client()
        from nttlearn.testing import login

        login(client, trainer)
        response = _upload(client, course, "big.png", PNG + b"\0" * (2 * 1024 * 1024))

        assert response.status_code == 413
        assert "The image is larger than the limit of 1 MB. Nothing was saved." in response.get_data(as_text=True)
        assert _media(app, course) == []


def test_an_image_used_in_a_lesson_cannot_be_deleted(app, client, setup):
    _upload(client, setup, "map.png", PNG)
    lesson = db.session.execute(db.select(Lesson).join(Module).where(Module.course_id == setup.id)).scalar_one()
    lesson.body = "![Our map](../../media/map.png)\n"
    db.session.commit()

    refused = client.post(f"/author/courses/{setup.id}/media/map.png/delete", follow_redirects=True)
    lesson.body = "No image any more.\n"
    db.session.commit()
    deleted = client.post(f"/author/courses/{setup.id}/media/map.png/delete", follow_redirects=True)

    assert f"The file is used in: {lesson.title}. Remove it from these lessons first." in refused.get_data(as_text=True)
    assert "The file has been deleted." in deleted.get_data(as_text=True)
    assert _media(app, setup) == []


def test_deleting_outside_the_media_folder_is_impossible(app, client, setup):
    secret = Path(app.instance_path) / "secret_key"
    assert secret.exists()

    response = client.post(f"/author/courses/{setup.id}/media/..%2F..%2Fsecret_key/delete", follow_redirects=True)

    assert "There is no such file." in response.get_data(as_text=True)
    assert secret.exists()


def test_another_trainer_cannot_upload(app, client, setup, make_user, login_as):
    client.post("/logout")
    login_as(make_user(role="trainer"))

    assert _upload(client, setup, "map.png", PNG).status_code == 403
    assert _media(app, setup) == []
