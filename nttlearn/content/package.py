"""Reading and checking a course package folder (see docs/course-packages.md).

:func:`load_package` never touches the database: it returns the parsed course and every problem
found, each as ``path:line: message``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from ..activities import ActivityType, DefinitionProblem
from ..config import LOCALES
from ..models import COMPLETION_RULES, POLICY_AREAS
from .yamlfile import LineDict, YamlError, load_yaml

# Types of the built-in plugins: a package using them is valid even where the plugin is not
# installed (the activity then shows as unavailable).
BUILTIN_ACTIVITY_TYPES = {"quiz", "proposal", "survey"}
COURSE_KEYS = {"id", "slug", "title", "summary", "policy_area", "languages", "hours", "outcomes",
               "completion", "self_enrolment", "certificate", "published"}
MODULE_KEYS = {"id", "title", "summary", "outcomes", "activities"}
LESSON_KEYS = {"id", "title", "minutes", "required", "kind"}
ACTIVITY_CORE_KEYS = {"id", "type", "title", "required"}
NUMBERED = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)$")
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)(?:\.([a-z]{2}))?\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
DANGEROUS_HTML = re.compile(r"<\s*(script|iframe|object|embed|style|form|svg|math|link|meta)\b|\bon[a-z]+\s*=|javascript\s*:", re.I)


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
class ActivitySpec:
    key: str
    type_key: str
    title: str
    required: bool
    definition: dict[str, Any]
    position: int
    digest: str


@dataclass
class ModuleSpec:
    key: str
    path: Path
    position: int
    title: str
    summary: str = ""
    outcomes: list[str] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    path: Path
    title: str
    summary: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    policy_area: str = "methodology"
    languages: list[str] = field(default_factory=lambda: ["en"])
    hours: float = 1
    outcomes: list[str] = field(default_factory=list)
    completion_rule: str = "all_required"
    self_enrolment: bool = True
    certificate: bool = True
    published: bool = True
    modules: list[ModuleSpec] = field(default_factory=list)
    media: list[Path] = field(default_factory=list)


@dataclass
class LoadResult:
    course: CourseSpec | None
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)


class _Checker:
    def __init__(self, root: Path, types: Mapping[str, ActivityType]) -> None:
        self.root = root.resolve()
        self.types = types
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(Problem(self.rel(path), line, message))

    def read_yaml(self, path: Path) -> LineDict | None:
        if not path.is_file():
            self.error(path, 1, "file is missing")
            return None
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.error(path, 1, "file is not UTF-8 text")
            return None
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
                self.error(path, data.line_of(key), f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")

    def text(self, path: Path, data: LineDict, key: str, required: bool = False) -> tuple[str, dict[str, str]]:
        """A string, or a mapping of locales to strings with English required."""
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, data.line, f"'{key}' is required")
            return "", {}
        if isinstance(value, str):
            return value.strip(), {}
        if isinstance(value, dict):
            for locale in value:
                if locale not in LOCALES:
                    self.error(path, value.line_of(locale) if isinstance(value, LineDict) else data.line_of(key),
                               f"unknown language '{locale}' in '{key}' (use one of {', '.join(LOCALES)})")
            english = value.get("en")
            if not isinstance(english, str) or not english.strip():
                self.error(path, data.line_of(key), f"'{key}' needs an English ('en') text")
                return "", {}
            return english.strip(), {k: str(v).strip() for k, v in value.items() if k != "en" and k in LOCALES}
        self.error(path, data.line_of(key), f"'{key}' must be text")
        return "", {}

    def string_list(self, path: Path, data: LineDict, key: str) -> list[str]:
        value = data.get(key, [])
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


def load_package(path: Path | str, types: Mapping[str, ActivityType] | None = None) -> LoadResult:
    """Parse and check the course package at ``path`` (a folder holding ``course.yaml``)."""
    root = Path(path)
    checker = _Checker(root, types or {})
    if not root.is_dir():
        checker.error(root, 1, "not a folder")
        return LoadResult(None, checker.problems)
    data = checker.read_yaml(root / "course.yaml")
    if data is None:
        return LoadResult(None, checker.problems)
    course_file = root / "course.yaml"
    checker.unknown_keys(course_file, data, COURSE_KEYS)
    slug = str(data.get("slug") or data.get("id") or root.resolve().name)
    if not SLUG.match(slug):
        checker.error(course_file, data.line_of("slug"), f"slug '{slug}' must use lower-case letters, digits and dashes")
    title, title_tr = checker.text(course_file, data, "title", required=True)
    summary, summary_tr = checker.text(course_file, data, "summary")
    translations: dict[str, dict[str, str]] = {}
    for locale, text in title_tr.items():
        translations.setdefault(locale, {})["title"] = text
    for locale, text in summary_tr.items():
        translations.setdefault(locale, {})["summary"] = text
    course = CourseSpec(slug=slug, path=root, title=title, summary=summary, translations=translations)
    area = data.get("policy_area", "methodology")
    if area not in POLICY_AREAS:
        checker.error(course_file, data.line_of("policy_area"), f"unknown policy area '{area}' (use one of {', '.join(POLICY_AREAS)})")
    course.policy_area = area
    languages = checker.string_list(course_file, data, "languages") or ["en"]
    for language in languages:
        if language not in LOCALES:
            checker.error(course_file, data.line_of("languages"), f"unknown language '{language}'")
    course.languages = languages
    hours = data.get("hours", 1)
    if not isinstance(hours, int | float) or isinstance(hours, bool) or hours <= 0:
        checker.error(course_file, data.line_of("hours"), "'hours' must be a positive number")
    else:
        course.hours = float(hours)
    course.outcomes = checker.string_list(course_file, data, "outcomes")
    completion = data.get("completion", "all_required")
    if completion not in COMPLETION_RULES:
        checker.error(course_file, data.line_of("completion"), f"unknown completion rule '{completion}' (use one of {', '.join(COMPLETION_RULES)})")
    course.completion_rule = completion
    course.self_enrolment = checker.boolean(course_file, data, "self_enrolment", True)
    course.certificate = checker.boolean(course_file, data, "certificate", True)
    course.published = checker.boolean(course_file, data, "published", True)

    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        checker.error(course_file, 1, "the package has no 'modules' folder")
    else:
        seen: dict[str, Path] = {}
        for position, folder in enumerate(sorted(p for p in modules_dir.iterdir() if p.is_dir()), start=1):
            module = _load_module(checker, folder, position)
            if module is None:
                continue
            if module.key in seen:
                checker.error(folder / "module.yaml", 1, f"duplicate module id '{module.key}' (also {checker.rel(seen[module.key])})")
                continue
            seen[module.key] = folder
            course.modules.append(module)
    media_dir = root / "media"
    if media_dir.is_dir():
        course.media = sorted(p for p in media_dir.rglob("*") if p.is_file())
        for media in course.media:
            if media.is_symlink() or not media.resolve().is_relative_to(root.resolve()):
                checker.error(media, 1, "media file points outside the package")
    return LoadResult(course, checker.problems, checker.warnings)


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
    key = str(data.get("id") or match.group(2))
    title, _ = checker.text(module_file, data, "title", required=True)
    summary, _ = checker.text(module_file, data, "summary")
    module = ModuleSpec(key=key, path=folder, position=position, title=title, summary=summary,
                        outcomes=checker.string_list(module_file, data, "outcomes"))
    lesson_files: dict[str, Path] = {}
    translations: dict[str, list[tuple[str, Path]]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix != ".md":
            continue
        m = LESSON_FILE.match(file.name)
        if not m:
            checker.error(file, 1, "lesson files are named NN-slug.md (translations NN-slug.sv.md)")
            continue
        stem = f"{m.group(1)}-{m.group(2)}"
        if m.group(3):
            if m.group(3) not in LOCALES or m.group(3) == "en":
                checker.error(file, 1, f"unknown translation language '{m.group(3)}'")
                continue
            translations.setdefault(stem, []).append((m.group(3), file))
        else:
            lesson_files[stem] = file
    keys: dict[str, Path] = {}
    for position, (stem, file) in enumerate(sorted(lesson_files.items()), start=1):
        lesson = _load_lesson(checker, file, stem, position)
        if lesson is None:
            continue
        if lesson.key in keys:
            checker.error(file, 1, f"duplicate lesson id '{lesson.key}' (also {checker.rel(keys[lesson.key])})")
            continue
        keys[lesson.key] = file
        for locale, translated in translations.pop(stem, []):
            front, body = _read_lesson_file(checker, translated)
            if front is not None:
                lesson.translations[locale] = {"title": str(front.get("title") or lesson.title), "body": body}
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
        activity = _load_activity(checker, module_file, folder, entry, position, seen)
        if activity is not None:
            module.activities.append(activity)
    return module


def _read_lesson_file(checker: _Checker, file: Path) -> tuple[LineDict | None, str]:
    try:
        text = file.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        checker.error(file, 1, "file is not UTF-8 text")
        return None, ""
    if not text.startswith("---\n"):
        checker.error(file, 1, "a lesson starts with YAML front matter between '---' lines")
        return None, ""
    end = text.find("\n---", 4)
    if end == -1:
        checker.error(file, 1, "the front matter is not closed with '---'")
        return None, ""
    try:
        front = load_yaml(text[4:end], first_line=2)
    except YamlError as exc:
        checker.error(file, exc.line, exc.message)
        return None, ""
    if not isinstance(front, LineDict):
        checker.error(file, 2, "the front matter must be a mapping (title: …)")
        return None, ""
    for key in front.lines:
        front.lines[key] += 1  # the front matter starts on line 2
    front.line += 1
    body_start = text.find("\n", end + 1) + 1 if text.find("\n", end + 1) != -1 else len(text)
    body = text[body_start:]
    first_body_line = text[:body_start].count("\n") + 1
    _check_body(checker, file, body, first_body_line)
    unknown = set(front) - LESSON_KEYS
    for key in sorted(unknown):
        checker.error(file, front.line_of(key), f"unknown key '{key}' (allowed: {', '.join(sorted(LESSON_KEYS))})")
    return front, body.strip() + "\n"


def _check_body(checker: _Checker, file: Path, body: str, first_line: int) -> None:
    for offset, line in enumerate(body.split("\n")):
        match = DANGEROUS_HTML.search(line)
        if match:
            checker.error(file, first_line + offset, f"lessons may not contain '{match.group(0).strip()}': raw HTML and scripts are not allowed")
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    package_root = checker.root.resolve()
    for token in tokens:
        for child in token.children or []:
            target = child.attrGet("href") if child.type == "link_open" else child.attrGet("src") if child.type == "image" else None
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
                continue
            line = first_line + (token.map[0] if token.map else 0)
            resolved = (file.parent / target.split("#")[0]).resolve()
            if not resolved.is_relative_to(package_root):
                checker.error(file, line, f"link '{target}' points outside the package")
            elif not resolved.exists():
                checker.error(file, line, f"broken link: '{target}' does not exist")


def _load_lesson(checker: _Checker, file: Path, stem: str, position: int) -> LessonSpec | None:
    front, body = _read_lesson_file(checker, file)
    if front is None:
        return None
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        checker.error(file, front.line, "'title' is required")
        return None
    minutes = front.get("minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        checker.error(file, front.line_of("minutes"), "'minutes' must be a whole number of at least 1")
        minutes = 10
    kind = front.get("kind", "lesson")
    if kind not in ("lesson", "exercise"):
        checker.error(file, front.line_of("kind"), f"unknown kind '{kind}' (use lesson or exercise)")
    required = front.get("required", True)
    if not isinstance(required, bool):
        checker.error(file, front.line_of("required"), "'required' must be true or false")
        required = True
    key = str(front.get("id") or NUMBERED.match(stem).group(2))  # type: ignore[union-attr]
    return LessonSpec(key=key, path=file, position=position, title=title.strip(), body=body,
                      minutes=minutes, required=required, kind=kind)


def _load_activity(checker: _Checker, module_file: Path, folder: Path, entry: Any, position: int, seen: set[str]) -> ActivitySpec | None:
    if not isinstance(entry, LineDict):
        checker.error(module_file, 1, "each activity is a mapping with id, type and title")
        return None
    line = entry.line
    key, type_key, title = entry.get("id"), entry.get("type"), entry.get("title")
    for name, value in (("id", key), ("type", type_key), ("title", title)):
        if not isinstance(value, str) or not value.strip():
            checker.error(module_file, line, f"activity needs '{name}'")
            return None
    if key in seen:
        checker.error(module_file, entry.line_of("id"), f"duplicate activity id '{key}'")
        return None
    seen.add(key)
    required = entry.get("required", True)
    if not isinstance(required, bool):
        checker.error(module_file, entry.line_of("required"), "'required' must be true or false")
        required = True
    definition = {k: v for k, v in entry.items() if k not in ACTIVITY_CORE_KEYS}
    activity_type = checker.types.get(type_key)
    if activity_type is None:
        if type_key in BUILTIN_ACTIVITY_TYPES:
            checker.warn(module_file, entry.line_of("type"), f"activity type '{type_key}' is not installed: the activity will show as unavailable")
        else:
            known = sorted(set(checker.types) | BUILTIN_ACTIVITY_TYPES)
            checker.error(module_file, entry.line_of("type"), f"unknown activity type '{type_key}' (known: {', '.join(known)})")
            return None
    elif activity_type.validate_definition is not None:
        for problem in activity_type.validate_definition(definition, folder, checker.rel(module_file)):
            checker.problems.append(Problem(problem.path, problem.line, problem.message))
    return ActivitySpec(key=key, type_key=type_key, title=title.strip(), required=required,
                        definition=_plain(definition), position=position, digest=_digest(folder, definition))


def _digest(folder: Path, definition: Mapping[str, Any]) -> str:
    """A fingerprint of the definition and the files it names, to skip unchanged re-imports."""
    h = hashlib.sha256(repr(sorted(_plain(definition).items())).encode())
    for value in definition.values():
        if isinstance(value, str) and (folder / value).is_file() and (folder / value).resolve().is_relative_to(folder.resolve()):
            h.update((folder / value).read_bytes())
    return h.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
