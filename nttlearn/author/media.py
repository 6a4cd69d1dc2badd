"""A course's images: uploaded in the browser into ``instance/media/<slug>/``.

Only raster images are accepted, recognised by their first bytes and not only by their name:
PNG, JPEG, GIF and WebP. SVG is refused because it can carry scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from ..extensions import db
from ..models import Course, Lesson, Module

MB = 1024 * 1024
EXTENSIONS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp"}


class MediaRefused(ValueError):
    """The file was not saved; the message says why."""


@dataclass(frozen=True)
class MediaFile:
    name: str
    size: int

    @property
    def markdown_path(self) -> str:
        """How a lesson links to it (lessons live two folders below the package root)."""
        return f"../../media/{self.name}"


def media_folder(course: Course) -> Path:
    return Path(current_app.instance_path) / "media" / course.slug


def list_media(course: Course) -> list[MediaFile]:
    folder = media_folder(course)
    if not folder.is_dir():
        return []
    return [MediaFile(p.relative_to(folder).as_posix(), p.stat().st_size)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()]


def image_kind(head: bytes) -> str | None:
    """The image format from a file's first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def save_image(course: Course, filename: str, stream: IO[bytes]) -> MediaFile:
    """Store an uploaded image under a safe, unused name; :class:`MediaRefused` when it is not one."""
    limit = int(current_app.config.get("IMAGE_MAX_MB", 5)) * MB
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "svg":
        raise MediaRefused(_("SVG images are not accepted because they can contain scripts: upload a PNG, JPEG, GIF or WebP image."))
    if extension not in EXTENSIONS:
        raise MediaRefused(_("Only PNG, JPEG, GIF and WebP images can be uploaded."))
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise MediaRefused(_("The image is larger than %(mb)d MB.", mb=limit // MB))
    kind = image_kind(data[:16])
    if kind is None:
        raise MediaRefused(_("The file is not a PNG, JPEG, GIF or WebP image."))
    if kind != EXTENSIONS[extension]:
        raise MediaRefused(_("The file is a %(kind)s image but its name ends in .%(extension)s.", kind=kind.upper(), extension=extension))
    folder = media_folder(course)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9-]+", "-", secure_filename(filename.rsplit(".", 1)[0]).lower()).strip("-") or "image"
    name, n = f"{stem}.{extension}", 2
    while (folder / name).exists():
        name, n = f"{stem}-{n}.{extension}", n + 1
    (folder / name).write_bytes(data)
    return MediaFile(name, len(data))


def lessons_using(course: Course, name: str) -> list[Lesson]:
    """Live lessons of ``course`` whose text names the media file ``name``."""
    return list(db.session.execute(
        db.select(Lesson).join(Module).where(
            Module.course_id == course.id, Module.archived.is_(False), Lesson.archived.is_(False),
            Lesson.body.contains(f"media/{name}", autoescape=True))
    ).scalars())


def delete_media(course: Course, name: str) -> None:
    """Delete a media file that no lesson links to."""
    folder = media_folder(course)
    try:
        target = (folder / name).resolve()
        found = target.is_relative_to(folder.resolve()) and target.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL
        found = False
    if not found:
        raise MediaRefused(_("There is no such file."))
    using = lessons_using(course, name)
    if using:
        raise MediaRefused(_("The file is used in: %(lessons)s. Remove it from these lessons first.",
                             lessons=", ".join(lesson.title for lesson in using)))
    target.unlink()
