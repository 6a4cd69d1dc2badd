"""Unpacking uploaded zips: traversal, absolute paths, links and zip bombs are refused before any write."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest
from test_content_fakes import zip_bytes

from nttlearn.content.archive import ArchiveLimits, UnsafeArchive, extract_package

COURSE = "slug: tiny\ntitle: Tiny\n"


def _extract(tmp_path, data: bytes, limits: ArchiveLimits | None = None):
    target = tmp_path / "out"
    target.mkdir()
    return extract_package(io.BytesIO(data), target, limits), target


def _with_mode(name: str, mode: int, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, data)
        archive.writestr("course.yaml", COURSE)
    return buffer.getvalue()


def test_a_package_at_the_top_or_in_one_folder_is_found(tmp_path):
    root, target = _extract(
        tmp_path,
        zip_bytes({"tiny/course.yaml": COURSE, "tiny/modules/01-a/module.yaml": "title: A\n"}),
    )

    assert root == target / "tiny"
    assert (root / "modules/01-a/module.yaml").read_text() == "title: A\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", "the zip holds a path that leaves its folder ('../evil.txt')"),
        (
            "tiny/../../evil.txt",
            "the zip holds a path that leaves its folder ('tiny/../../evil.txt')",
        ),
        ("..\\..\\evil.txt", "the zip holds a path that leaves its folder ('..\\..\\evil.txt')"),
        (
            "/etc/cron.d/evil",
            "the zip holds an absolute path ('/etc/cron.d/evil'): packages hold relative paths only",
        ),
        (
            "C:/Windows/evil.dll",
            "the zip holds an absolute path ('C:/Windows/evil.dll'): packages hold relative paths only",
        ),
    ],
)
def test_paths_leaving_the_folder_are_refused_and_nothing_is_written(tmp_path, name, message):
    with pytest.raises(UnsafeArchive) as refused:
        _extract(tmp_path, zip_bytes({"course.yaml": COURSE, name: "boom"}))

    assert str(refused.value) == message
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_symbolic_links_are_refused(tmp_path):
    data = _with_mode("media/passwords.png", stat.S_IFLNK | 0o777, b"/etc/passwd")

    with pytest.raises(UnsafeArchive, match=r"symbolic link \('media/passwords.png'\)"):
        _extract(tmp_path, data)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    data = zip_bytes({"course.yaml": COURSE, "media/zeros.png": b"\0" * (20 * 1024 * 1024)})
    assert len(data) < 100_000

    with pytest.raises(
        UnsafeArchive, match="compressed more than 100 times: the zip looks like a zip bomb"
    ):
        _extract(tmp_path, data)


def test_a_zip_that_unpacks_too_large_is_refused(tmp_path):
    data = zip_bytes(
        {
            "course.yaml": COURSE,
            "media/a.bin": os.urandom(600_000),
            "media/b.bin": os.urandom(600_000),
        },
        compression=zipfile.ZIP_STORED,
    )

    with pytest.raises(UnsafeArchive, match="unpacks to more than 1 MB"):
        _extract(tmp_path, data, ArchiveLimits(max_total_bytes=1024 * 1024))


def test_too_many_files_are_refused(tmp_path):
    data = zip_bytes(
        {f"modules/01-a/{n:02d}-l.md": "x" for n in range(30)} | {"course.yaml": COURSE}
    )

    with pytest.raises(UnsafeArchive, match="the zip holds 31 entries; at most 20 are allowed"):
        _extract(tmp_path, data, ArchiveLimits(max_files=20))


def test_something_that_is_not_a_zip_is_refused(tmp_path):
    with pytest.raises(UnsafeArchive, match="the file is not a zip archive"):
        _extract(tmp_path, b"%PDF-1.7 not a zip")


def test_a_zip_without_course_yaml_is_refused(tmp_path):
    with pytest.raises(UnsafeArchive, match="the zip holds no course.yaml"):
        _extract(tmp_path, zip_bytes({"a/readme.txt": "hello", "b/readme.txt": "hello"}))


def test_mac_os_resource_files_are_skipped(tmp_path):
    root, _ = _extract(
        tmp_path,
        zip_bytes(
            {"tiny/course.yaml": COURSE, "__MACOSX/tiny/._course.yaml": "x", "tiny/.DS_Store": "x"}
        ),
    )

    assert sorted(p.name for p in root.parent.rglob("*")) == ["course.yaml", "tiny"]
