"""Authoring logic: courses, their staff, and creating or duplicating a course."""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..activities import ActivityType
from ..content.exporter import export_course
from ..content.importer import import_package
from ..content.layout import load_outline, slugify
from ..content.package import SLUG
from ..content.translations import before_english_change, english_texts, merge_imported
from ..content.yamlfile import dump_yaml, load_yaml
from ..extensions import db
from ..models import Course, CourseStaff, Lesson, Module, User


class AuthoringError(ValueError):
    """An edit that was refused; the message is shown to the trainer."""


def fields_token(element: object, names: Iterable[str]) -> str:
    """What ``element``'s fields ``names`` say, as a short token for an editor's hidden field.

    An editor compares it on saving to tell a real conflict (someone changed what it shows) from
    a newer version of the row that changed something else, such as a translation.
    """
    canonical = json.dumps(
        {name: getattr(element, name) for name in names},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# The plugins' course settings are not in the token: they live in the plugins' tables and do not
# change the course's version, so a change to one alone is never taken for a conflict.
SETTINGS_FIELDS = (
    "title",
    "summary",
    "policy_area",
    "hours",
    "outcomes",
    "completion_rule",
    "self_enrolment",
    "published",
)


def settings_token(course: Course) -> str:
    return fields_token(course, SETTINGS_FIELDS)


def settings_conflict(course: Course, opened_version: str, opened_text: str | None) -> bool:
    """True when someone else changed the settings since the editor opened them."""
    return opened_version != str(course.version) and opened_text != settings_token(course)


def save_settings(course: Course, values: Mapping[str, Any]) -> None:
    """Apply the settings form; translations made from the old title and summary may become outdated."""
    before = english_texts(course)
    for name, value in values.items():
        if getattr(course, name) != value:
            setattr(course, name, value)
    kept = before_english_change(course.translations, before, english_texts(course))
    if kept is not None:
        course.translations = kept


def set_picture_texts(course: Course, english: str, translated: Mapping[str, str]) -> None:
    """What the catalogue picture shows: ``english`` in ``image_alt``, each language's text as
    ``image_alt`` in ``translations`` (an empty text removes that language's, so English is read)."""
    course.image_alt = english
    texts = copy.deepcopy(course.translations or {})  # a new value: the JSON column sees the change
    for code, text in translated.items():
        entry = texts.get(code) or {}
        if text:
            entry["image_alt"] = text
        else:
            entry.pop("image_alt", None)
        if entry:
            texts[code] = entry
        else:
            texts.pop(code, None)
    course.translations = texts


def remove_picture(course: Course) -> None:
    """The course's card shows no picture any more; the file stays in its media files."""
    course.image = ""
    set_picture_texts(course, "", {code: "" for code in (course.translations or {})})


def add_trainer(course: Course, user: User) -> None:
    """Make ``user`` a trainer of ``course`` (idempotent)."""
    try:
        with db.session.begin_nested():
            db.session.add(CourseStaff(course_id=course.id, user_id=user.id, role="trainer"))
    except IntegrityError:
        pass


def courses_for(user: User) -> list[Course]:
    """The courses ``user`` may edit: all for admins, their own for trainers."""
    stmt = db.select(Course).where(Course.archived.is_(False)).order_by(Course.title)
    if not user.is_admin:
        stmt = stmt.join(CourseStaff).where(CourseStaff.user_id == user.id)
    return list(db.session.execute(stmt).scalars())


def free_slug(wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… whichever no course uses yet."""
    base = slugify(wanted, fallback="course", limit=90)
    taken = set(
        db.session.execute(db.select(Course.slug).where(Course.slug.like(f"{base}%"))).scalars()
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_new_slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG.match(slug):
        raise AuthoringError(
            _(
                "The web address may use lower-case letters, digits and dashes only (e.g. youth-networks)."
            )
        )
    if db.session.execute(db.select(Course.id).filter_by(slug=slug)).first():
        raise AuthoringError(
            _("Another course already uses the web address '%(slug)s'.", slug=slug)
        )
    return slug


def create_course(
    user: User, *, title: str, slug: str = "", policy_area: str = "methodology", summary: str = ""
) -> Course:
    """A new draft course taught by ``user``."""
    slug = check_new_slug(slug) if slug.strip() else free_slug(title)
    course = Course(
        slug=slug,
        title=title.strip(),
        summary=summary.strip(),
        policy_area=policy_area,
        published=False,
        languages=["en"],
        hours=1,
        outcomes=[],
        translations={},
    )
    db.session.add(course)
    db.session.flush()
    add_trainer(course, user)
    return course


def duplicate_course(
    course: Course,
    *,
    slug: str,
    title: str,
    user: User,
    types: Mapping[str, ActivityType],
    workdir: Path,
) -> Course:
    """A deep copy of ``course`` as a new draft, made by exporting it and importing the package.

    Going through the package format copies everything a package holds, plugins' activity data
    and media included. ``workdir`` must live until the caller has committed (media are copied
    from it then).
    """
    slug = check_new_slug(slug)
    folder = export_course(course, Path(tempfile.mkdtemp(dir=workdir)) / slug, types)
    data = load_yaml((folder / "course.yaml").read_text(encoding="utf-8"))
    data["slug"] = slug
    if isinstance(data.get("title"), dict):
        data["title"]["en"] = title.strip()
    else:
        data["title"] = title.strip()
    data["published"] = False
    (folder / "course.yaml").write_text(dump_yaml(data), encoding="utf-8")
    report = import_package(folder, types, display=slug)
    copy = db.session.get(Course, report.course_id)
    keep_translation_states(course, copy)
    add_trainer(copy, user)
    return copy


def keep_translation_states(original: Course, copy: Course) -> None:
    """Give the copy's translations the fingerprints of the original's, which a package does not
    carry: an outdated translation stays outdated in the copy."""
    _keep_fingerprints(original, copy)
    originals = _elements(original)
    for key, element in _elements(copy).items():
        if key in originals:
            _keep_fingerprints(originals[key], element)


def _elements(course: Course) -> dict[tuple[str, ...], Module | Lesson]:
    """The course's modules by ``(key,)`` and lessons by ``(module key, lesson key)``."""
    outline = load_outline(course)
    found: dict[tuple[str, ...], Module | Lesson] = {}
    for module in outline.modules:
        found[(module.key,)] = module
        found.update(((module.key, lesson.key), lesson) for lesson in outline.lessons[module.id])
    return found


def _keep_fingerprints(original: Course | Module | Lesson, copy: Course | Module | Lesson) -> None:
    kept = merge_imported(original.translations, copy.translations or {}, None, {})
    if kept != copy.translations:
        copy.translations = kept
