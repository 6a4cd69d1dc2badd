"""Where each element of a course lives in its package: folder and file names from positions and ids.

The exporter writes these names; the browser editor checks a lesson's relative links against
them, so a link that works in the editor also works in the exported package.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..extensions import db
from ..models import Activity, Course, Lesson, Module

FILE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def slugify(text: str, fallback: str = "item", limit: int = 60) -> str:
    """A lower-case ASCII slug (``Città gemellate`` → ``citta-gemellate``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return slug or fallback


def numbered_name(index: int, count: int, key: str, title: str) -> tuple[str, str | None]:
    """``(NN-name, explicit id or None)``: the id is written only when the name cannot carry it."""
    width = max(2, len(str(count)))
    if FILE_KEY.match(key):
        return f"{index:0{width}d}-{key}", None
    return f"{index:0{width}d}-{slugify(title)}", key


@dataclass
class CourseOutline:
    """The live (not archived) modules, lessons and activities of a course, in order."""

    modules: list[Module]
    lessons: dict[int, list[Lesson]] = field(default_factory=dict)
    activities: dict[int, list[Activity]] = field(default_factory=dict)


def load_outline(course: Course) -> CourseOutline:
    """Three queries, whatever the size of the course."""
    modules = list(
        db.session.execute(
            db.select(Module)
            .where(Module.course_id == course.id, Module.archived.is_(False))
            .order_by(Module.position, Module.id)
        ).scalars()
    )
    ids = [m.id for m in modules]
    outline = CourseOutline(modules, {i: [] for i in ids}, {i: [] for i in ids})
    if ids:
        for lesson in db.session.execute(
            db.select(Lesson)
            .where(Lesson.module_id.in_(ids), Lesson.archived.is_(False))
            .order_by(Lesson.position, Lesson.id)
        ).scalars():
            outline.lessons[lesson.module_id].append(lesson)
        for activity in db.session.execute(
            db.select(Activity)
            .where(Activity.module_id.in_(ids), Activity.archived.is_(False))
            .order_by(Activity.position, Activity.id)
        ).scalars():
            outline.activities[activity.module_id].append(activity)
    return outline


@dataclass
class PackageLayout:
    """Package-relative paths: each module's folder and each lesson's file."""

    module_dirs: dict[int, str] = field(default_factory=dict)
    module_ids: dict[int, str | None] = field(default_factory=dict)
    lesson_files: dict[int, str] = field(default_factory=dict)
    lesson_ids: dict[int, str | None] = field(default_factory=dict)

    def files(self, translations: dict[int, list[str]] | None = None) -> set[str]:
        """Every path the package holds for the outline (lessons, translations, module.yaml)."""
        paths = {"course.yaml", "modules", "media"}
        for folder in self.module_dirs.values():
            paths |= {folder, f"{folder}/module.yaml"}
        for lesson_id, path in self.lesson_files.items():
            paths.add(path)
            for locale in (translations or {}).get(lesson_id, []):
                paths.add(path[: -len(".md")] + f".{locale}.md")
        return paths


def package_layout(outline: CourseOutline) -> PackageLayout:
    layout = PackageLayout()
    for index, module in enumerate(outline.modules, start=1):
        name, explicit = numbered_name(index, len(outline.modules), module.key, module.title)
        folder = f"modules/{name}"
        layout.module_dirs[module.id], layout.module_ids[module.id] = folder, explicit
        lessons = outline.lessons.get(module.id, [])
        for position, lesson in enumerate(lessons, start=1):
            stem, lesson_id = numbered_name(position, len(lessons), lesson.key, lesson.title)
            layout.lesson_files[lesson.id], layout.lesson_ids[lesson.id] = (
                f"{folder}/{stem}.md",
                lesson_id,
            )
    return layout
