"""What a course's ``media/`` folder may hold: one allow-list for the browser upload, the package
import and export, and the headers every media file is served with.

A file is accepted when its name ends in an allowed extension **and** its content is what the name
says, read from its first bytes (the ``filetype`` package) or, for office documents, from the zip
they are (Python's ``zipfile``): a page named ``photo.png`` is refused. SVG drawings are XML that
browsers would run scripts in, so an SVG is accepted only when it has no script, no
``foreignObject``, no event handler, no link or style that loads anything from elsewhere, and no
DTD (checked with ``defusedxml``, nothing is rewritten). Office documents with macros are refused.

Whatever is in the folder (a file from before these checks), :func:`media_headers` serves it
safely: images, audio and video inline, anything else as a download, never sniffed, in a sandbox
that runs no script.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import filetype
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

HEAD_BYTES = 8192  # what filetype reads
SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class MediaType:
    """An allowed kind of media file."""

    extension: str
    mime: str
    kind: str  # image | audio | video | pdf | document
    label: str  # how a person names the format
    content: frozenset[str] = frozenset()  # filetype's extensions for this content

    @property
    def inline(self) -> bool:
        """Shown in the browser (``<img>``, a player); everything else is downloaded."""
        return self.kind in ("image", "audio", "video")


def _types() -> dict[str, MediaType]:
    table = [
        ("png", "image/png", "image", "PNG", {"png", "apng"}),
        ("jpg", "image/jpeg", "image", "JPEG", {"jpg"}),
        ("jpeg", "image/jpeg", "image", "JPEG", {"jpg"}),
        ("gif", "image/gif", "image", "GIF", {"gif"}),
        ("webp", "image/webp", "image", "WebP", {"webp"}),
        ("svg", "image/svg+xml", "image", "SVG", set()),
        ("pdf", "application/pdf", "pdf", "PDF", {"pdf"}),
        ("mp3", "audio/mpeg", "audio", "MP3", {"mp3"}),
        ("m4a", "audio/mp4", "audio", "M4A", {"m4a", "mp4"}),
        ("ogg", "audio/ogg", "audio", "Ogg", {"ogg"}),
        ("oga", "audio/ogg", "audio", "Ogg", {"ogg"}),
        ("wav", "audio/wav", "audio", "WAV", {"wav"}),
        ("flac", "audio/flac", "audio", "FLAC", {"flac"}),
        ("mp4", "video/mp4", "video", "MP4", {"mp4", "m4v"}),
        ("m4v", "video/mp4", "video", "MP4", {"mp4", "m4v"}),
        ("webm", "video/webm", "video", "WebM", {"webm", "mkv"}),
        ("ogv", "video/ogg", "video", "Ogg", {"ogg"}),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
            "Word",
            set(),
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "document",
            "Excel",
            set(),
        ),
        (
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "document",
            "PowerPoint",
            set(),
        ),
        ("odt", "application/vnd.oasis.opendocument.text", "document", "OpenDocument", set()),
        (
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            "document",
            "OpenDocument",
            set(),
        ),
        (
            "odp",
            "application/vnd.oasis.opendocument.presentation",
            "document",
            "OpenDocument",
            set(),
        ),
    ]
    return {
        ext: MediaType(ext, mime, kind, label, frozenset(content))
        for ext, mime, kind, label, content in table
    }


MEDIA_TYPES = _types()
# The part an OOXML package must hold (besides [Content_Types].xml).
OOXML_MAIN = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ALLOWED_SUMMARY = (
    "images (PNG, JPEG, GIF, WebP, SVG), PDF, audio (MP3, M4A, Ogg, WAV, FLAC), "
    "video (MP4, WebM, Ogg) and documents (DOCX, XLSX, PPTX, ODT, ODS, ODP)"
)


class MediaRefused(ValueError):
    """A file the allow-list refuses. ``reason`` is one of ``not_allowed``, ``not_what_its_name_says``,
    ``other_format``, ``unsafe_svg``, ``macros``; ``detail`` names what was found. ``str()`` is
    the English message used in package problems; the browser upload words it in the
    person's language from ``reason`` and ``detail``."""

    def __init__(self, reason: str, extension: str, detail: str = "") -> None:
        self.reason, self.extension, self.detail = reason, extension, detail
        super().__init__(self.english())

    def english(self) -> str:
        if self.reason == "not_allowed":
            return (
                f"'.{self.extension}' files are not allowed in media/ (allowed: {ALLOWED_SUMMARY})"
                if self.extension
                else f"a file without an extension is not allowed in media/ (allowed: {ALLOWED_SUMMARY})"
            )
        if self.reason == "other_format":
            return f"the file is a {self.detail} file but its name ends in .{self.extension}"
        if self.reason == "unsafe_svg":
            return (
                f"the SVG drawing contains {self.detail}, which could run a script or load something "
                f"from elsewhere: remove it (or export the drawing as PNG)"
            )
        if self.reason == "macros":
            return "the document contains macros: save it without them (as .docx, .xlsx or .pptx) or as PDF"
        return f"the file's content is not a valid .{self.extension} file, as its name says"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""


