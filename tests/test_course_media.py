"""A course's media files: one allow-list (by content) for packages, the upload and the export, and
responses that are harmless even for a file that slipped into the media folder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from media_samples import HTML, JPEG, MP3, MP4, PDF, PNG, SAFE_SVG, office, opendocument, svg
from test_content_fakes import ExercisePlugin, run_cli, sample_files, write_package

from nttlearn.content.exporter import ExportError, export_course
from nttlearn.content.importer import ImportFailed, commit_import, import_package
from nttlearn.content.media_types import MediaRefused, check_media, media_headers
from nttlearn.extensions import db
from nttlearn.models import Course
from nttlearn.testing import repo_root


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


def _check(name: str, data: bytes):
    return check_media(name, io.BytesIO(data))


def _refusal(name: str, data: bytes) -> MediaRefused:
    with pytest.raises(MediaRefused) as refused:
        _check(name, data)
    return refused.value


# -- the allow-list, by content --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("cycle.png", PNG, "image"),
        ("photo.jpg", JPEG, "image"),
        ("photo.jpeg", JPEG, "image"),
        ("cycle.svg", SAFE_SVG, "image"),
        ("agreement.pdf", PDF, "pdf"),
        ("interview.mp3", MP3, "audio"),
        ("visit.mp4", MP4, "video"),
        ("budget.docx", office("docx"), "document"),
        ("figures.xlsx", office("xlsx"), "document"),
        ("slides.pptx", office("pptx"), "document"),
        ("notes.odt", opendocument(), "document"),
        ("table.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet"), "document"),
    ],
)
def test_images_pdf_audio_video_and_office_documents_are_accepted_by_content(name, data, kind):
    assert _check(name, data).kind == kind


@pytest.mark.parametrize(
    "name",
    ["page.html", "page.htm", "app.js", "style.css", "data.xml", "old.doc", "run.exe", "README"],
)
def test_other_kinds_of_file_are_refused_by_name(name):
    assert _refusal(name, PNG).reason == "not_allowed"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cycle.png", HTML, "not_what_its_name_says"),
        ("cycle.png", b"", "not_what_its_name_says"),
        ("agreement.pdf", HTML, "not_what_its_name_says"),
        ("visit.mp4", HTML, "not_what_its_name_says"),
        ("cycle.png", JPEG, "other_format"),
        ("budget.docx", b"PK\x03\x04 not really a zip", "not_what_its_name_says"),
        ("budget.docx", opendocument(), "not_what_its_name_says"),
        ("budget.docx", office("docx", macros=True), "macros"),
        ("notes.odt", office("docx"), "not_what_its_name_says"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, data, reason):
    assert _refusal(name, data).reason == reason


def _bomb(part: str, first: tuple[str, bytes]) -> bytes:
    """A small office file whose ``part`` unpacks to 50 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(*first)
        archive.writestr(part, b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("budget.docx", _bomb("[Content_Types].xml", ("word/document.xml", b"<document/>"))),
        ("notes.odt", _bomb("mimetype", ("content.xml", b"<office:document-content/>"))),
    ],
)
def test_an_office_document_whose_parts_unpack_to_gigabytes_is_refused_unread(name, data):
    assert len(data) < 100_000

    assert _refusal(name, data).reason == "not_what_its_name_says"


