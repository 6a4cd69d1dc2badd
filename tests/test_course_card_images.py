"""A course package's catalogue picture (``image``, ``image_alt`` in course.yaml): checked, imported
with the course's media, shown on the catalogue card, and exported byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_content_fakes import COURSE_YAML, run_cli, sample_files, write_package

from nttlearn.content.package import load_package
from nttlearn.extensions import db
from nttlearn.learn.services import card_summary
from nttlearn.models import Course

COVER = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160"><title>Towns</title>'
    b'<rect width="320" height="160" fill="#e7eef6"/></svg>\n'
)
WITH_IMAGE = COURSE_YAML.replace(
    "policy_area: youth",
    """\
image: media/cover.svg
image_alt:
  en: Five towns linked in a network
  sv: Fem orter i ett nätverk
policy_area: youth""",
)
SHIPPED = Path(__file__).resolve().parent.parent / "courses"


def _package(tmp_path: Path, course_yaml: str = WITH_IMAGE, **files) -> Path:
    return write_package(
        tmp_path / "sample-course",
        sample_files(
            **{
                "course.yaml": course_yaml,
                "media/cover.svg": COVER,
                "modules/01-cycle/module.yaml": "title: The project cycle\n",
                **files,
            }
        ),
    )


def _messages(path: Path) -> list[str]:
    return [problem.message for problem in load_package(path).problems]


def test_a_package_naming_its_picture_and_alternative_text_is_valid(tmp_path):
    spec = load_package(_package(tmp_path))

    assert spec.problems == []
    assert spec.course.image == "cover.svg"
    assert spec.course.image_alt == "Five towns linked in a network"
    assert spec.course.translations["sv"]["image_alt"] == "Fem orter i ett nätverk"


@pytest.mark.parametrize(
    ("course_yaml", "files", "expected"),
    [
        (
            WITH_IMAGE,
            {"media/cover.svg": None},
            "the image 'media/cover.svg' is not in the package",
        ),
        (
            WITH_IMAGE.replace(
                "image_alt:\n  en: Five towns linked in a network\n  sv: Fem orter i ett nätverk\n",
                "",
            ),
            {},
            "'image' needs 'image_alt': a short text that says what the picture shows",
        ),
        (
            WITH_IMAGE.replace("media/cover.svg", "modules/01-cycle/questions.txt"),
            {},
            "'image' must name a file in the package's media/ folder (image: media/cover.svg)",
        ),
        (
            WITH_IMAGE.replace("media/cover.svg", "media/../course.yaml"),
            {},
            "'image' must be a picture (SVG, PNG, JPEG, GIF or WebP) in media/, not 'media/../course.yaml'",
        ),
        (
            COURSE_YAML.replace("policy_area: youth", "image_alt: A picture\npolicy_area: youth"),
            {},
            "'image_alt' describes an 'image': name the image too",
        ),
    ],
    ids=["missing-file", "no-alt", "outside-media", "not-a-picture", "alt-without-image"],
)
def test_validate_refuses_a_picture_that_is_missing_or_has_no_alternative_text(
    tmp_path, course_yaml, files, expected
):
    assert expected in _messages(_package(tmp_path, course_yaml, **files))


def test_import_stores_the_picture_with_the_course_media_and_the_catalogue_shows_it(
    app, client, tmp_path
):
    result = run_cli(app, "courses", "import", str(_package(tmp_path)))
    assert result.exit_code == 0, result.output
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
    assert (course.image, course.image_alt) == ("cover.svg", "Five towns linked in a network")

    page = client.get("/").get_data(as_text=True)
    assert (
        'src="/courses/sample-course/media/cover.svg" alt="Five towns linked in a network"' in page
    )
    picture = client.get("/courses/sample-course/media/cover.svg")
    assert picture.status_code == 200 and picture.data == COVER
    with client.session_transaction() as session:
        session["locale"] = "sv"
    assert 'alt="Fem orter i ett nätverk"' in client.get("/").get_data(as_text=True)


def test_export_round_trips_the_picture_byte_for_byte(app, tmp_path):
    run_cli(app, "courses", "import", str(_package(tmp_path)))

    result = run_cli(app, "courses", "export", "sample-course", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "media" / "cover.svg").read_bytes() == COVER
    exported = yaml.safe_load((tmp_path / "out" / "course.yaml").read_text(encoding="utf-8"))
    assert exported["image"] == "media/cover.svg"
    assert exported["image_alt"] == {
        "en": "Five towns linked in a network",
        "sv": "Fem orter i ett nätverk",
    }
    assert load_package(tmp_path / "out").problems == []


def test_every_shipped_course_has_a_small_cover_with_alternative_text_in_each_language():
    for course_yaml in sorted(SHIPPED.glob("*/course.yaml")):
        spec = load_package(course_yaml.parent)
        assert spec.problems == [], course_yaml
        assert spec.course.image == "cover.svg"
        assert {
            locale for locale, texts in spec.course.translations.items() if texts.get("image_alt")
        } == {"it", "sv", "es", "fi"}
        assert (course_yaml.parent / "media" / "cover.svg").stat().st_size < 4096


def test_the_catalogue_card_shows_the_first_sentence_not_the_whole_summary(
    app, client, make_course
):
    long_summary = (
        "A thematic course for officials who work on energy. It explains the EU framework "
        "and shows what networks can do. " * 3
    ).strip()
    make_course(slug="energy", title="Energy", summary=long_summary, published=True)

    page = client.get("/").get_data(as_text=True)

    assert (
        '<p class="course-card-summary">A thematic course for officials who work on energy.</p>'
        in page
    )
    assert "It explains the EU framework" not in page


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Short. Second sentence.",
            "Short. Second sentence.",
        ),  # a first "sentence" under 20 characters is no sentence
        (
            "A course about twinned towns and their networks. More follows here.",
            "A course about twinned towns and their networks.",
        ),
        ("word " * 60, ("word " * 31).strip() + "…"),
        ("", ""),
    ],
)
def test_card_summary_is_the_first_sentence_or_about_160_characters(summary, expected):
    assert card_summary(summary) == expected
    assert len(card_summary(summary)) <= 160


def test_translating_the_course_in_the_browser_keeps_the_pictures_alternative_text(app, tmp_path):
    from nttlearn.author.translations import opened_token, save_translation

    run_cli(app, "courses", "import", str(_package(tmp_path)))
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()

    save_translation(
        course,
        "sv",
        {"title": "Exempelkurs", "summary": "En kurs för testerna."},
        opened_token(course, "sv"),
    )
    db.session.commit()

    assert course.localized("title", "sv") == "Exempelkurs"
    assert course.localized("image_alt", "sv") == "Fem orter i ett nätverk"


def test_the_media_page_will_not_delete_the_courses_picture(app, tmp_path):
    from nttlearn.author.media import MediaRefused, delete_media

    run_cli(app, "courses", "import", str(_package(tmp_path)))
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()

    with app.test_request_context(), pytest.raises(MediaRefused, match="catalogue picture"):
        delete_media(course, "cover.svg")