def media_type(name: str) -> MediaType | None:
    """The allowed type a file's name claims (by its extension), or None."""
    return MEDIA_TYPES.get(extension_of(name))


def check_media(name: str, stream: BinaryIO) -> MediaType:
    """The file's type when the allow-list accepts it; :class:`MediaRefused` otherwise.

    ``stream`` is the file's content, open for reading and seekable (a file or ``BytesIO``).
    """
    extension = extension_of(name)
    claimed = MEDIA_TYPES.get(extension)
    if claimed is None:
        raise MediaRefused("not_allowed", extension)
    stream.seek(0)
    if extension == "svg":
        _check_svg(stream.read())
        return claimed
    if claimed.kind == "document":
        _check_office(claimed, stream)
        return claimed
    head = stream.read(HEAD_BYTES)
    found = filetype.guess(head) if head else None
    if found is not None and found.extension in claimed.content:
        return claimed
    other = next(
        (t for t in MEDIA_TYPES.values() if found is not None and found.extension in t.content),
        None,
    )
    if other is not None:
        raise MediaRefused("other_format", extension, other.label)
    raise MediaRefused("not_what_its_name_says", extension)


def media_prefix(slug: str) -> str:
    """Where a course's media files are kept in the site's file store (:mod:`nttlearn.storage`):
    ``media/<slug>/``, which the local store keeps as ``instance/media/<slug>/``."""
    return f"media/{slug}/"


def media_files(folder: Path) -> Iterator[Path]:
    """The files of a media folder, sorted: no symbolic links, nothing hidden (``.gitkeep``,
    ``.DS_Store``), as the import copies them and the export writes them."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for path in sorted(folder.rglob("*")):
        inside = path.relative_to(folder).parts
        if (
            path.is_file()
            and not path.is_symlink()
            and not any(part.startswith(".") for part in inside)
        ):
            yield path


def check_media_file(path: Path) -> MediaType:
    """:func:`check_media` for a file on disk."""
    with path.open("rb") as stream:
        return check_media(path.name, stream)


# -- the response ------------------------------------------------------------------------------
def media_headers(name: str) -> tuple[str, bool, dict[str, str]]:
    """How to serve the media file ``name``: its MIME type, whether it is shown inline, and the
    headers that make it harmless even if its content is not what the allow-list expects.

    The type comes from the allow-list by extension, never from the content or the system's
    MIME table; a name the list does not know is a download of ``application/octet-stream``.
    ``sandbox`` with ``default-src 'none'`` means that nothing runs and nothing loads when the
    file is opened on its own; an image may show itself, a player may play its own file (without
    ``media-src 'self'`` browsers refuse to play a video opened directly), and an SVG may use its
    inline styles (CSS cannot run a script, and loads nothing under ``default-src 'none'``).
    """
    kind = media_type(name)
    policy = "sandbox; default-src 'none'"
    if kind is not None and kind.kind == "image":
        policy += "; img-src 'self'" + (
            "; style-src 'unsafe-inline'" if kind.extension == "svg" else ""
        )
    elif kind is not None and kind.kind in ("audio", "video"):
        policy += "; media-src 'self'"
    headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"}
    return (kind.mime if kind else "application/octet-stream"), bool(kind and kind.inline), headers


# -- SVG ------------------------------------------------------------------------------------------
FORBIDDEN_SVG_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
}
EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
OUTSIDE_URL = re.compile(
    r"url\((?!\s*['\"]?\s*#)", re.I
)  # url(…) to anything but one of its own parts


def _local(name: str) -> tuple[str, str]:
    """``{namespace}local`` → (namespace, local)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


