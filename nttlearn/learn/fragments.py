"""Parts of learner pages rendered once per course version and locale, then reused.

The lesson's HTML (Markdown parsed and sanitized) and the course outline in the lesson page's
sidebar (a link per lesson, each built with ``url_for`` and a translated title) are the same
for every learner; only the learner's marks (done, the lesson being read) differ. Each is
rendered once per worker for a course version (see :mod:`.structure`), locale and set of
enabled activity types, with the variants for those marks, and assembled per request by
picking a variant per item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import get_template_attribute, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..activities import ActivityType
from ..caching import worker_cache
from ..content.lessontext import package_path
from ..content.markdown import localized_media, render_markdown
from ..extensions import db
from ..models import Course, Lesson
from .structure import CourseStructure, LessonEntry

Item = tuple[str, int]  # ("l", lesson id) or ("a", activity id)


@dataclass(frozen=True)
class Fragments:
    """Rendered HTML: ``pieces`` are Markup, or ``(item, {(done, current): Markup})`` for an
    item whose rendering depends on the learner's marks."""

    pieces: tuple[Any, ...]

    def render(self, done: frozenset[Item], current: Item | None = None) -> Markup:
        out = []
        for piece in self.pieces:
            if isinstance(piece, tuple):
                item, variants = piece
                out.append(variants[(item in done, item == current)])
            else:
                out.append(piece)
        return Markup("".join(out))  # noqa: S704 - every piece is Markup from a template


def lesson_body(
    course: Course, structure: CourseStructure, lesson: LessonEntry, locale: str
) -> Markup:
    """The lesson's sanitized HTML in ``locale`` (English where it has no translation)."""
    shown = locale if locale in lesson.body_locales else "en"
    media_base = url_for("learn.media", slug=course.slug, filename="")
    key = (course.id, structure.version, lesson.id, shown, media_base)

    def render() -> Markup:
        body, translations = db.session.execute(
            select(Lesson.body, Lesson.translations).where(Lesson.id == lesson.id)
        ).one()
        text = ((translations or {}).get(shown) or {}).get("body") if shown != "en" else None
        return render_markdown(
            text or body or "",
            media_base,
            _lesson_links(course, structure, lesson),
            localized_media(course.slug, shown),
        )

    return worker_cache("lesson_html").get_or_make(key, render)


LESSON_PATH = re.compile(
    r"modules/(?:\d+-)?([a-z0-9][a-z0-9-]*)/(?:\d+-)?([a-z0-9][a-z0-9-]*)(?:\.[a-z]{2})?\.md"
)


def _lesson_links(
    course: Course, structure: CourseStructure, lesson: LessonEntry
) -> Callable[[str], str | None]:
    """Links between lessons, written in a package as relative paths to lesson files
    (``02-phases.md``, ``../02-needs-analysis/01-problem-tree.md#roots``), to their pages."""
    module_key = structure.module_by_id[lesson.module_id].key
    lesson_ids = {
        (structure.module_by_id[item.module_id].key, item.key): item.id
        for item in structure.ordered
    }

    def target(href: str) -> str | None:
        path = package_path(f"modules/00-{module_key}", href)
        found = LESSON_PATH.fullmatch(path or "")
        lesson_id = lesson_ids.get(found.groups()) if found else None
        if lesson_id is None:
            return None
        anchor = href.partition("#")[2]
        return url_for("learn.lesson", slug=course.slug, lesson_id=lesson_id) + (
            f"#{anchor}" if anchor else ""
        )

    return target


def outline_sidebar(
    course: Course, structure: CourseStructure, locale: str, types: Mapping[str, ActivityType]
) -> Fragments:
    """The course outline of the lesson page's sidebar."""
    key = (course.id, structure.version, locale, request.script_root, frozenset(types))
    return worker_cache("outline_sidebar").get_or_make(
        key, lambda: _render_outline(course.slug, structure, locale, types)
    )


def _render_outline(
    slug: str, structure: CourseStructure, locale: str, types: Mapping[str, ActivityType]
) -> Fragments:
    macro = "learn/_outline.html"
    module_start, module_end = (
        get_template_attribute(macro, "module_start"),
        get_template_attribute(macro, "module_end"),
    )
    lesson_item, activity_item = (
        get_template_attribute(macro, "lesson_item"),
        get_template_attribute(macro, "activity_item"),
    )
    pieces: list[Any] = [get_template_attribute(macro, "outline_start")()]
    for module in structure.modules:
        pieces.append(module_start(module, locale))
        for lesson in structure.lessons[module.id]:
            href = url_for("learn.lesson", slug=slug, lesson_id=lesson.id)
            pieces.append(
                (
                    ("l", lesson.id),
                    {
                        (done, current): lesson_item(lesson, href, locale, done, current)
                        for done in (False, True)
                        for current in (False, True)
                    },
                )
            )
        for activity in structure.activities[module.id]:
            activity_type = types.get(activity.type_key)
            href = activity_type.url(activity) if activity_type else None  # type: ignore[arg-type]
            variant = {done: activity_item(activity, href, locale, done) for done in (False, True)}
            pieces.append(
                (
                    ("a", activity.id),
                    {
                        (done, current): variant[done]
                        for done in (False, True)
                        for current in (False, True)
                    },
                )
            )
        pieces.append(module_end())
    pieces.append(get_template_attribute(macro, "outline_end")())
    return Fragments(tuple(pieces))
