"""Markdown to safe HTML: markdown-it-py renders, nh3 removes anything that could run."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote

import nh3
from flask import current_app
from markdown_it import MarkdownIt
from markupsafe import Markup

from .package import translated_file_name

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "caption",
    "code",
    "del",
    "details",
    "div",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in a lesson is shown as text, and nh3 cleans whatever remains.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def sanitize_html(
    html: str,
    media_base: str | None = None,
    link_target: Callable[[str], str | None] | None = None,
    localize: Callable[[str], str] | None = None,
) -> Markup:
    """Clean HTML with nh3; relative links into ``media/`` are pointed at ``media_base``, other
    relative links (to another lesson's file) at what ``link_target`` answers, if anything.

    ``localize`` turns a media file's name (``cycle.svg``) into the name of the file to show
    instead (``cycle.it.svg``, the reader's language's version, when the course has one)."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if (
            attribute not in ("src", "href")
            or "://" in value
            or value.startswith(("/", "#", "mailto:"))
        ):
            return value
        normalized = posixpath.normpath(value)
        while normalized.startswith("../"):
            normalized = normalized[3:]
        if media_base and normalized.startswith("media/"):
            name = normalized[len("media/") :]
            return media_base.rstrip("/") + "/" + (localize(name) if localize else name)
        if link_target is not None and attribute == "href":
            return link_target(value) or value
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=rewrite,
    )
    # A wide table scrolls sideways inside the text on a phone, in a box that takes keyboard focus
    # (WCAG 2.1.1). After cleaning, "<table>" can only be a tag: a typed one is escaped text by now.
    cleaned = cleaned.replace("<table>", '<div class="table-scroll" tabindex="0"><table>').replace(
        "</table>", "</table></div>"
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has just removed everything unsafe


def render_markdown(
    text: str | None,
    media_base: str | None = None,
    link_target: Callable[[str], str | None] | None = None,
    localize: Callable[[str], str] | None = None,
) -> Markup:
    """Render a lesson (or any person-written Markdown) to sanitized HTML."""
    return sanitize_html(_parser().render(text or ""), media_base, link_target, localize)


def localized_media(slug: str, locale: str) -> Callable[[str], str]:
    """A media file's version in ``locale`` where the course has one: a figure's text and a
    template are in the reader's language (``cycle.svg`` → ``cycle.it.svg``,
    ``templates/logframe.xlsx`` → ``templates/logframe.it.xlsx``), else the file itself."""
    folder = Path(current_app.instance_path) / "media" / slug

    def localize(name: str) -> str:
        if locale == "en" or not name:
            return name
        candidate = translated_file_name(unquote(name), locale)
        path = folder / candidate
        return quote(candidate) if path.is_file() and not path.is_symlink() else name

    return localize
