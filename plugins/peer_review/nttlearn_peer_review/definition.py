"""A ``proposal`` activity's definition in a course package (its entry in ``module.yaml``):
reading and checking it, applying it to the activity's settings, and writing it back.

Keys (all optional)::

    min_countries: 2              # members from at least this many countries to submit
    reviewers: 3                  # reviewers per submission (k)
    anonymity: anonymous          # anonymous | reviewers_visible | double_blind
    late_submissions: false
    only_submitters_review: false # only learners whose team submitted review
    completion: both              # submitted | reviewed | both
    teams: learners               # learners (invite each other) | trainer (forms them)
    max_team_size: 6
    grading: {method: mean, submission_weight: 80, reviewing_weight: 20, late_penalty: 0,
              pass_grade: 50, disagreement_threshold: 25}
    phases: {submission_opens: "2010-03-04 09:00", submission_deadline: "...",
             review_opens: "...", review_deadline: "...", closes: "..."}   # UTC, in quotes
    template: proposal-template.yaml   # a YAML file in the module folder, or the mapping itself
    rubric: proposal-rubric.yaml       # likewise

A template or rubric file may have translations beside it, ``proposal-rubric.sv.yaml`` (it, sv,
es, fi): the same sections or criteria, found by their ``key`` (levels by their ``points``), with
their texts translated. Word limits, weights and points are the English file's; a translation
may repeat them, unchanged, or leave them out. A text left out is read in English.

Only what differs from the defaults is written back (``min_countries`` and ``reviewers``
always), so a shipped package exports as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from nttlearn.api import LANGUAGES, translated_file_name

from .grades import GradingSettings
from .languages import (
    default_dicts,
    english_texts,
    kinds_translated,
    points_key,
    rubric_texts,
    template_texts,
)
from .models import ANONYMITY_MODES, COMPLETION_RULES, TEAM_FORMATION
from .template import validate_rubric, validate_template

KEYS = {
    "min_countries",
    "reviewers",
    "anonymity",
    "late_submissions",
    "only_submitters_review",
    "completion",
    "teams",
    "max_team_size",
    "grading",
    "phases",
    "template",
    "rubric",
}
GRADING_KEYS = {
    "method": "grading_method",
    "submission_weight": "submission_weight",
    "reviewing_weight": "reviewing_weight",
    "late_penalty": "late_penalty",
    "pass_grade": "pass_grade",
    "disagreement_threshold": "disagreement_threshold",
}
PHASE_KEYS = {
    "submission_opens": "submission_opens_at",
    "submission_deadline": "submission_deadline",
    "review_opens": "review_opens_at",
    "review_deadline": "review_deadline",
    "closes": "closes_at",
}
DEFAULTS: dict[str, Any] = {
    "reviewers_per_submission": 3,
    "min_countries": 1,
    "anonymity": "anonymous",
    "late_submissions": False,
    "only_submitters_review": False,
    "completion_rule": "both",
    "team_formation": "learners",
    "max_team_size": 6,
    "grading_method": "mean",
    "submission_weight": 80.0,
    "reviewing_weight": 20.0,
    "late_penalty": 0.0,
    "pass_grade": 50.0,
    "disagreement_threshold": 25.0,
}


@dataclass
class ReadDefinition:
    """The settings a definition asks for, the texts of its translation files by language, and
    its problems as (key, message, file or None, line in that file)."""

    values: dict[str, Any] = field(default_factory=dict)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[tuple[str, str, str | None, int]] = field(default_factory=list)

    def problem(self, key: str, message: str, file: str | None = None, line: int = 1) -> None:
        self.problems.append((key, message, file, line))


def _int(read: ReadDefinition, data: Mapping[str, Any], key: str, column: str) -> None:
    if key not in data:
        return
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        read.problem(key, f"'{key}' must be a whole number of at least 1")
    else:
        read.values[column] = value


def _bool(read: ReadDefinition, data: Mapping[str, Any], key: str) -> None:
    if key not in data:
        return
    if not isinstance(data[key], bool):
        read.problem(key, f"'{key}' must be true or false")
    else:
        read.values[key] = data[key]


def _choice(
    read: ReadDefinition, data: Mapping[str, Any], key: str, column: str, choices: tuple[str, ...]
) -> None:
    if key not in data:
        return
    value = data[key]
    normal = (
        str(value).strip().lower().replace("-", "_").replace(" ", "_")
        if isinstance(value, str)
        else None
    )
    if normal not in choices:
        read.problem(key, f"'{key}' must be one of: {', '.join(choices)}")
    else:
        read.values[column] = normal


def parse_when(value: Any) -> datetime:
    """A phase date: ``"2010-03-04"`` or ``"2010-03-04 09:00"`` (UTC unless an offset is given)."""
    if isinstance(value, datetime | date):
        raise ValueError('write the date in quotes, e.g. "2010-03-04 09:00"')
    if not isinstance(value, str):
        raise ValueError('a date is written as "YYYY-MM-DD HH:MM"')
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a date written as \"YYYY-MM-DD HH:MM\"") from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def format_when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _grading(read: ReadDefinition, data: Mapping[str, Any]) -> None:
    if "grading" not in data:
        return
    grading = data["grading"]
    if not isinstance(grading, Mapping):
        read.problem("grading", "'grading' must be a mapping (method, weights, pass_grade…)")
        return
    unknown = sorted(set(grading) - set(GRADING_KEYS))
    if unknown:
        read.problem("grading", f"unknown grading keys: {', '.join(map(str, unknown))}")
    values = {}
    for key, column in GRADING_KEYS.items():
        if key not in grading:
            continue
        value = grading[key]
        if key == "method":
            if value not in ("mean", "median"):
                read.problem("grading", "grading method must be mean or median")
                continue
        elif not isinstance(value, int | float) or isinstance(value, bool):
            read.problem("grading", f"grading {key} must be a number")
            continue
        else:
            value = float(value)
        values[column] = value
    merged = {**DEFAULTS, **values}
    try:
        GradingSettings(
            method=merged["grading_method"],
            submission_weight=merged["submission_weight"],
            reviewing_weight=merged["reviewing_weight"],
            late_penalty=merged["late_penalty"],
            disagreement_threshold=merged["disagreement_threshold"],
        )
    except ValueError as exc:
        read.problem("grading", str(exc))
        return
    if not 0 <= merged["pass_grade"] <= 100:
        read.problem("grading", "pass_grade must be between 0 and 100")
        return
    read.values.update(values)


def _phases(read: ReadDefinition, data: Mapping[str, Any]) -> None:
    if "phases" not in data:
        return
    phases = data["phases"]
    if not isinstance(phases, Mapping):
        read.problem("phases", "'phases' must be a mapping of dates")
        return
    unknown = sorted(set(phases) - set(PHASE_KEYS))
    if unknown:
        read.problem(
            "phases",
            f"unknown phase dates: {', '.join(map(str, unknown))} (known: {', '.join(PHASE_KEYS)})",
        )
    found: list[tuple[str, datetime]] = []
    for key, column in PHASE_KEYS.items():
        if key not in phases or phases[key] in (None, ""):
            continue
        try:
            when = parse_when(phases[key])
        except ValueError as exc:
            read.problem("phases", f"phases.{key}: {exc}")
            continue
        read.values[column] = when
        found.append((key, when))
    for (a, first), (b, second) in zip(found, found[1:], strict=False):
        if second < first:
            read.problem("phases", f"phases.{b} comes before phases.{a}")


def _structure(read: ReadDefinition, data: Mapping[str, Any], key: str, folder: Path) -> None:
    """``template``/``rubric``: a YAML file in the module folder, or the mapping itself."""
    if key not in data:
        return
    value, file = data[key], None
    if isinstance(value, str):
        file = value
        path = folder / value
        if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
            read.problem(key, f"'{value}' is not a file in the module folder")
            return
        try:
            value = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            read.problem(key, f"cannot read {value}: {exc}", file)
            return
    validate = validate_template if key == "template" else validate_rubric
    problems = validate(value)
    for message in problems:
        read.problem(key, str(message), file)
    if not problems:
        read.values[key] = _plain(value)
        if file is not None:
            _translation_files(read, key, file, folder, read.values[key])


def _lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line of each key and list item of a YAML text, by its path (``("criteria", 0, "key")``)."""
    found: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for name, item in node.value:
                found[(*path, name.value)] = name.start_mark.line + 1
                walk(item, (*path, name.value))
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                found[(*path, n)] = item.start_mark.line + 1
                walk(item, (*path, n))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return found


