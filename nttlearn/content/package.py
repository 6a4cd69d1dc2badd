"""Reading and checking a course package folder (see docs/course-packages.md).

:func:`load_package` never touches the database: it returns the parsed course and every problem
found, each as ``path:line: message``. Paths are shown as the caller named the package (the CLI
argument, or the folder inside an uploaded zip), so an editor can jump to them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from flask import has_app_context

from ..activities import ActivityType, DefinitionProblem
from ..config import LOCALES
from ..hooktypes import CourseSetting
from ..models import COMPLETION_RULES, POLICY_AREAS
from .doctemplates import (
    GENERATED,
    TemplateProblem,
    check_source,
    check_translation,
    generated_name,
    read_source,
    source_files,
)
from .lessontext import check_lesson_text, package_path
from .media_types import MediaRefused, check_media_file, media_files, media_type
from .translations import OUTCOME
from .yamlfile import LineDict, YamlError, load_yaml

COURSE_KEYS = {
    "id",
    "slug",
    "title",
    "summary",
    "image",
    "image_alt",
    "policy_area",
    "languages",
    "hours",
    "outcomes",
    "completion",
    "self_enrolment",
    "published",
}
# course.yaml keys of plugins' course settings (nttlearn_course_settings) that packages in use
# carry, by plugin. On a site without that plugin such a key is ignored with a warning rather
# than refused as unknown, so a package made on a site with the plugin still imports.
PLUGIN_COURSE_KEYS = {"certificate": "certificates"}
# When a module or activity opens (see nttlearn/cohorts): kept by the core, never handed to a plugin.
RELEASE_KEYS = {"opens_on", "opens_after_days", "requires"}
MODULE_KEYS = {"id", "title", "summary", "outcomes", "activities"} | RELEASE_KEYS
LESSON_KEYS = {"id", "title", "minutes", "required", "kind"}
LESSON_KINDS = ("lesson", "exercise")
ACTIVITY_CORE_KEYS = {"id", "type", "title", "required"} | RELEASE_KEYS
NUMBERED = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)$")
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)(?:\.([a-z]{2}))?\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.M)
# Column sizes of the tables the package is imported into.
MAX_KEY, MAX_TITLE, MAX_TYPE = 100, 200, 50
# Files an activity names (a .gift quiz) are kept with the activity up to this size, so that a
# course whose plugin is not installed still exports unchanged.
MAX_KEPT_FILE = 1024 * 1024


@dataclass(frozen=True)
class Problem(DefinitionProblem):
    """A problem in a package file."""


@dataclass
class LessonSpec:
    key: str
    path: Path
    position: int
    title: str
    body: str
    minutes: int = 10
    required: bool = True
    kind: str = "lesson"
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ReleaseSpec:
    """When a module or activity opens: ``opens_on`` (a date), ``opens_after_days`` (after the
    cohort's start, or a self-paced learner's enrolment), ``requires`` (module ids, or
    ``module-id/activity-id``, to complete first). ``line`` is where ``requires`` is written."""

    opens_on: date | None = None
    opens_after_days: int | None = None
    requires: list[str] = field(default_factory=list)
    line: int = 1


@dataclass
class ActivitySpec:
    key: str
    type_key: str
    title: str
    required: bool
    definition: dict[str, Any]
    position: int
    digest: str
    line: int = 1
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    release: ReleaseSpec | None = None


@dataclass
class ModuleSpec:
    key: str
    path: Path
    position: int
    title: str
    summary: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    outcomes: list[str] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)
    display_path: str = ""
    release: ReleaseSpec | None = None


@dataclass
class CourseSpec:
    slug: str
    path: Path
    title: str
    summary: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    image: str = ""  # the catalogue card's picture, inside media/ ("cover.svg" for media/cover.svg)
    image_alt: str = ""
    policy_area: str = "methodology"
    languages: list[str] = field(default_factory=lambda: ["en"])
    hours: float = 1
    outcomes: list[str] = field(default_factory=list)
    completion_rule: str = "all_required"
    self_enrolment: bool = True
    published: bool = True
    # The plugins' course settings given in course.yaml, by key (see nttlearn.course_settings).
    settings: dict[str, Any] = field(default_factory=dict)
    modules: list[ModuleSpec] = field(default_factory=list)
    media: list[Path] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)
    display_path: str = "course.yaml"


@dataclass
class LoadResult:
    course: CourseSpec | None
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)


class _Checker:
    def __init__(
        self,
        root: Path,
        types: Mapping[str, ActivityType],
        display: str | None,
        settings: Mapping[str, CourseSetting] | None = None,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.types = types
        self.settings = settings or {}
        self.display = PurePosixPath(str(root) if display is None else display)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        # media/templates/… files that the package's templates/ sources generate on import.
        self.generated: set[str] = set()

    def inside(self, path: Path) -> str:
        """``path`` relative to the package root, as a POSIX path."""
        return Path(os.path.abspath(path)).relative_to(self.root).as_posix()

    def rel(self, path: Path) -> str:
        try:
            inside = self.inside(path)
        except ValueError:
            return str(path)
        shown = self.display / inside if inside != "." else self.display
        return str(shown) if str(shown) != "." else inside

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(Problem(self.rel(path), line, message))

    def exists(self, inside: str) -> bool:
        if inside in self.generated:
            return True
        target = self.root / inside
        return target.exists() and not target.is_symlink()

    def read_text(self, path: Path) -> str | None:
        if path.is_symlink():
            return None  # reported once by _check_symlinks
        if not path.is_file():
            self.error(path, 1, "file is missing")
            return None
        try:
            return path.read_text(encoding="utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError:
            self.error(path, 1, "file is not UTF-8 text")
            return None

    def read_yaml(self, path: Path) -> LineDict | None:
        text = self.read_text(path)
        if text is None:
            return None
        try:
            data = load_yaml(text)
        except YamlError as exc:
            self.error(path, exc.line, exc.message)
            return None
        if not isinstance(data, LineDict):
            self.error(path, 1, "expected a mapping of keys to values")
            return None
        return data

    def unknown_keys(self, path: Path, data: LineDict, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.error(
                    path,
                    data.line_of(str(key)),
                    f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
                )

    def text(
        self, path: Path, data: LineDict, key: str, required: bool = False, limit: int | None = None
    ) -> tuple[str, dict[str, str]]:
        """A string, or a mapping of locales to strings with English required."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(path, data.line_of(key), f"'{key}' is required")
            return "", {}
        if isinstance(value, str):
            self._limit(path, data.line_of(key), key, value.strip(), limit)
            return value.strip(), {}
        if isinstance(value, dict):
            for locale in value:
                if locale not in LOCALES:
                    self.error(
                        path,
                        value.line_of(locale) if isinstance(value, LineDict) else data.line_of(key),
                        f"unknown language '{locale}' in '{key}' (use one of {', '.join(LOCALES)})",
                    )
            english = value.get("en")
            if not isinstance(english, str) or not english.strip():
                self.error(path, data.line_of(key), f"'{key}' needs an English ('en') text")
                return "", {}
            for text in value.values():
                self._limit(path, data.line_of(key), key, str(text).strip(), limit)
            # An empty translation (``it:`` with nothing after it) is no translation.
            return english.strip(), {
                k: str(v).strip()
                for k, v in value.items()
                if k != "en" and k in LOCALES and v is not None and str(v).strip()
            }
        self.error(path, data.line_of(key), f"'{key}' must be text")
        return "", {}

    def _limit(self, path: Path, line: int, key: str, value: str, limit: int | None) -> None:
        if limit is not None and len(value) > limit:
            self.error(path, line, f"'{key}' is longer than {limit} characters")

    def text_list(
        self, path: Path, data: LineDict, key: str, prefix: str
    ) -> tuple[list[str], dict[str, dict[str, str]]]:
        """A list whose items are texts or ``{en: …, it: …}`` mappings (learning outcomes).

        Returns the English list and, per language, its translated items keyed ``<prefix>.<n>``,
        the shape the ``translations`` columns keep (one text per item, each with its own
        outdated state)."""
        value = data.get(key, [])
        if value is None:
            return [], {}
        if not isinstance(value, list):
            self.error(path, data.line_of(key), f"'{key}' must be a list of texts")
            return [], {}
        english: list[str] = []
        translated: dict[str, dict[str, str]] = {}
        for n, item in enumerate(value):
            if isinstance(item, str):
                english.append(item.strip())
                continue
            line = item.line if isinstance(item, LineDict) else data.line_of(key)
            holder = LineDict([(f"{key}[{n + 1}]", item)])
            holder.line, holder.lines = line, {f"{key}[{n + 1}]": line}
            text, others = self.text(path, holder, f"{key}[{n + 1}]", required=True)
            english.append(text)
            for locale, other in others.items():
                translated.setdefault(locale, {})[f"{prefix}.{n}"] = other
        return english, translated

    def string_list(self, path: Path, data: LineDict, key: str) -> list[str]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, data.line_of(key), f"'{key}' must be a list of texts")
            return []
        return [v.strip() for v in value]

    def boolean(self, path: Path, data: LineDict, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(path, data.line_of(key), f"'{key}' must be true or false")
            return default
        return value

    def key(self, path: Path, data: LineDict, fallback: str) -> str:
        value = data.get("id")
        if value is None:
            return fallback
        key = str(value).strip()
        if not key or len(key) > MAX_KEY:
            self.error(
                path, data.line_of("id"), f"'id' must be a text of 1 to {MAX_KEY} characters"
            )
            return fallback
        return key


def _numbered(paths: list[Path], pattern: re.Pattern[str]) -> list[Path]:
    """Order by the numeric ``NN-`` prefix (``100-x`` after ``99-y``), then by name."""

    def order(path: Path) -> tuple[int, str]:
        match = pattern.match(path.name)
        return (int(match.group(1)) if match else 0, path.name)

    return sorted(paths, key=order)


def load_package(
    path: Path | str,
    types: Mapping[str, ActivityType] | None = None,
    display: str | None = None,
    settings: Mapping[str, CourseSetting] | None = None,
) -> LoadResult:
    """Parse and check the course package at ``path`` (a folder holding ``course.yaml``).

    ``display`` is how the package folder is named in messages (default: ``path`` as given).
    ``settings`` are the plugins' course settings by key, whose keys ``course.yaml`` may also hold
    (default: every installed plugin's, :func:`nttlearn.course_settings.course_settings`, inside
    an app; none outside one).
    """
    root = Path(path)
    if settings is None and has_app_context():
        from ..course_settings import course_settings  # the plugins' declarations; no database read

        settings = course_settings(include_disabled=True)
    checker = _Checker(root, types or {}, display, settings)
    if not root.is_dir():
        checker.error(root, 1, "not a folder")
        return LoadResult(None, checker.problems)
    _check_symlinks(checker, root)
    course_file = root / "course.yaml"
    data = checker.read_yaml(course_file)
    if data is None:
        return LoadResult(None, checker.problems)
    course = _load_course(checker, root, course_file, data)
    course.templates = _check_templates(checker, root / "templates")
    modules_dir = root / "modules"
    if not modules_dir.is_dir() or modules_dir.is_symlink():
        checker.error(course_file, 1, "the package has no 'modules' folder")
    else:
        seen: dict[str, Path] = {}
        folders = _numbered(
            [p for p in modules_dir.iterdir() if p.is_dir() and not p.is_symlink()], NUMBERED
        )
        for position, folder in enumerate(folders, start=1):
            module = _load_module(checker, folder, position)
            if module is None:
                continue
            if module.key in seen:
                line = _id_line(folder / "module.yaml")
                checker.error(
                    folder / "module.yaml",
                    line,
                    f"duplicate module id '{module.key}' (also {checker.rel(seen[module.key])})",
                )
                continue
            seen[module.key] = folder
            course.modules.append(module)
        _check_release(checker, course)
    course.media = _check_media(checker, root / "media")
    return LoadResult(course, _in_file_order(checker.problems), _in_file_order(checker.warnings))


def _load_release(checker: _Checker, file: Path, data: LineDict) -> ReleaseSpec | None:
    """The release keys of a module or an activity, checked; None when it has none."""
    if not RELEASE_KEYS & set(data):
        return None
    release = ReleaseSpec(line=data.line_of("requires") if "requires" in data else data.line)
    if "opens_on" in data:
        value = data["opens_on"]
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, date) and not isinstance(value, datetime):
            release.opens_on = value
        else:
            checker.error(file, data.line_of("opens_on"), "'opens_on' must be a date (YYYY-MM-DD)")
    if "opens_after_days" in data:
        value = data["opens_after_days"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3650:
            release.opens_after_days = value
        else:
            checker.error(
                file,
                data.line_of("opens_after_days"),
                "'opens_after_days' must be a whole number of days from 0 to 3650",
            )
    if "requires" in data:
        value = data["requires"]
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            release.requires = [v.strip() for v in value]
        else:
            checker.error(
                file,
                release.line,
                "'requires' must be a list of module ids or module-id/activity-id",
            )
    return release


def release_items(
    course: CourseSpec,
) -> tuple[dict[str, tuple[ReleaseSpec | None, ModuleSpec]], dict[str, str]]:
    """Every module (``module-id``) and activity (``module-id/activity-id``) of the package with
    its release spec and its module, and each activity's module id."""
    items: dict[str, tuple[ReleaseSpec | None, ModuleSpec]] = {}
    module_of: dict[str, str] = {}
    for module in course.modules:
        items[module.key] = (module.release, module)
        for activity in module.activities:
            ref = f"{module.key}/{activity.key}"
            items[ref] = (activity.release, module)
            module_of[ref] = module.key
    return items, module_of


def _check_release(checker: _Checker, course: CourseSpec) -> None:
    """Every ``requires`` names a module or activity of the package, and none makes a cycle."""
    from ..cohorts.graph import find_cycle, waits_for

    items, module_of = release_items(course)
    rules: dict[str, list[str]] = {}
    for ref, (release, module) in items.items():
        if release is None:
            continue
        file = module.path / "module.yaml"
        for required in release.requires:
            if required not in items:
                checker.error(
                    file,
                    release.line,
                    f"'requires: {required}' is not a module id or module-id/activity-id of this course",
                )
            elif required == ref:
                checker.error(file, release.line, f"'{ref}' cannot require itself")
        rules[ref] = [r for r in release.requires if r in items and r != ref]
    cycle = find_cycle(waits_for(rules, module_of))
    if cycle is not None:
        start = next((ref for ref in cycle if items[ref][0] is not None), cycle[0])
        release, module = items[start]
        checker.error(
            module.path / "module.yaml",
            release.line if release else 1,
            f"the prerequisites make a cycle, so nothing in it would ever open: {' → '.join(cycle)}",
        )


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """By file, then line: the order in which someone fixes them."""
    return sorted(problems, key=lambda p: (p.path, p.line))


def _check_media(checker: _Checker, folder: Path) -> list[Path]:
    """Every file of ``media/`` must be of an allowed type, by its content (see :mod:`.media_types`):
    a package carrying ``media/page.html`` is refused, not imported and served from the site."""
    files = list(media_files(folder))
    for path in files:
        if path.relative_to(folder).parts[0] == GENERATED:
            checker.error(
                path,
                1,
                f"media/{GENERATED}/ holds the documents generated from the package's "
                f"templates/ sources: put this file in another folder of media/",
            )
            continue
        try:
            check_media_file(path)
        except MediaRefused as refused:
            checker.error(path, 1, str(refused))
        except OSError:
            checker.error(path, 1, "the file cannot be read")
    return files


def _check_templates(checker: _Checker, folder: Path) -> list[Path]:
    """Check the sources of ``templates/`` (see :mod:`.doctemplates`) and note the files they will
    generate, so that lessons may link them; returns the sources."""
    english: dict[str, LineDict] = {}
    translations: list[tuple[Path, str, LineDict]] = []
    sources = []
    for path, name, locale in source_files(folder):
        if not name:
            checker.error(
                path,
                1,
                "template sources are named <name>.yaml (translations <name>.sv.yaml), "
                "with lower-case letters, digits and dashes",
            )
            continue
        if locale not in LOCALES:
            checker.error(
                path,
                1,
                f"unknown translation language '{locale}' (use one of {', '.join(LOCALES[1:])})",
            )
            continue
        try:
            data = read_source(path)
        except TemplateProblem as problem:
            checker.error(path, problem.line, problem.message)
            continue
        found = check_source(data)
        for problem in found:
            checker.error(path, problem.line, problem.message)
        sources.append(path)
        if found:
            continue
        checker.generated.add(f"media/{generated_name(name, locale, data['format'])}")
        if locale == "en":
            english[name] = data
        else:
            translations.append((path, name, data))
    for path, name, data in translations:
        if name not in english:
            checker.error(
                path,
                1,
                f"translation of a template that does not exist or has problems ({name}.yaml)",
            )
            continue
        problem = check_translation(english[name], data)
        if problem is not None:
            checker.error(path, problem.line, problem.message)
    return sources


def _check_symlinks(checker: _Checker, root: Path) -> None:
    """A package is plain files: a symbolic link could point anywhere on the server."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in sorted(dirs + files):
            entry = Path(folder) / name
            if entry.is_symlink():
                checker.error(
                    entry,
                    1,
                    "symbolic links are not allowed in a package (they could point outside it)",
                )


def _id_line(module_file: Path) -> int:
    try:
        data = load_yaml(module_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError):
        return 1
    return data.line_of("id") if isinstance(data, LineDict) else 1


def _by_language(
    lists: dict[str, dict[str, str]] | None = None, **texts: dict[str, str]
) -> dict[str, dict[str, str]]:
    """``{"it": {"title": …, "summary": …}}`` from each text's ``{"it": …}`` (what ``text`` returns),
    with the per-language items of a list (what ``text_list`` returns) added."""
    translations: dict[str, dict[str, str]] = {}
    for name, by_locale in texts.items():
        for locale, text in by_locale.items():
            translations.setdefault(locale, {})[name] = text
    for locale, items in (lists or {}).items():
        translations.setdefault(locale, {}).update(items)
    return translations


def _load_course(checker: _Checker, root: Path, course_file: Path, data: LineDict) -> CourseSpec:
    slug = str(data.get("slug") or data.get("id") or Path(os.path.abspath(root)).name)
    if not SLUG.match(slug):
        checker.error(
            course_file,
            data.line_of("slug"),
            f"slug '{slug}' must use lower-case letters, digits and dashes",
        )
    title, title_tr = checker.text(course_file, data, "title", required=True, limit=MAX_TITLE)
    summary, summary_tr = checker.text(course_file, data, "summary")
    outcomes, outcomes_tr = checker.text_list(course_file, data, "outcomes", OUTCOME)
    image, image_alt, image_alt_tr = _load_image(checker, course_file, data)
    translations = _by_language(
        outcomes_tr, title=title_tr, summary=summary_tr, image_alt=image_alt_tr
    )
    course = CourseSpec(
        slug=slug,
        path=root,
        title=title,
        summary=summary,
        translations=translations,
        image=image,
        image_alt=image_alt,
        outcomes=outcomes,
        display_path=checker.rel(course_file),
    )
    area = data.get("policy_area", "methodology")
    if area not in POLICY_AREAS:
        checker.error(
            course_file,
            data.line_of("policy_area"),
            f"unknown policy area '{area}' (use one of {', '.join(POLICY_AREAS)})",
        )
    course.policy_area = area
    languages = checker.string_list(course_file, data, "languages") or ["en"]
    for language in languages:
        if language not in LOCALES:
            checker.error(
                course_file,
                data.line_of("languages"),
                f"unknown language '{language}' (use one of {', '.join(LOCALES)})",
            )
    course.languages = languages
    hours = data.get("hours", 1)
    if not isinstance(hours, int | float) or isinstance(hours, bool) or hours <= 0:
        checker.error(course_file, data.line_of("hours"), "'hours' must be a positive number")
    else:
        course.hours = float(hours)
    completion = data.get("completion", "all_required")
    if completion not in COMPLETION_RULES:
        checker.error(
            course_file,
            data.line_of("completion"),
            f"unknown completion rule '{completion}' (use one of {', '.join(COMPLETION_RULES)})",
        )
    course.completion_rule = completion
    course.self_enrolment = checker.boolean(course_file, data, "self_enrolment", True)
    course.published = checker.boolean(course_file, data, "published", True)
    course.settings = _load_plugin_settings(checker, course_file, data)
    return course


def _load_plugin_settings(checker: _Checker, course_file: Path, data: LineDict) -> dict[str, Any]:
    """The plugins' course settings in ``course.yaml``, checked by their declarations; refuses
    unknown keys (a known plugin's key without its plugin is a warning and is left out)."""
    values: dict[str, Any] = {}
    unknown = LineDict()
    unknown.lines = {}
    for key in data:
        if str(key) in COURSE_KEYS:
            continue
        setting = checker.settings.get(str(key))
        if setting is not None:
            problem = setting.check(data[key])
            if problem is None:
                values[str(key)] = data[key]
            else:
                checker.error(course_file, data.line_of(str(key)), f"'{key}' {problem}")
        elif str(key) in PLUGIN_COURSE_KEYS:
            checker.warn(
                course_file,
                data.line_of(str(key)),
                f"'{key}' is a course setting of the '{PLUGIN_COURSE_KEYS[str(key)]}' plugin, which is "
                "not installed: it is ignored",
            )
        else:
            unknown[key] = data[key]
            unknown.lines[str(key)] = data.line_of(str(key))
    checker.unknown_keys(course_file, unknown, COURSE_KEYS | set(checker.settings))
    return values


def _load_image(
    checker: _Checker, course_file: Path, data: LineDict
) -> tuple[str, str, dict[str, str]]:
    """``image: media/cover.svg`` and its ``image_alt`` (a text or ``{en: …, it: …}``): the file
    must be a picture in the package's ``media/``, and a picture without words for a screen reader
    is refused. Returns the name inside ``media/``, the English alternative text and its translations."""
    alt, alt_tr = checker.text(course_file, data, "image_alt", limit=MAX_TITLE)
    value = data.get("image")
    if value is None or value == "":
        if alt:
            checker.error(
                course_file,
                data.line_of("image_alt"),
                "'image_alt' describes an 'image': name the image too",
            )
        return "", "", {}
    line = data.line_of("image")
    if not isinstance(value, str) or not value.strip().startswith("media/"):
        checker.error(
            course_file,
            line,
            "'image' must name a file in the package's media/ folder (image: media/cover.svg)",
        )
        return "", "", {}
    inside = value.strip()
    name = inside.removeprefix("media/")
    kind = media_type(name)
    if ".." in Path(name).parts or kind is None or kind.kind != "image":
        checker.error(
            course_file,
            line,
            f"'image' must be a picture (SVG, PNG, JPEG, GIF or WebP) in media/, not '{inside}'",
        )
        return "", "", {}
    if not checker.exists(inside) or not (checker.root / inside).is_file():
        checker.error(course_file, line, f"the image '{inside}' is not in the package")
        return "", "", {}
    if not alt:
        checker.error(
            course_file,
            line,
            "'image' needs 'image_alt': a short text that says what the picture shows",
        )
        return "", "", {}
    return name, alt, alt_tr


def _load_module(checker: _Checker, folder: Path, position: int) -> ModuleSpec | None:
    match = NUMBERED.match(folder.name)
    if not match:
        checker.error(folder, 1, "module folders are named NN-slug (e.g. 01-project-cycle)")
        return None
    module_file = folder / "module.yaml"
    data = checker.read_yaml(module_file)
    if data is None:
        return None
    checker.unknown_keys(module_file, data, MODULE_KEYS)
    key = checker.key(module_file, data, match.group(2))
    title, title_tr = checker.text(module_file, data, "title", required=True, limit=MAX_TITLE)
    summary, summary_tr = checker.text(module_file, data, "summary")
    outcomes, outcomes_tr = checker.text_list(module_file, data, "outcomes", OUTCOME)
    module = ModuleSpec(
        key=key,
        path=folder,
        position=position,
        title=title,
        summary=summary,
        translations=_by_language(outcomes_tr, title=title_tr, summary=summary_tr),
        outcomes=outcomes,
        display_path=checker.rel(module_file),
        release=_load_release(checker, module_file, data),
    )
    lesson_files: dict[str, Path] = {}
    translations: dict[str, list[tuple[str, Path]]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix != ".md" or file.is_symlink():
            continue
        m = LESSON_FILE.match(file.name)
        if not m:
            checker.error(file, 1, "lesson files are named NN-slug.md (translations NN-slug.sv.md)")
            continue
        stem = f"{m.group(1)}-{m.group(2)}"
        if m.group(3):
            if m.group(3) not in LOCALES or m.group(3) == "en":
                checker.error(
                    file,
                    1,
                    f"unknown translation language '{m.group(3)}' (use one of {', '.join(LOCALES[1:])})",
                )
                continue
            translations.setdefault(stem, []).append((m.group(3), file))
        else:
            lesson_files[stem] = file
    keys: dict[str, Path] = {}
    ordered = _numbered(list(lesson_files.values()), LESSON_FILE)
    for position, file in enumerate(ordered, start=1):
        stem = file.name[: -len(".md")]
        lesson = _load_lesson(checker, file, stem, position)
        if lesson is None:
            continue
        if lesson.key in keys:
            checker.error(
                file,
                _front_line(file, "id"),
                f"duplicate lesson id '{lesson.key}' (also {checker.rel(keys[lesson.key])})",
            )
            continue
        keys[lesson.key] = file
        for locale, translated in sorted(translations.pop(stem, [])):
            front, body = _read_lesson_file(checker, translated)
            if front is not None:
                lesson.translations[locale] = {
                    "title": str(front.get("title") or lesson.title).strip(),
                    "body": body,
                }
        module.lessons.append(lesson)
    for stem, items in translations.items():
        for _locale, file in items:
            checker.error(file, 1, f"translation of a lesson that does not exist ({stem}.md)")
    activities = data.get("activities", []) or []
    if not isinstance(activities, list):
        checker.error(module_file, data.line_of("activities"), "'activities' must be a list")
        activities = []
    seen: set[str] = set()
    for position, entry in enumerate(activities, start=1):
        activity = _load_activity(
            checker, module_file, folder, entry, position, seen, data.line_of("activities")
        )
        if activity is not None:
            module.activities.append(activity)
    return module


def _front_line(file: Path, key: str) -> int:
    """The line of ``key:`` in a lesson's front matter (1 when it is not there)."""
    lines = file.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


def _read_lesson_file(checker: _Checker, file: Path) -> tuple[LineDict | None, str]:
    text = checker.read_text(file)
    if text is None:
        return None, ""
    if not text.startswith("---\n"):
        checker.error(file, 1, "a lesson starts with YAML front matter between '---' lines")
        return None, ""
    end = FRONT_MATTER_END.search(text, 4)
    if end is None:
        checker.error(file, 1, "the front matter is not closed with '---'")
        return None, ""
    try:
        front = load_yaml(text[4 : end.start()], first_line=2)
    except YamlError as exc:
        checker.error(file, exc.line, exc.message)
        return None, ""
    if front is None:
        front = LineDict()
        front.lines = {}
    elif not isinstance(front, LineDict):
        checker.error(file, 2, "the front matter must be a mapping (title: …)")
        return None, ""
    else:
        front.lines = {key: line + 1 for key, line in front.lines.items()}  # it starts on line 2
        front.line += 1
    body_start = min(end.end() + 1, len(text))
    body = text[body_start:]
    first_body_line = text[:body_start].count("\n") + 1
    lesson_dir = checker.inside(file.parent)
    for problem in check_lesson_text(body, first_body_line, lesson_dir, checker.exists):
        checker.error(file, problem.line, problem.message)
    for key in sorted(set(front) - LESSON_KEYS, key=str):
        checker.error(
            file,
            front.line_of(str(key)),
            f"unknown key '{key}' (allowed: {', '.join(sorted(LESSON_KEYS))})",
        )
    return front, body.strip() + "\n"


def _load_lesson(checker: _Checker, file: Path, stem: str, position: int) -> LessonSpec | None:
    front, body = _read_lesson_file(checker, file)
    if front is None:
        return None
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        checker.error(file, front.line_of("title"), "'title' is required")
        return None
    if len(title.strip()) > MAX_TITLE:
        checker.error(
            file, front.line_of("title"), f"'title' is longer than {MAX_TITLE} characters"
        )
    minutes = front.get("minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        checker.error(
            file, front.line_of("minutes"), "'minutes' must be a whole number of at least 1"
        )
        minutes = 10
    kind = front.get("kind", "lesson")
    if kind not in LESSON_KINDS:
        checker.error(
            file, front.line_of("kind"), f"unknown kind '{kind}' (use lesson or exercise)"
        )
        kind = "lesson"
    required = front.get("required", True)
    if not isinstance(required, bool):
        checker.error(file, front.line_of("required"), "'required' must be true or false")
        required = True
    key = checker.key(file, front, NUMBERED.match(stem).group(2))  # type: ignore[union-attr]
    return LessonSpec(
        key=key,
        path=file,
        position=position,
        title=title.strip(),
        body=body,
        minutes=minutes,
        required=required,
        kind=kind,
    )


def _load_activity(
    checker: _Checker,
    module_file: Path,
    folder: Path,
    entry: Any,
    position: int,
    seen: set[str],
    list_line: int,
) -> ActivitySpec | None:
    if not isinstance(entry, LineDict):
        checker.error(module_file, list_line, "each activity is a mapping with id, type and title")
        return None
    line = entry.line
    title_tr: dict[str, str] = {}
    if isinstance(entry.get("title"), dict):
        english, title_tr = checker.text(
            module_file, entry, "title", required=True, limit=MAX_TITLE
        )
        if not english:
            return None
        plain = LineDict((k, english if k == "title" else v) for k, v in entry.items())
        plain.line, plain.lines = line, dict(entry.lines)
        entry = plain
    key, type_key, title = entry.get("id"), entry.get("type"), entry.get("title")
    for name, value, limit in (
        ("id", key, MAX_KEY),
        ("type", type_key, MAX_TYPE),
        ("title", title, MAX_TITLE),
    ):
        if not isinstance(value, str) or not value.strip():
            checker.error(
                module_file,
                entry.line_of(name) if name in entry else line,
                f"activity needs '{name}' (a text)",
            )
            return None
        if len(value.strip()) > limit:
            checker.error(
                module_file,
                entry.line_of(name),
                f"activity '{name}' is longer than {limit} characters",
            )
            return None
    key, type_key, title = key.strip(), type_key.strip(), title.strip()
    if key in seen:
        checker.error(module_file, entry.line_of("id"), f"duplicate activity id '{key}'")
        return None
    seen.add(key)
    required = entry.get("required", True)
    if not isinstance(required, bool):
        checker.error(module_file, entry.line_of("required"), "'required' must be true or false")
        required = True
    definition = LineDict((str(k), v) for k, v in entry.items() if k not in ACTIVITY_CORE_KEYS)
    definition.line, definition.lines = line, {k: entry.line_of(k) for k in definition}
    module_dir = checker.inside(folder)
    for name, value in definition.items():
        if (
            isinstance(value, str)
            and ("/" in value or "\\" in value or value.startswith(".."))
            and "://" not in value
            and package_path(module_dir, value) is None
        ):
            checker.error(
                module_file, entry.line_of(name), f"'{name}: {value}' points outside the package"
            )
            return None
    activity_type = checker.types.get(type_key)
    if activity_type is None:
        # One rule for every plugin, built-in or a partner's: the core cannot tell a plugin that is
        # not installed here from a typo, so the package stays valid, the activity shows as
        # unavailable and its definition is kept; the warning names the types that are installed.
        installed = ", ".join(sorted(checker.types)) or "none"
        checker.warn(
            module_file,
            entry.line_of("type"),
            f"activity type '{type_key}' is not provided by any installed plugin (installed: {installed}): "
            "the activity will show as unavailable",
        )
    elif activity_type.validate_definition is not None:
        try:
            # A LineDict: ``definition.line_of(key)`` gives the plugin the line of each of its keys.
            found = activity_type.validate_definition(definition, folder, checker.rel(module_file))
        except Exception as exc:  # noqa: BLE001 - a plugin's bug becomes a problem, not a crash
            checker.error(
                module_file,
                line,
                f"activity '{key}': the '{type_key}' plugin could not check it ({type(exc).__name__}: {exc})",
            )
            return None
        for problem in found or []:
            checker.problems.append(Problem(problem.path, problem.line, problem.message))
    files = _named_files(folder, definition)
    return ActivitySpec(
        key=key,
        type_key=type_key,
        title=title,
        required=required,
        translations=_by_language(title=title_tr),
        release=_load_release(checker, module_file, entry),
        definition=_plain(definition),
        position=position,
        digest=_digest(definition, files),
        line=line,
        files={
            name: _file_content(path)
            for name, path in files.items()
            if path.stat().st_size <= MAX_KEPT_FILE
        },
    )


def _named_files(folder: Path, definition: Mapping[str, Any]) -> dict[str, Path]:
    """The files of the module folder that the definition names (``file: quiz.gift``), with
    their translations beside them (``quiz.sv.gift``), as lessons have theirs: a changed
    translation is a changed definition, and is kept for export like the file itself."""
    found: dict[str, Path] = {}
    base = Path(os.path.abspath(folder))
    for value in definition.values():
        if not isinstance(value, str) or not value or "\n" in value or len(value) > 255:
            continue
        for name in (value, *(translated_file_name(value, locale) for locale in LOCALES[1:])):
            candidate = Path(os.path.abspath(base / name))
            if (
                candidate.is_relative_to(base)
                and candidate.is_file()
                and not candidate.is_symlink()
            ):
                found[name] = candidate
    return dict(sorted(found.items()))


def translated_file_name(name: str, locale: str) -> str:
    """The name of the translation of a file an activity names: ``quiz.gift`` → ``quiz.sv.gift``."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{locale}{path.suffix}"))


def _file_content(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _digest(definition: Mapping[str, Any], files: Mapping[str, Path]) -> str:
    """A fingerprint of the definition and the files it names, to skip unchanged re-imports."""
    h = hashlib.sha256(repr(sorted(_plain(definition).items())).encode())
    for name, path in files.items():
        h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def definition_digest(definition: Mapping[str, Any]) -> str:
    """The digest of a definition that names no files (activities added in the browser)."""
    return _digest(definition, {})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