@pytest.mark.parametrize(
    ("inner", "attributes", "found"),
    [
        ("<script>alert(1)</script>", "", "<script>"),
        ("<SCRIPT>alert(1)</SCRIPT>", "", "<SCRIPT>"),
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
            "",
            "<foreignObject>",
        ),
        ('<html:iframe xmlns:html="http://www.w3.org/1999/xhtml" src="/"/>', "", "<iframe>"),
        ("", 'onload="alert(1)"', "event handler (onload=)"),
        ('<rect onclick="alert(1)"/>', "", "event handler (onclick=)"),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "", "a link to 'javascript:alert(1)'"),
        (
            '<image xlink:href="https://tracker.example/x.png"/>',
            "",
            "a link to 'https://tracker.example/x.png'",
        ),
        ('<use href="other.svg#shape"/>', "", "a link to 'other.svg#shape'"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "", "a link to"),
        ('<rect style="fill: url(https://tracker.example/x)"/>', "", "a style that loads a file"),
        (
            "<style>@import url(https://evil.example/x.css);</style>",
            "",
            "a style that loads a file",
        ),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "", "an animation of 'href'"),
    ],
)
def test_an_svg_that_could_run_a_script_or_load_a_file_is_refused(inner, attributes, found):
    refused = _refusal("drawing.svg", svg(inner, attributes))

    assert refused.reason == "unsafe_svg"
    assert found in refused.detail


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b'<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_an_svg_with_a_dtd_or_a_stylesheet_instruction_is_refused(data):
    assert _refusal("drawing.svg", data).reason == "unsafe_svg"


def test_an_svg_may_embed_a_raster_image_and_link_inside_itself():
    data = svg(
        '<image href="data:image/png;base64,iVBORw0KGgo="/><use xlink:href="#a"/><g id="a"/>'
        '<rect fill="url(\'#a\')" style="stroke: url( &quot;#a&quot; )"/><style>.x { fill: url("#a") }</style>'
    )
    assert _check("drawing.svg", data).extension == "svg"


def test_a_file_that_is_not_svg_at_all_is_refused():
    assert (
        _refusal("drawing.svg", b"<html><body>hi</body></html>").reason == "not_what_its_name_says"
    )
    assert _refusal("drawing.svg", b"not xml").reason == "not_what_its_name_says"


# -- course packages: import (all or nothing) and validation ---------------------------------------
def test_a_package_carrying_html_and_script_in_media_is_refused_and_nothing_is_imported(
    app, tmp_path
):
    package = write_package(
        tmp_path / "sample-course",
        sample_files(
            **{
                "media/x.html": HTML,
                "media/x.js": b"fetch('/account/export.json')",
                "media/fake.png": HTML,
            }
        ),
    )

    with pytest.raises(ImportFailed) as failed:
        import_package(package, app.extensions["nttlearn"].all_activity_types(), display="pkg")

    messages = [str(p) for p in failed.value.problems]
    assert (
        "pkg/media/fake.png:1: the file's content is not a valid .png file, as its name says"
        in messages
    )
    assert any(
        m.startswith("pkg/media/x.html:1: '.html' files are not allowed in media/ (allowed: images")
        for m in messages
    )
    assert any(
        m.startswith("pkg/media/x.js:1: '.js' files are not allowed in media/") for m in messages
    )
    db.session.rollback()
    assert db.session.execute(db.select(Course)).first() is None
    assert not (Path(app.instance_path) / "media" / "sample-course").exists()


def test_the_cli_check_reports_a_refused_media_file_with_its_path(app, tmp_path):
    package = write_package(
        tmp_path / "sample-course", sample_files(**{"media/drawing.svg": svg("<script>x</script>")})
    )

    result = run_cli(app, "courses", "validate", str(package))

    assert result.exit_code == 1
    assert (
        f"{package}/media/drawing.svg:1: the SVG drawing contains a <script> element"
        in result.stderr
    )


def test_a_package_with_safe_svg_pdf_and_documents_imports_them_and_leaves_hidden_files_out(
    app, tmp_path
):
    package = write_package(
        tmp_path / "sample-course",
        sample_files(
            **{
                "media/cycle.svg": SAFE_SVG,
                "media/agreement.pdf": PDF,
                "media/docs/budget.xlsx": office("xlsx"),
                "media/.gitkeep": b"",
                "media/.DS_Store": b"\x00\x00\x00\x01Bud1",
            }
        ),
    )

    import_package(package, app.extensions["nttlearn"].all_activity_types())
    commit_import()

    installed = Path(app.instance_path) / "media" / "sample-course"
    assert sorted(
        p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()
    ) == ["agreement.pdf", "cycle.png", "cycle.svg", "docs/budget.xlsx"]