def _translation_files(
    read: ReadDefinition, key: str, file: str, folder: Path, english: Mapping[str, Any]
) -> None:
    """Read ``<file>.<lang>.yaml`` beside the English file for each language that has one."""
    for locale in LANGUAGES:
        name = translated_file_name(file, locale)
        path = folder / name
        if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            data, lines = yaml.safe_load(text), _lines(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            read.problem(key, f"cannot read {name}: {exc}", name)
            continue
        found = TranslationReader(read, key, name, file, lines).read(data, english)
        if found:
            read.translations.setdefault(locale, {}).update(found)


class TranslationReader:
    """One translation file of a template or rubric: its texts by id, and a ``path:line``
    problem for each structure the English does not have."""

    def __init__(
        self,
        read: ReadDefinition,
        key: str,
        name: str,
        english_file: str,
        lines: Mapping[tuple[Any, ...], int],
    ) -> None:
        self.result, self.key, self.name, self.english_file, self.lines = (
            read,
            key,
            name,
            english_file,
            lines,
        )
        self.texts: dict[str, str] = {}

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        line = next(
            (self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), 1
        )
        self.result.problem(self.key, message, self.name, line)

    def text(self, path: tuple[Any, ...], value: Any, text_id: str) -> None:
        if value is None or value == "":
            return
        if not isinstance(value, str):
            self.problem(path, f"'{path[-1]}' must be text")
        elif value.strip():
            self.texts[text_id] = value

    def same(self, path: tuple[Any, ...], value: Any, english: Any) -> None:
        if value is not None and value != english:
            self.problem(
                path,
                f"'{path[-1]}' is {value} where the English ({self.english_file}) has {english}: "
                "a translation keeps the English numbers (or leaves them out)",
            )

    def read(self, data: Any, english: Mapping[str, Any]) -> dict[str, str]:
        items, noun = (
            ("sections", "section") if self.key == "template" else ("criteria", "criterion")
        )
        if not isinstance(data, Mapping) or not isinstance(data.get(items), list):
            self.problem(
                (),
                f"a translation of the {self.key} is a mapping with a list of {items}, as the English",
            )
            return {}
        for extra in sorted(set(map(str, data)) - {items}):
            self.problem((extra,), f"unknown key '{extra}' (a translation has only '{items}')")
        known = {item["key"]: item for item in english[items]}
        seen: set[str] = set()
        for n, item in enumerate(data[items]):
            path = (items, n)
            if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
                self.problem(
                    path, f"each of the {items} names the English {noun} it translates by its 'key'"
                )
                continue
            name = item["key"]
            if name not in known:
                self.problem(
                    (*path, "key"),
                    f"{noun} '{name}' is not in the English {self.key} ({self.english_file}); "
                    f"known: {', '.join(known)}",
                )
                continue
            if name in seen:
                self.problem((*path, "key"), f"{noun} '{name}' is translated twice")
                continue
            seen.add(name)
            if noun == "section":
                self.section(path, item, known[name])
            else:
                self.criterion(path, item, known[name])
        return self.texts

    def _unknown(self, path: tuple[Any, ...], item: Mapping[str, Any], allowed: set[str]) -> None:
        for extra in sorted(set(map(str, item)) - allowed):
            self.problem(
                (*path, extra), f"unknown key '{extra}' (known: {', '.join(sorted(allowed))})"
            )

    def section(
        self, path: tuple[Any, ...], item: Mapping[str, Any], english: Mapping[str, Any]
    ) -> None:
        self._unknown(path, item, {"key", "title", "guidance", "word_limit"})
        self.same((*path, "word_limit"), item.get("word_limit"), english.get("word_limit"))
        for field_name in ("title", "guidance"):
            self.text(
                (*path, field_name), item.get(field_name), f"section.{english['key']}.{field_name}"
            )

    def criterion(
        self, path: tuple[Any, ...], item: Mapping[str, Any], english: Mapping[str, Any]
    ) -> None:
        self._unknown(path, item, {"key", "title", "weight", "levels"})
        self.same((*path, "weight"), item.get("weight"), english.get("weight"))
        prefix = f"criterion.{english['key']}"
        self.text((*path, "title"), item.get("title"), f"{prefix}.title")
        levels = item.get("levels")
        if levels is None:
            return
        if not isinstance(levels, list):
            self.problem((*path, "levels"), "'levels' is a list, as in the English")
            return
        points = {points_key(level["points"]) for level in english["levels"]}
        for n, level in enumerate(levels):
            where = (*path, "levels", n)
            value = level.get("points") if isinstance(level, Mapping) else None
            if not isinstance(value, int | float) or isinstance(value, bool):
                self.problem(
                    where, "each level names the English level it translates by its 'points'"
                )
                continue
            if points_key(value) not in points:
                self.problem(
                    (*where, "points"),
                    f"criterion '{english['key']}' has no level of {value:g} points "
                    f"in the English (levels: {', '.join(sorted(points))})",
                )
                continue
            self._unknown(where, level, {"points", "label", "descriptor"})
            for field_name in ("label", "descriptor"):
                self.text(
                    (*where, field_name),
                    level.get(field_name),
                    f"{prefix}.level.{points_key(value)}.{field_name}",
                )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_definition(data: Mapping[str, Any], folder: Path) -> ReadDefinition:
    read = ReadDefinition()
    for key in sorted(set(map(str, data)) - KEYS):
        read.problem(key, f"unknown key '{key}' for a proposal (known: {', '.join(sorted(KEYS))})")
    _int(read, data, "min_countries", "min_countries")
    _int(read, data, "reviewers", "reviewers_per_submission")
    _int(read, data, "max_team_size", "max_team_size")
    _choice(read, data, "anonymity", "anonymity", ANONYMITY_MODES)
    _choice(read, data, "completion", "completion_rule", COMPLETION_RULES)
    _choice(read, data, "teams", "team_formation", TEAM_FORMATION)
    _bool(read, data, "late_submissions")
    _bool(read, data, "only_submitters_review")
    _grading(read, data)
    _phases(read, data)
    _structure(read, data, "template", folder)
    _structure(read, data, "rubric", folder)
    return read


def settings_values(read: ReadDefinition) -> dict[str, Any]:
    """Every settings column the definition decides: what it names, defaults for the rest."""
    values = {**DEFAULTS, **{column: None for column in PHASE_KEYS.values()}}
    values["template"], values["rubric"] = default_dicts("en")
    values.update(read.values)
    return values


def definition_of(settings, activity_key: str, folder: Path) -> dict[str, Any]:
    """The definition for ``module.yaml``; a custom template or rubric goes to a file beside it."""
    entry: dict[str, Any] = {
        "min_countries": settings.min_countries,
        "reviewers": settings.reviewers_per_submission,
    }
    for key, column in (
        ("anonymity", "anonymity"),
        ("late_submissions", "late_submissions"),
        ("only_submitters_review", "only_submitters_review"),
        ("completion", "completion_rule"),
        ("teams", "team_formation"),
        ("max_team_size", "max_team_size"),
    ):
        if getattr(settings, column) != DEFAULTS[column]:
            entry[key] = getattr(settings, column)
    grading = {
        key: _number(getattr(settings, column))
        for key, column in GRADING_KEYS.items()
        if getattr(settings, column) != DEFAULTS[column]
    }
    if grading:
        entry["grading"] = grading
    phases = {
        key: format_when(getattr(settings, column))
        for key, column in PHASE_KEYS.items()
        if getattr(settings, column) is not None
    }
    if phases:
        entry["phases"] = phases
    defaults = dict(zip(("template", "rubric"), default_dicts("en"), strict=True))
    translations = settings.translations or {}
    for key, ids in (
        ("template", template_texts(settings.template)),
        ("rubric", rubric_texts(settings.rubric)),
    ):
        value = getattr(settings, key)
        languages = kinds_translated(translations, ids)
        if value and (value != defaults[key] or languages):
            name = f"{activity_key}-{key}.yaml"
            _write(folder / name, value)
            for locale in sorted(languages, key=LANGUAGES.index):
                _write(
                    folder / translated_file_name(name, locale),
                    translation_file(key, value, translations[locale]),
                )
            entry[key] = name
    return entry


def _write(path: Path, value: Any) -> None:
    path.write_text(
        yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=92), encoding="utf-8"
    )


