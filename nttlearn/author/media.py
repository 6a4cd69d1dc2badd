"""A course's media files, uploaded in the browser, kept in the site's file store under
``media/<slug>/`` (by default the instance folder: ``instance/media/<slug>/``).

The same allow-list as course packages (:mod:`nttlearn.content.media_types`): images (SVG only
without scripts or outside links), PDF, audio, video and office documents, each recognised by its
content and not only by its name.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from ..content.media_types import MediaRefused as RefusedByAllowList
from ..content.media_types import MediaType, check_media, media_prefix, media_type
from ..extensions import db
from ..models import Course, Lesson, Module
from ..storage import file_store, valid_key

MB = 1024 * 1024


class MediaRefused(ValueError):
    """The file was not saved; the message says why, in the person's language."""


@dataclass(frozen=True)
class MediaFile:
    name: str
    size: int

    @property
    def markdown_path(self) -> str:
        """How a lesson links to it (lessons live two folders below the package root)."""
        return f"../../media/{self.name}"

    @property
    def is_image(self) -> bool:
        """Shown in a lesson as an image (``![…](…)``); any other file is a link (``[…](…)``)."""
        kind = media_type(self.name)
        return kind is not None and kind.kind == "image"


def list_media(course: Course) -> list[MediaFile]:
    prefix = media_prefix(course.slug)
    return [MediaFile(f.name_under(prefix), f.size) for f in file_store().list(prefix)]


def refusal_message(refused: RefusedByAllowList) -> str:
    """Why the allow-list refused a file (the ``MediaRefused`` that ``check_media`` raised), in the
    reader's language: the upload forms' message."""
    if refused.reason == "not_allowed":
        return _(
            "Only images (PNG, JPEG, GIF, WebP, SVG), PDF, audio (MP3, M4A, Ogg, WAV, FLAC), video (MP4, "
            "WebM, Ogg) and documents (DOCX, XLSX, PPTX, ODT, ODS, ODP) can be uploaded."
        )
    if refused.reason == "other_format":
        return _(
            "The file is a %(kind)s file but its name ends in .%(extension)s.",
            kind=refused.detail,
            extension=refused.extension,
        )
    if refused.reason == "unsafe_svg":
        return _(
            "The SVG drawing contains %(what)s, which could run a script or load something from elsewhere: "
            "remove it, or upload the drawing as a PNG image.",
            what=refused.detail,
        )
    if refused.reason == "macros":
        return _("The document contains macros: save it without them, or as PDF.")
    return _(
        "The file's content is not a valid .%(extension)s file, as its name says.",
        extension=refused.extension,
    )


def check_upload(filename: str, data: bytes) -> MediaType:
    """The allow-list's type for an uploaded file's name and content; :class:`MediaRefused`, with
    the reason in the person's language, when the list refuses it. Size limits are the caller's."""
    try:
        return check_media(filename, io.BytesIO(data))
    except RefusedByAllowList as refused:
        raise MediaRefused(refusal_message(refused)) from None


def save_media(course: Course, filename: str, stream: IO[bytes]) -> MediaFile:
    """Store an uploaded file under a safe, unused name; :class:`MediaRefused` when the allow-list
    refuses it or it is too large (images: ``IMAGE_MAX_MB``; other files: the upload limit)."""
    kind = media_type(filename)
    if kind is None:
        raise MediaRefused(refusal_message(RefusedByAllowList("not_allowed", "")))
    megabytes = (
        current_app.config.get("IMAGE_MAX_MB", 5)
        if kind.kind == "image"
        else current_app.config["MAX_UPLOAD_MB"]
    )
    limit = int(megabytes) * MB
    data = stream.read(limit + 1)
    if len(data) > limit:
        if kind.kind == "image":
            raise MediaRefused(_("The image is larger than %(mb)d MB.", mb=limit // MB))
        raise MediaRefused(_("The file is larger than %(mb)d MB.", mb=limit // MB))
    try:
        check_media(filename, io.BytesIO(data))
    except RefusedByAllowList as refused:
        raise MediaRefused(refusal_message(refused)) from None
    store, prefix = file_store(), media_prefix(course.slug)
    stem = (
        re.sub(r"[^a-z0-9-]+", "-", secure_filename(filename.rsplit(".", 1)[0]).lower()).strip("-")
        or "file"
    )
    name, n = f"{stem}.{kind.extension}", 2
    while store.exists(prefix + name):
        name, n = f"{stem}-{n}.{kind.extension}", n + 1
    store.save(prefix + name, data)
    return MediaFile(name, len(data))


def lessons_using(course: Course, name: str) -> list[Lesson]:
    """Live lessons of ``course`` whose text names the media file ``name``."""
    return list(
        db.session.execute(
            db.select(Lesson)
            .join(Module)
            .where(
                Module.course_id == course.id,
                Module.archived.is_(False),
                Lesson.archived.is_(False),
                Lesson.body.contains(f"media/{name}", autoescape=True),
            )
        ).scalars()
    )


def delete_media(course: Course, name: str) -> None:
    """Delete a media file that no lesson links to."""
    store, key = file_store(), media_prefix(course.slug) + name
    if not valid_key(key) or not store.exists(key):  # "../secret_key" is no key at all
        raise MediaRefused(_("There is no such file."))
    using = lessons_using(course, name)
    if using:
        raise MediaRefused(
            _(
                "The file is used in: %(lessons)s. Remove it from these lessons first.",
                lessons=", ".join(lesson.title for lesson in using),
            )
        )
    if name == course.image:
        raise MediaRefused(
            _("The file is the course's catalogue picture (the image of course.yaml).")
        )
    store.delete(key)