def test_the_shipped_courses_still_validate(app):
    courses = sorted(
        str(p) for p in (repo_root() / "courses").iterdir() if (p / "course.yaml").is_file()
    )

    result = run_cli(app, "courses", "validate", *courses)

    assert result.exit_code == 0, result.stderr


# -- export ---------------------------------------------------------------------------------------
def test_the_export_refuses_a_media_file_that_slipped_in(app, tmp_path, make_course):
    course = make_course(modules=1, lessons=1)
    folder = Path(app.instance_path) / "media" / course.slug
    folder.mkdir(parents=True)
    (folder / "cycle.png").write_bytes(PNG)
    (folder / "x.html").write_bytes(HTML)

    with pytest.raises(ExportError, match="media/x.html: '.html' files are not allowed"):
        export_course(course, tmp_path / "out", app.extensions["nttlearn"].all_activity_types())
    (folder / "x.html").unlink()
    export_course(course, tmp_path / "out", app.extensions["nttlearn"].all_activity_types())
    assert (tmp_path / "out" / "media" / "cycle.png").read_bytes() == PNG


def test_downloading_a_package_with_a_refused_media_file_says_why(
    app, tmp_path, make_course, make_user, login_as, client
):
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=1, trainer=admin)
    folder = Path(app.instance_path) / "media" / course.slug
    folder.mkdir(parents=True)
    (folder / "x.html").write_bytes(HTML)
    login_as(admin)

    response = client.get(f"/author/courses/{course.id}/package.zip", follow_redirects=True)

    assert response.status_code == 200
    assert "The course cannot be downloaded as a package" in response.get_data(as_text=True)
    assert "media/x.html" in response.get_data(as_text=True)


# -- serving: safe whatever the folder holds -------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "mimetype", "inline", "extra"),
    [
        ("x.html", HTML, "application/octet-stream", False, ""),
        ("x.js", b"alert(1)", "application/octet-stream", False, ""),
        ("fake.png", HTML, "image/png", True, "; img-src 'self'"),
        (
            "drawing.svg",
            svg("<script>alert(1)</script>"),
            "image/svg+xml",
            True,
            "; img-src 'self'; style-src 'unsafe-inline'",
        ),
        ("agreement.pdf", PDF, "application/pdf", False, ""),
        (
            "budget.docx",
            office("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
            "",
        ),
        ("visit.mp4", MP4, "video/mp4", True, "; media-src 'self'"),
        ("interview.mp3", MP3, "audio/mpeg", True, "; media-src 'self'"),
    ],
)
def test_every_media_response_is_harmless_even_for_a_file_that_slipped_in(
    app, client, make_course, name, data, mimetype, inline, extra
):
    course = make_course(modules=1, lessons=1)
    folder = Path(app.instance_path) / "media" / course.slug
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data)

    response = client.get(f"/courses/{course.slug}/media/{name}")

    assert response.status_code == 200 and response.data == data
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'" + extra
    disposition = response.headers.get("Content-Disposition", "")
    if inline:
        assert not disposition.startswith("attachment")
    else:
        assert disposition.startswith("attachment")


def test_media_of_a_published_course_stay_cacheable(app, client, make_course):
    course = make_course(modules=1, lessons=1)
    folder = Path(app.instance_path) / "media" / course.slug
    folder.mkdir(parents=True)
    (folder / "cycle.png").write_bytes(PNG)

    response = client.get(f"/courses/{course.slug}/media/cycle.png")

    assert response.headers["Cache-Control"].startswith("public")


def test_media_headers_come_from_the_allow_list_not_from_the_content():
    assert media_headers("x.HTML")[:2] == ("application/octet-stream", False)
    assert media_headers("nested/cycle.PNG")[:2] == ("image/png", True)
