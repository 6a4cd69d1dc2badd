"""Files uploaded into a course's media folder: the allow-list of course packages (images, PDF, audio,
video, office documents), checked by content, size-limited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from media_samples import JPEG, MP3, PDF, PNG, SAFE_SVG, WEBP, office, svg

from nttlearn.extensions import db
from nttlearn.models import Lesson, Module


@pytest.fixture
def app_config():
    return {"IMAGE_MAX_MB": 1}


@pytest.fixture
def setup(make_user, make_course, login_as):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    login_as(trainer)
    return course


def _upload(client, course, name: str, data: bytes):
    return client.post(
        f"/author/courses/{course.id}/media",
        data={"image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _media(app, course) -> list[str]:
    folder = Path(app.instance_path) / "media" / course.slug
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize(
    ("name", "data"),
    [("Town Map.PNG", PNG), ("photo.jpg", JPEG), ("square.webp", WEBP), ("cycle.svg", SAFE_SVG)],
)
def test_an_image_is_saved_under_a_safe_name_and_served(app, client, setup, name, data):
    response = _upload(client, setup, name, data)

    assert response.status_code == 302
    saved = _media(app, setup)
    assert len(saved) == 1 and saved[0].split(".")[0] in ("town-map", "photo", "square", "cycle")
    page = client.get(f"/author/courses/{setup.id}/media").get_data(as_text=True)
    assert f"![description](../../media/{saved[0]})" in page
    assert client.get(f"/courses/{setup.slug}/media/{saved[0]}").data == data


@pytest.mark.parametrize(
    ("name", "data"),
    [("agreement.pdf", PDF), ("interview.mp3", MP3), ("budget.docx", office("docx"))],
)
def test_a_pdf_audio_or_document_is_saved_and_linked_not_shown_as_an_image(
    app, client, setup, name, data
):
    response = _upload(client, setup, name, data)

    assert response.status_code == 302
    assert _media(app, setup) == [name]
    page = client.get(f"/author/courses/{setup.id}/media").get_data(as_text=True)
    assert f"<code>[description](../../media/{name})</code>" in page


def test_the_same_name_twice_keeps_both(app, client, setup):
    _upload(client, setup, "map.png", PNG)
    _upload(client, setup, "map.png", PNG)

    assert _media(app, setup) == ["map-2.png", "map.png"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "drawing.svg",
            svg("<script>alert(1)</script>"),
            "The SVG drawing contains a &lt;script&gt; element, which could run",
        ),
        (
            "page.html",
            b"<html><script>x</script></html>",
            "Only images (PNG, JPEG, GIF, WebP, SVG), PDF, audio",
        ),
        ("app.js", b"alert(1)", "Only images (PNG, JPEG, GIF, WebP, SVG), PDF, audio"),
        (
            "fake.png",
            b"<html><script>x</script></html>",
            "The file&#39;s content is not a valid .png file, as its name says.",
        ),
        ("photo.png", JPEG, "The file is a JPEG file but its name ends in .png."),
        ("macro.docx", office("docx", macros=True), "The document contains macros"),
        ("huge.png", PNG + b"\0" * (1024 * 1024), "The image is larger than 1 MB."),
    ],
)
def test_a_file_the_allow_list_refuses_is_not_saved(app, client, setup, name, data, message):
    response = _upload(client, setup, name, data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _media(app, setup) == []


def test_an_upload_above_the_request_limit_gets_a_clear_message(
    app_factory, make_user, make_course, tmp_path
):
    app = app_factory(config={"MAX_CONTENT_LENGTH": 1024 * 1024})
    with app.app_context():
        trainer = make_user(role="trainer")
        course = make_course(modules=1, lessons=1, trainer=trainer)
        client = app.test_client()
        from nttlearn.testing import login

        login(client, trainer)
        response = _upload(client, course, "big.png", PNG + b"\0" * (2 * 1024 * 1024))

        assert response.status_code == 413
        assert "The file is larger than the limit of 1 MB. Nothing was saved." in response.get_data(
            as_text=True
        )
        assert _media(app, course) == []


def test_an_image_used_in_a_lesson_cannot_be_deleted(app, client, setup):
    _upload(client, setup, "map.png", PNG)
    lesson = db.session.execute(
        db.select(Lesson).join(Module).where(Module.course_id == setup.id)
    ).scalar_one()
    lesson.body = "![Our map](../../media/map.png)\n"
    db.session.commit()

    asked = client.post(f"/author/courses/{setup.id}/media/map.png/delete")
    refused = client.post(
        f"/author/courses/{setup.id}/media/map.png/delete",
        data={"confirmed": "1"},
        follow_redirects=True,
    )
    lesson.body = "No image any more.\n"
    db.session.commit()
    deleted = client.post(
        f"/author/courses/{setup.id}/media/map.png/delete",
        data={"confirmed": "1"},
        follow_redirects=True,
    )

    assert "Delete map.png?" in asked.get_data(as_text=True)  # asked first, on a page of its own

    assert (
        f"The file is used in: {lesson.title}. Remove it from these lessons first."
        in refused.get_data(as_text=True)
    )
    assert "The file has been deleted." in deleted.get_data(as_text=True)
    assert _media(app, setup) == []


def test_deleting_outside_the_media_folder_is_impossible(app, client, setup):
    secret = Path(app.instance_path) / "secret_key"
    assert secret.exists()

    response = client.post(
        f"/author/courses/{setup.id}/media/..%2F..%2Fsecret_key/delete", follow_redirects=True
    )

    assert "There is no such file." in response.get_data(as_text=True)
    assert secret.exists()


def test_another_trainer_cannot_upload(app, client, setup, make_user, login_as):
    client.post("/logout")
    login_as(make_user(role="trainer"))

    assert _upload(client, setup, "map.png", PNG).status_code == 403
    assert _media(app, setup) == []