def translation_file(
    key: str, english: Mapping[str, Any], entry: Mapping[str, Any]
) -> dict[str, Any]:
    """A translation file's content: each section or criterion by its key (levels by their
    points) with the texts ``entry`` has, in the English order; numbers stay in the English."""
    ids = english_texts(english if key == "template" else {}, english if key == "rubric" else {})
    have = {k: v for k, v in entry.items() if k in ids and isinstance(v, str) and v.strip()}
    if key == "template":
        sections = []
        for section in english["sections"]:
            item: dict[str, Any] = {"key": section["key"]}
            for name in ("title", "guidance"):
                if f"section.{section['key']}.{name}" in have:
                    item[name] = have[f"section.{section['key']}.{name}"]
            sections.append(item)
        return {"sections": sections}
    criteria = []
    for criterion in english["criteria"]:
        prefix = f"criterion.{criterion['key']}"
        item = {"key": criterion["key"]}
        if f"{prefix}.title" in have:
            item["title"] = have[f"{prefix}.title"]
        levels = []
        for level in criterion["levels"]:
            one: dict[str, Any] = {"points": level["points"]}
            for name in ("label", "descriptor"):
                if f"{prefix}.level.{points_key(level['points'])}.{name}" in have:
                    one[name] = have[f"{prefix}.level.{points_key(level['points'])}.{name}"]
            levels.append(one)
        item["levels"] = levels
        criteria.append(item)
    return {"criteria": criteria}


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
