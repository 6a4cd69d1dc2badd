"""Unpacking an uploaded zip of a course package, refusing anything that could harm the server.

Every entry is checked before a byte is written: no absolute paths or ``..``, no symbolic links,
no encrypted entries, a limited number of files, and limits on the total unpacked size and on
each entry's compression ratio (zip bombs). While unpacking, the bytes actually written are
counted too, so a zip that lies about its sizes is stopped as well.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

MB = 1024 * 1024
IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$)")
DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafeArchive(ValueError):
    """The zip was refused; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_total_bytes: int = 200 * MB  # unpacked
    max_files: int = 5000
    max_ratio: int = 100  # unpacked / packed, checked for entries above ratio_floor
    ratio_floor: int = MB

    @classmethod
    def from_config(cls, config: dict) -> ArchiveLimits:
        return cls(
            max_total_bytes=int(config.get("PACKAGE_MAX_UNPACKED_MB", 200)) * MB,
            max_files=int(config.get("PACKAGE_MAX_FILES", 5000)),
            max_ratio=int(config.get("PACKAGE_MAX_RATIO", 100)),
        )


def _entry_path(name: str) -> PurePosixPath:
    clean = name.replace("\\", "/")
    if clean.startswith("/") or DRIVE.match(clean):
        raise UnsafeArchive(
            f"the zip holds an absolute path ('{name}'): packages hold relative paths only"
        )
    path = PurePosixPath(clean)
    if ".." in path.parts:
        raise UnsafeArchive(f"the zip holds a path that leaves its folder ('{name}')")
    if any(part in ("", ".") for part in clean.rstrip("/").split("/")):
        raise UnsafeArchive(f"the zip holds a malformed path ('{name}')")
    return path


def check_archive(
    archive: zipfile.ZipFile, limits: ArchiveLimits
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The entries to unpack, or :class:`UnsafeArchive` at the first reason to refuse the zip."""
    entries: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    seen: set[str] = set()
    total = 0
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise UnsafeArchive(
            f"the zip holds {len(infos)} entries; at most {limits.max_files} are allowed"
        )
    for info in infos:
        path = _entry_path(info.filename)
        if IGNORED.search(info.filename.replace("\\", "/")):
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeArchive(
                f"the zip holds a symbolic link ('{info.filename}'): links are not allowed"
            )
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: made on Windows, no type
            raise UnsafeArchive(f"the zip holds a special file ('{info.filename}')")
        if info.flag_bits & 0x1:
            raise UnsafeArchive(f"the zip holds an encrypted file ('{info.filename}')")
        key = path.as_posix().lower()
        if key in seen:
            raise UnsafeArchive(f"the zip holds '{info.filename}' twice")
        seen.add(key)
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeArchive(f"the zip unpacks to more than {limits.max_total_bytes // MB} MB")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive(
                f"'{info.filename}' is compressed more than {limits.max_ratio} times: "
                "the zip looks like a zip bomb"
            )
        entries.append((info, path))
    return entries


def extract_package(
    source: str | Path | IO[bytes], destination: Path, limits: ArchiveLimits | None = None
) -> Path:
    """Unpack a zipped package into ``destination`` (an empty folder) and return the package folder.

    The package is the zip's top level when it holds ``course.yaml``, or its only folder.
    """
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive("the file is not a zip archive") from exc
    with archive:
        entries = check_archive(archive, limits)
        written = 0
        for info, path in entries:
            target = destination.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as packed, target.open("wb") as out:
                    size = 0
                    while chunk := packed.read(64 * 1024):
                        size += len(chunk)
                        written += len(chunk)
                        if size > info.file_size or written > limits.max_total_bytes:
                            raise UnsafeArchive(
                                f"'{info.filename}' unpacks to more than the zip says"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
                raise UnsafeArchive(
                    f"'{info.filename}' is damaged or uses an unsupported compression"
                ) from exc
    return package_root(destination)


def package_root(folder: Path) -> Path:
    if (folder / "course.yaml").is_file():
        return folder
    children = [p for p in folder.iterdir() if p.is_dir()]
    if len(children) == 1 and (children[0] / "course.yaml").is_file():
        return children[0]
    raise UnsafeArchive("the zip holds no course.yaml, neither at the top nor in a single folder")
