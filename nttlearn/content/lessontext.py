"""Checks on a lesson's Markdown, shared by the package loader and the browser editor.

Both ask the same questions with the same messages, so a lesson refused on import is refused in
the editor too. Paths are package-relative POSIX paths (``modules/01-cycle/02-phases.md``): on
import they are files on disk, in the editor the files the course would export to.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt

DANGEROUS_HTML = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|form|input|button|svg|math|link|meta|base)\b"
    r"|<[a-z][^>]*\son[a-z]+\s*="
    r"|[(\"'=]\s*javascript\s*:",
    re.I,
)
URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
ALLOWED_SCHEMES = {"http", "https", "mailto"}
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|webp|svg)$", re.I)


@dataclass(frozen=True)
class TextProblem:
    """A problem on one line of a lesson (1-based, counted in the file)."""

    line: int
    message: str


def dangerous_html_message(found: str) -> str:
    return f"lessons may not contain '{found}': raw HTML and scripts are not allowed"


def outside_message(target: str) -> str:
    return f"link '{target}' points outside the package"


def broken_message(target: str) -> str:
    return f"broken link: '{target}' does not exist"


def scheme_message(target: str) -> str:
    return f"link '{target}' is not allowed: use https://, http:// or mailto: links"


def alt_message(target: str) -> str:
    return (
        f"image '{target}' has no text alternative: describe what it shows between the brackets, "
        f"![The project cycle: six phases in a circle]({target})"
    )


def not_image_message(target: str) -> str:
    return (
        f"'{target}' is shown as an image but is not one (PNG, JPEG, GIF, WebP or SVG): "
        "link it as a download instead, [text](…), without the '!'"
    )


def absolute_message(target: str) -> str:
    return (
        f"link '{target}' is an absolute path: link to files of the package with a relative "
        "path (../../media/photo.png) and to web pages with https://"
    )


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def package_path(lesson_dir: str, target: str) -> str | None:
    """The package-relative path a relative link points to, or None when it leaves the package."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    joined = posixpath.normpath(posixpath.join(lesson_dir, path))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def check_lesson_text(
    body: str, first_line: int, lesson_dir: str, exists: Callable[[str], bool]
) -> list[TextProblem]:
    """Every problem in ``body``: raw HTML, links outside the package, links to missing files.

    ``first_line`` is the file line of the body's first line; ``lesson_dir`` the lesson's folder
    inside the package; ``exists(path)`` says whether a package-relative path exists.
    """
    problems: list[TextProblem] = []
    lines = body.split("\n")
    for offset, line in enumerate(lines):
        match = DANGEROUS_HTML.search(
            line
        )  # one message per line: <script>…</script> is one problem
        if match:
            problems.append(
                TextProblem(first_line + offset, dangerous_html_message(match.group(0).strip()))
            )
    for token in _parser().parse(body):
        for child in token.children or []:
            if child.type == "link_open":
                target = child.attrGet("href")
            elif child.type == "image":
                target = child.attrGet("src")
            else:
                continue
            if (
                not isinstance(target, str)
                or not target
                or target.startswith("#")
                or target.startswith("//")
            ):
                continue
            line = first_line + _line_of(target, lines, token.map)
            if child.type == "image":
                # Every figure needs a text alternative: screen readers read it, and it is shown
                # when the image cannot be.
                if not child.content.strip():
                    problems.append(TextProblem(line, alt_message(target)))
                if not URL_SCHEME.match(target) and not IMAGE_FILE.search(
                    target.split("#", 1)[0].split("?", 1)[0]
                ):
                    problems.append(TextProblem(line, not_image_message(target)))
            scheme = URL_SCHEME.match(target)
            if scheme:
                if scheme.group(1).lower() not in ALLOWED_SCHEMES:
                    problems.append(TextProblem(line, scheme_message(target)))
                continue
            if target.startswith("/"):
                problems.append(TextProblem(line, absolute_message(target)))
                continue
            path = package_path(lesson_dir, target)
            if path is None:
                problems.append(TextProblem(line, outside_message(target)))
            elif not exists(path):
                problems.append(TextProblem(line, broken_message(target)))
    problems.sort(key=lambda p: p.line)
    return problems


def _line_of(target: str, lines: list[str], block: list[int] | None) -> int:
    """The offset of the line naming ``target`` inside its block (links in long paragraphs)."""
    start, end = (block[0], block[1]) if block else (0, len(lines))
    for candidate in (target, unquote(target)):
        for index in range(start, min(end, len(lines))):
            if candidate in lines[index]:
                return index
    return start


def link_targets(body: str) -> list[str]:
    """The targets of the Markdown links and images in ``body``, in order (a translation keeps
    the English text's: the PO round trip compares them)."""
    found: list[str] = []
    for token in _parser().parse(body):
        for child in token.children or []:
            target = (
                child.attrGet("href")
                if child.type == "link_open"
                else (child.attrGet("src") if child.type == "image" else None)
            )
            if isinstance(target, str) and target:
                found.append(target)
    return found
