"""Writing a course back as a package folder (or a zip of one).

The output is deterministic: exporting, importing the export and exporting again gives the same
bytes. Activities are written by their plugin (``ActivityType.export_definition``); where the
plugin is not installed, from the definition and files the core kept when the package was
imported, so a course passes through a site without the plugin unchanged.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..activities import ActivityType
from ..config import LOCALES
from ..course_settings import course_settings
from ..models import Activity, Course, Lesson, Module
from ..storage import file_store
from .doctemplates import GENERATED
from .importer import restore_files, template_sources_prefix
from .layout import CourseOutline, load_outline, package_layout
from .media_types import MediaRefused, check_media_file, media_prefix
from .package import ACTIVITY_CORE_KEYS
from .translations import OUTCOME, item_key
from .yamlfile import dump_yaml

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ExportError(Exception):
    """The course could not be written where asked."""


def export_course(course: Course, target: Path, types: Mapping[str, ActivityType]) -> Path:
    """Write ``course`` as a package into the folder ``target`` and return it.

    An existing package there is replaced (its ``course.yaml``, ``modules/`` and ``media/``; other
    files such as a README or ``.git`` stay). A non-empty folder that is not a package is refused.
    """
    target = Path(target)
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "course.yaml").is_file())
    ):
        raise ExportError(
            f"{target} exists and is not a course package: choose an empty or new folder"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-export-", dir=target.parent))
    try:
        write_package(course, load_outline(course), staging, types)
        target.mkdir(exist_ok=True)
        for name in ("course.yaml", "modules", "media", "templates"):
            old = target / name
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            elif old.exists() or old.is_symlink():
                old.unlink()
            if (staging / name).exists():
                (staging / name).rename(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def export_zip(course: Course, types: Mapping[str, ActivityType]) -> bytes:
    """The package as a zip holding one folder named after the course's slug."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_course(course, Path(tmp) / course.slug, types)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(
                        f"{course.slug}/{path.relative_to(folder).as_posix()}", ZIP_DATE
                    )
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write_package(
    course: Course, outline: CourseOutline, root: Path, types: Mapping[str, ActivityType]
) -> None:
    """Write the files of the package into the (empty) folder ``root``."""
    layout = package_layout(outline)
    _write(root / "course.yaml", dump_yaml(_course_data(course)))
    (root / "modules").mkdir()
    release = _release_keys(course, outline)
    for module in outline.modules:
        folder = root / layout.module_dirs[module.id]
        folder.mkdir()
        activities = [
            {**_activity_entry(a, folder, types), **release.get(("a", a.id), {})}
            for a in outline.activities[module.id]
        ]
        data = _module_data(module, layout.module_ids[module.id], activities)
        data.update(release.get(("m", module.id), {}))
        _write(folder / "module.yaml", dump_yaml(data))
        for lesson in outline.lessons[module.id]:
            path = root / layout.lesson_files[lesson.id]
            _write(path, _lesson_text(lesson, layout.lesson_ids[lesson.id]))
            for locale in LOCALES[1:]:
                translation = (lesson.translations or {}).get(locale)
                if translation:
                    _write(
                        path.with_name(path.name[: -len(".md")] + f".{locale}.md"),
                        _front(
                            {"title": translation.get("title") or lesson.title},
                            translation.get("body", ""),
                        ),
                    )
    _copy_media(course, root / "media")
    _copy_templates(course, root / "templates")


def _copy_templates(course: Course, target: Path) -> None:
    """The sources of the course's templates: the documents in ``media/templates/`` are generated
    from them on import, so the package carries the sources, not the documents."""
    store, prefix = file_store(), template_sources_prefix(course.slug)
    for stored in store.list(prefix):
        target.mkdir(exist_ok=True)
        (target / stored.name_under(prefix)).write_bytes(store.read(stored.key))


def _release_keys(course: Course, outline: CourseOutline) -> dict[tuple[str, int], dict[str, Any]]:
    """The ``opens_on``, ``opens_after_days`` and ``requires`` of each module and activity with a
    release rule, as module.yaml writes them (a rule counted from enrolment has no package form:
    its days are written as counted from the start)."""
    from ..cohorts.services import rules_of_course

    refs: dict[tuple[str, int], str] = {}
    for module in outline.modules:
        refs[("m", module.id)] = module.key
        for activity in outline.activities[module.id]:
            refs[("a", activity.id)] = f"{module.key}/{activity.key}"
    result: dict[tuple[str, int], dict[str, Any]] = {}
    for target, (rule, requires) in rules_of_course(course.id).items():
        if target not in refs:
            continue
        keys: dict[str, Any] = {}
        if rule.opens_at is not None:
            keys["opens_on"] = rule.opens_at.date()
        if rule.offset_days is not None:
            keys["opens_after_days"] = rule.offset_days
        if requires:
            keys["requires"] = [refs[r] for r in requires if r in refs]
        result[target] = keys
    return result


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def _localized(english: str, translations: Mapping[str, Any], name: str) -> str | dict[str, str]:
    """The English text, or ``{en: …, it: …}`` with its translations, as course.yaml and
    module.yaml hold them. A package needs the English text: without it, translations are left out."""
    others = {
        locale: translations[locale][name]
        for locale in LOCALES[1:]
        if english and (translations.get(locale) or {}).get(name)
    }
    return {"en": english, **others} if others else english


