"""Issue 16: trainers set, replace and remove a course's catalogue picture (course.yaml's ``image``
and ``image_alt``) on the course settings page, with what it shows in each language. The file goes
through the media files' checks; a picture needs its English alternative text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from media_samples import PDF, PNG, SAFE_SVG

from nttlearn.extensions import db
from nttlearn.models import Course


@pytest.fixture
def course(make_user, make_course, login_as):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    login_as(trainer)
    return course


def _post(client, course, name=None, data=None, **fields):
    form = {"image_alt": "", **fields}
    if name is not None:
        form["picture"] = (io.BytesIO(data), name)
    return client.post(
        f"/author/courses/{course.id}/picture", data=form, content_type="multipart/form-data"
    )


def _stored(app, course) -> list[str]:
    folder = Path(app.instance_path) / "media" / course.slug
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _fresh(course) -> Course:
    db.session.expire_all()
    return db.session.get(Course, course.id)


def test_a_trainer_uploads_a_picture_with_what_it_shows_in_two_languages(app, client, course):
    saved = _post(
        client,
        course,
        "Town Halls.png",
        PNG,
        image_alt="Two town halls linked by a bridge",
        image_alt_it="Due municipi uniti da un ponte",
    )

    assert saved.status_code == 302
    row = _fresh(course)
    assert row.image == "town-halls.png" and _stored(app, course) == ["town-halls.png"]
    assert row.image_alt == "Two town halls linked by a bridge"
    assert row.localized("image_alt", "it") == "Due municipi uniti da un ponte"
    assert (
        row.localized("image_alt", "sv") == "Two town halls linked by a bridge"
    )  # English where none
    catalogue = client.get("/?language=it").get_data(as_text=True) + client.get("/").get_data(
        as_text=True
    )
    assert 'alt="Two town halls linked by a bridge"' in catalogue
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "Replace the picture" in page and "Remove the picture" in page and 'lang="it"' in page


def test_the_alternative_text_is_required_with_a_picture_and_nothing_is_stored_without_it(
    app, client, course
):
    refused = _post(client, course, "map.png", PNG, image_alt="   ", image_alt_it="Una mappa")

    assert refused.status_code == 422
    assert "Say what the picture shows, for those who cannot see it." in refused.get_data(
        as_text=True
    )
    assert 'value="Una mappa"' in refused.get_data(as_text=True)  # the form keeps what was typed
    assert _fresh(course).image == "" and _stored(app, course) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", PDF, "The catalogue picture must be an image: PNG, JPEG, GIF, WebP or SVG."),
        ("map.png", PDF, "but its name ends in .png"),
        ("tool.exe", b"MZ" + b"\x00" * 60, "can be uploaded"),
    ],
)
def test_a_file_that_is_no_allowed_picture_is_refused(app, client, course, name, data, message):
    refused = _post(client, course, name, data, image_alt="A map")

    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert _fresh(course).image == "" and _stored(app, course) == []


def test_the_picture_is_replaced_its_texts_changed_then_removed_keeping_the_file(
    app, client, course
):
    _post(client, course, "first.png", PNG, image_alt="First picture", image_alt_sv="Första bilden")
    replaced = _post(client, course, "second.svg", SAFE_SVG, image_alt="Second picture")
    row = _fresh(course)
    assert (
        replaced.status_code == 302
        and row.image == "second.svg"
        and row.image_alt == "Second picture"
    )
    assert row.localized("image_alt", "sv") == "Second picture"  # the emptied Swedish text is gone

    reworded = _post(
        client, course, image_alt="Second picture, reworded"
    )  # no new file: texts only
    assert reworded.status_code == 302 and _fresh(course).image == "second.svg"
    assert _fresh(course).image_alt == "Second picture, reworded"

    removed = client.post(f"/author/courses/{course.id}/picture", data={"action": "remove"})
    row = _fresh(course)
    assert removed.status_code == 302 and row.image == "" and row.image_alt == ""
    assert "image_alt" not in str(row.translations)
    assert _stored(app, course) == ["first.png", "second.svg"]  # the files stay in the media files


def test_only_the_course_s_staff_change_its_picture(
    app, client, make_user, make_course, login_as, course
):
    other = make_course(modules=1, lessons=1, trainer=make_user(role="trainer"))
    login_as(make_user(role="trainer"))

    assert _post(client, other, "map.png", PNG, image_alt="A map").status_code == 403
    login_as(make_user())
    assert _post(client, other, "map.png", PNG, image_alt="A map").status_code == 403
    assert _fresh(other).image == "" and _stored(app, other) == []