class _SvgTree(ElementTree.TreeBuilder):
    """The element tree, and the processing instructions (``<?xml-stylesheet …?>``) met anywhere,
    before the root element too, where the tree itself would not keep them."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, text: str | None = None):  # noqa: ANN201 - ElementTree's signature
        self.instructions.append(target)
        return super().pi(target, text)


def _check_svg(data: bytes) -> None:
    """Refuse an SVG that could run a script or fetch anything (see the module docstring)."""
    tree = _SvgTree()
    parser = DefusedXMLParser(target=tree, forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise MediaRefused("unsafe_svg", "svg", "a DTD or entity declaration") from None
    except ElementTree.ParseError:
        raise MediaRefused("not_what_its_name_says", "svg") from None
    if not isinstance(root.tag, str) or _local(root.tag) != (SVG_NS, "svg"):
        raise MediaRefused("not_what_its_name_says", "svg")
    if tree.instructions:
        raise MediaRefused(
            "unsafe_svg", "svg", f"a processing instruction (<?{tree.instructions[0]} …?>)"
        )
    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment
            continue
        namespace, local = _local(element.tag)
        if local.lower() in FORBIDDEN_SVG_ELEMENTS or namespace == XHTML_NS:
            raise MediaRefused("unsafe_svg", "svg", f"a <{local}> element")
        if local == "style" and (
            OUTSIDE_URL.search(element.text or "") or "@import" in (element.text or "")
        ):
            raise MediaRefused("unsafe_svg", "svg", "a style that loads a file")
        for attribute, value in element.attrib.items():
            _check_svg_attribute(local, _local(attribute)[1], value)


def _check_svg_attribute(element: str, name: str, value: str) -> None:
    lowered = name.lower()
    if lowered.startswith("on"):
        raise MediaRefused("unsafe_svg", "svg", f"an event handler ({name}=)")
    if lowered == "href":
        target = value.strip()
        if not (
            target.startswith("#") or (element == "image" and EMBEDDED_IMAGE.fullmatch(target))
        ):
            raise MediaRefused("unsafe_svg", "svg", f"a link to {target[:60]!r}")
    if lowered == "attributename" and (
        value.strip().lower().endswith("href") or value.strip().lower().startswith("on")
    ):
        raise MediaRefused("unsafe_svg", "svg", f"an animation of {value.strip()!r}")
    if OUTSIDE_URL.search(value):
        raise MediaRefused("unsafe_svg", "svg", "a style that loads a file")


# -- office documents -----------------------------------------------------------------------------
# The parts read from an office document are small (a list of content types, a MIME type): a part
# that would unpack larger is refused unread, so a small file cannot make the check unpack gigabytes.
MAX_OFFICE_PART = 1024 * 1024


def _read_part(archive: zipfile.ZipFile, name: str, claimed: MediaType) -> bytes:
    if archive.getinfo(name).file_size > MAX_OFFICE_PART:
        raise MediaRefused("not_what_its_name_says", claimed.extension)
    with archive.open(name) as part:
        data = part.read(MAX_OFFICE_PART + 1)  # the size in the header may lie
    if len(data) > MAX_OFFICE_PART:
        raise MediaRefused("not_what_its_name_says", claimed.extension)
    return data


def _check_office(claimed: MediaType, stream: BinaryIO) -> None:
    """An OOXML or OpenDocument file is a zip holding its own parts; macros are refused."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if claimed.extension in OOXML_MAIN:
                if "[Content_Types].xml" not in names or OOXML_MAIN[claimed.extension] not in names:
                    raise MediaRefused("not_what_its_name_says", claimed.extension)
                types = _read_part(archive, "[Content_Types].xml", claimed)
                if b"macroEnabled" in types or any(
                    os.path.basename(n).lower() == "vbaproject.bin" for n in names
                ):
                    raise MediaRefused("macros", claimed.extension)
            else:
                if (
                    "mimetype" not in names
                    or _read_part(archive, "mimetype", claimed).strip() != claimed.mime.encode()
                ):
                    raise MediaRefused("not_what_its_name_says", claimed.extension)
                if any(n.startswith(("Basic/", "Scripts/")) for n in names):
                    raise MediaRefused("macros", claimed.extension)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        raise MediaRefused("not_what_its_name_says", claimed.extension) from None