def _localized_list(
    english: list[str] | None, translations: Mapping[str, Any], prefix: str
) -> list[str | dict[str, str]]:
    """A list (learning outcomes) as the package holds it: each item its English text, or
    ``{en: …, it: …}`` where it has translations."""
    return [
        _localized(
            text,
            {
                locale: {"item": (entry or {}).get(item_key(prefix, n))}
                for locale, entry in translations.items()
            },
            "item",
        )
        for n, text in enumerate(english or [])
    ]


def _course_data(course: Course) -> dict[str, Any]:
    translations = course.translations or {}
    hours = float(course.hours)
    data: dict[str, Any] = {
        "slug": course.slug,
        "title": _localized(course.title, translations, "title"),
    }
    if course.summary:
        data["summary"] = _localized(course.summary, translations, "summary")
    if course.image:
        data["image"] = f"media/{course.image}"
        data["image_alt"] = _localized(course.image_alt, translations, "image_alt")
    data.update(
        {
            "policy_area": course.policy_area,
            "languages": list(course.languages or ["en"]),
            "hours": int(hours) if hours.is_integer() else hours,
            "outcomes": _localized_list(course.outcomes, translations, OUTCOME),
            "completion": course.completion_rule,
            "self_enrolment": course.self_enrolment,
        }
    )
    # The plugins' course settings, before "published" (where "certificate" has always been).
    data.update(
        {
            key: setting.load(course.id)
            for key, setting in course_settings(include_disabled=True).items()
        }
    )
    data["published"] = course.published
    return data


def _module_data(
    module: Module, explicit_id: str | None, activities: list[dict[str, Any]]
) -> dict[str, Any]:
    translations = module.translations or {}
    data: dict[str, Any] = {"id": explicit_id} if explicit_id else {}
    data["title"] = _localized(module.title, translations, "title")
    if module.summary:
        data["summary"] = _localized(module.summary, translations, "summary")
    if module.outcomes:
        data["outcomes"] = _localized_list(module.outcomes, translations, OUTCOME)
    if activities:
        data["activities"] = activities
    return data


def _front(front: dict[str, Any], body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    return "---\n" + dump_yaml(front) + "---\n" + (body + "\n" if body else "")


def _lesson_text(lesson: Lesson, explicit_id: str | None) -> str:
    front: dict[str, Any] = {"id": explicit_id} if explicit_id else {}
    front.update(
        {
            "title": lesson.title,
            "minutes": lesson.minutes,
            "required": lesson.required,
            "kind": lesson.kind,
        }
    )
    return _front(front, lesson.body or "")


def _activity_entry(
    activity: Activity, folder: Path, types: Mapping[str, ActivityType]
) -> dict[str, Any]:
    activity_type = types.get(activity.type_key)
    stored = activity.spec or {}
    if activity_type is not None and activity_type.export_definition is not None:
        written = activity_type.export_definition(activity, folder) or {}
        definition = {k: v for k, v in written.items() if k not in ACTIVITY_CORE_KEYS}
    else:
        definition = {k: v for k, v in stored.items() if not k.startswith("_")}
        restore_files(folder, stored.get("_files") or {})
    return {
        "id": activity.key,
        "type": activity.type_key,
        "title": _localized(activity.title, activity.translations or {}, "title"),
        "required": activity.required,
        **definition,
    }


def _copy_media(course: Course, target: Path) -> None:
    """Copy the course's media into the package; a file the allow-list refuses (one that reached
    the file store before the checks existed) stops the export with its name, so that no
    package leaves the site that the site itself would refuse to import."""
    store, prefix = file_store(), media_prefix(course.slug)
    refused = []
    for stored in store.list(prefix):
        name = stored.name_under(prefix)
        if name.split("/", 1)[0] == GENERATED:
            continue  # generated from the templates' sources, which are exported instead
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(store.read(stored.key))
        try:
            check_media_file(destination)
        except MediaRefused as exc:
            destination.unlink()
            refused.append(f"media/{name}: {exc}")
    if refused:
        raise ExportError(
            "the course's media folder holds files a package may not carry; delete them on the "
            "course's media page:\n" + "\n".join(refused)
        )
