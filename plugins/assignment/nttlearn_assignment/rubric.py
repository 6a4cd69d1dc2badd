"""An assignment's grading rubric: criteria, each with levels (points, a label, a descriptor),
as a course package writes it, checked, translated, and turned into a mark.

The package shape is the peer-review rubric's, so authors learn one format (without ``weight``:
here the points of the levels are the weight)::

    criteria:
    - key: focal-problem                 # a-z, 0-9 and -, unique in the rubric
      title: The focal problem
      levels:                            # 2 to 10, each with its own points
      - points: 0
        label: Missing
        descriptor: No focal problem, or a solution written as a problem.

A translation (``<file>.fi.yaml`` beside the English file) has the same criteria, found by their
``key``, and levels found by their ``points``, with the texts translated.

The mark follows Moodle's rubric grading: the points chosen, less the lowest total the rubric
allows, as a share of the range between its lowest and highest totals, times the assignment's
maximum points. A rubric whose lowest levels are worth 0 and whose top levels add up to the
maximum points simply adds the points up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

import yaml

from nttlearn.api import LANGUAGES, fingerprint, translated_file_name

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_CRITERIA, MIN_LEVELS, MAX_LEVELS, MAX_POINTS = 20, 2, 10, 1000
LIMITS = {"title": 200, "label": 100, "descriptor": 2000, "comment": 5000}
SOURCE = (
    "_source"  # in a language's translations: the fingerprint of the English each was made from
)
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"


def points_key(points: float) -> str:
    """How a level's points are written in a text id and a form field name: ``2``, ``1.5``."""
    return f"{float(points):g}"


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass
class Problem:
    file: str | None  # None: the module.yaml entry itself
    path: tuple[Any, ...]
    message: str


def structure_problems(data: Any) -> list[Problem]:
    """What is wrong with an English rubric (in dictionary form), each at its place in it."""
    if not isinstance(data, Mapping) or not isinstance(data.get("criteria"), list):
        return [Problem(None, (), "rubric: a mapping with a list of criteria")]
    problems: list[Problem] = []

    def problem(path: tuple[Any, ...], message: str) -> None:
        problems.append(Problem(None, path, message))

    for extra in sorted(set(map(str, data)) - {"criteria"}):
        problem((extra,), f"rubric: unknown key '{extra}' (a rubric has only 'criteria')")
    criteria = data["criteria"]
    if not criteria:
        problem(("criteria",), "rubric: at least one criterion")
    if len(criteria) > MAX_CRITERIA:
        problem(("criteria",), f"rubric: at most {MAX_CRITERIA} criteria")
    keys: set[str] = set()
    for n, criterion in enumerate(criteria):
        where = ("criteria", n)
        if not isinstance(criterion, Mapping):
            problem(where, f"criterion {n + 1}: a mapping with key, title and levels")
            continue
        if "weight" in criterion:
            problem(
                (*where, "weight"),
                f"criterion {n + 1}: an assignment's rubric has no weight "
                "(the points of its levels are the weight)",
            )
        for extra in sorted(set(map(str, criterion)) - {"key", "title", "levels", "weight"}):
            problem((*where, extra), f"criterion {n + 1}: unknown key '{extra}'")
        key = criterion.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            problem(
                (*where, "key"),
                f"criterion {n + 1}: key is lower-case letters, digits and -, up to 40",
            )
        elif key in keys:
            problem((*where, "key"), f"criterion {n + 1}: key '{key}' is used twice")
        else:
            keys.add(key)
        _text(criterion.get("title"), "title", (*where, "title"), f"criterion {n + 1}", problem)
        levels = criterion.get("levels")
        if not isinstance(levels, list) or len(levels) < MIN_LEVELS:
            problem(
                (*where, "levels") if "levels" in criterion else where,
                f"criterion {n + 1}: at least {MIN_LEVELS} levels",
            )
            continue
        if len(levels) > MAX_LEVELS:
            problem((*where, "levels"), f"criterion {n + 1}: at most {MAX_LEVELS} levels")
        seen: set[str] = set()
        for m, level in enumerate(levels):
            at, name = (*where, "levels", m), f"criterion {n + 1}, level {m + 1}"
            if not isinstance(level, Mapping):
                problem(at, f"{name}: a mapping with points, label and descriptor")
                continue
            for extra in sorted(set(map(str, level)) - {"points", "label", "descriptor"}):
                problem((*at, extra), f"{name}: unknown key '{extra}'")
            points = level.get("points")
            if not _number(points) or not 0 <= points <= MAX_POINTS:
                problem((*at, "points"), f"{name}: points are a number from 0 to {MAX_POINTS}")
            elif points_key(points) in seen:
                problem(
                    (*at, "points"), f"{name}: {points_key(points)} points twice in one criterion"
                )
            else:
                seen.add(points_key(points))
            _text(level.get("label"), "label", (*at, "label"), name, problem)
            _text(level.get("descriptor"), "descriptor", (*at, "descriptor"), name, problem)
    if not problems and lowest_total(data) == highest_total(data):
        problem(
            ("criteria",),
            "rubric: the levels must give different totals (every level has the same points)",
        )
    return problems


def _text(value: Any, what: str, path: tuple[Any, ...], name: str, problem) -> None:
    if not isinstance(value, str) or not value.strip():
        problem(path, f"{name}: {what} is a text")
    elif len(value) > LIMITS[what]:
        problem(path, f"{name}: {what} is longer than {LIMITS[what]} characters")


def plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """A checked rubric as stored and written: keys in the package's order, numbers as written."""
    return {
        "criteria": [
            {
                "key": c["key"],
                "title": c["title"].strip(),
                "levels": [
                    {
                        "points": _plain_number(level["points"]),
                        "label": level["label"].strip(),
                        "descriptor": level["descriptor"].strip(),
                    }
                    for level in c["levels"]
                ],
            }
            for c in data["criteria"]
        ]
    }


def structure(rubric: Mapping[str, Any] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What grades depend on: the criteria's keys and their levels' points, in order."""
    if not rubric:
        return ()
    return tuple(
        (c["key"], tuple(points_key(level["points"]) for level in c["levels"]))
        for c in rubric["criteria"]
    )


def lowest_total(rubric: Mapping[str, Any]) -> float:
    return sum(min(float(level["points"]) for level in c["levels"]) for c in rubric["criteria"])


def highest_total(rubric: Mapping[str, Any]) -> float:
    return sum(max(float(level["points"]) for level in c["levels"]) for c in rubric["criteria"])


def mark(rubric: Mapping[str, Any], chosen: Mapping[str, float], max_points: float) -> float:
    """The assignment's points for the levels ``chosen`` (``{criterion key: level points}``, one
    for every criterion), on Moodle's scale (see the module's docstring), to two decimals."""
    low, high = lowest_total(rubric), highest_total(rubric)
    total = sum(float(chosen[c["key"]]) for c in rubric["criteria"])
    return round((total - low) / (high - low) * max_points, 2)


# Texts and their translations -------------------------------------------------------------------


def english_texts(rubric: Mapping[str, Any] | None) -> dict[str, str]:
    """Every text of the rubric by its id, in reading order: ``criterion.<key>.title``,
    ``criterion.<key>.level.<points>.label`` and ``….descriptor``."""
    found: dict[str, str] = {}
    for c in (rubric or {}).get("criteria") or []:
        found[f"criterion.{c['key']}.title"] = c["title"]
        for level in c["levels"]:
            prefix = f"criterion.{c['key']}.level.{points_key(level['points'])}"
            found[f"{prefix}.label"], found[f"{prefix}.descriptor"] = (
                level["label"],
                level["descriptor"],
            )
    return found


def text_states(
    rubric: Mapping[str, Any] | None, translations: Mapping[str, Any] | None, locale: str
) -> dict[str, str]:
    """Each text's state in ``locale``: missing, present, or outdated (translated from an English
    text that has changed since)."""
    entry = (translations or {}).get(locale) or {}
    source = entry.get(SOURCE) or {}
    states = {}
    for text_id, english in english_texts(rubric).items():
        value = entry.get(text_id)
        if not isinstance(value, str) or not value.strip():
            states[text_id] = MISSING
        elif text_id in source and source[text_id] != fingerprint(english):
            states[text_id] = OUTDATED
        else:
            states[text_id] = PRESENT
    return states


def stamped(rubric: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    """A language's entry made from ``texts`` translated from the English now (each current)."""
    english = english_texts(rubric)
    kept = {k: v for k, v in texts.items() if k in english and isinstance(v, str) and v.strip()}
    return {**kept, SOURCE: {k: fingerprint(english[k]) for k in kept}}


def localized(
    rubric: Mapping[str, Any], translations: Mapping[str, Any] | None, locale: str | None
) -> dict[str, Any]:
    """The rubric with its texts in ``locale`` where translated (outdated ones too), else English."""
    entry = (translations or {}).get(locale or "en") or {}

    def text(text_id: str, english: str) -> str:
        value = entry.get(text_id)
        return value if isinstance(value, str) and value.strip() else english

    criteria = []
    for c in rubric["criteria"]:
        levels = []
        for level in c["levels"]:
            prefix = f"criterion.{c['key']}.level.{points_key(level['points'])}"
            levels.append(
                {
                    "points": level["points"],
                    "label": text(f"{prefix}.label", level["label"]),
                    "descriptor": text(f"{prefix}.descriptor", level["descriptor"]),
                }
            )
        criteria.append(
            {
                "key": c["key"],
                "title": text(f"criterion.{c['key']}.title", c["title"]),
                "levels": levels,
            }
        )
    return {"criteria": criteria}


# The package: reading the files, writing them back ----------------------------------------------


@dataclass
class PackageRubric:
    """A ``rubric:`` entry read from a package: the English, the translations by language, the
    file it came from (None: written in ``module.yaml``), and its problems."""

    rubric: dict[str, Any] | None = None
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    file: str | None = None
    problems: list[tuple[str | None, int | None, str]] = field(default_factory=list)
    untranslated: dict[str, list[str]] = field(default_factory=dict)


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


def _line(lines: Mapping[tuple[Any, ...], int], path: tuple[Any, ...]) -> int:
    return next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), 1)


def _load(folder: Path, name: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    text = (folder / name).read_text(encoding="utf-8")
    return yaml.safe_load(text), _lines(text)


def read_package_rubric(value: Any, folder: Path) -> PackageRubric:
    """The ``rubric:`` of an assignment's entry: a YAML file in the module folder (translations
    beside it) or the mapping itself (English only). Problems as ``(file, line, message)``; a
    None file and line: at the ``rubric:`` line of ``module.yaml``."""
    read = PackageRubric()
    lines: dict[tuple[Any, ...], int] = {}
    if isinstance(value, str):
        path = folder / value
        if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
            read.problems.append(
                (None, None, f"rubric: '{value}' is not a file in the module folder")
            )
            return read
        try:
            value, lines = _load(folder, str(PurePosixPath(value)))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            read.problems.append((None, None, f"rubric: cannot read {value}: {exc}"))
            return read
        read.file = str(PurePosixPath(path.relative_to(folder).as_posix()))
    problems = structure_problems(value)
    for p in problems:
        read.problems.append((read.file, _line(lines, p.path) if read.file else None, p.message))
    if problems:
        return read
    read.rubric = plain(value)
    if read.file is None:
        read.untranslated = {
            locale: ["rubric (written in module.yaml: give it a file to translate it)"]
            for locale in LANGUAGES
        }
        return read
    english = english_texts(read.rubric)
    for locale in LANGUAGES:
        name = translated_file_name(read.file, locale)
        if not (folder / name).is_file():
            read.untranslated[locale] = [f"{name} (the rubric)"]
            continue
        try:
            data, where = _load(folder, name)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            read.problems.append((name, 1, f"cannot read {name}: {exc}"))
            continue
        found = _translation(read, name, where, data, read.rubric)
        read.translations[locale] = stamped(read.rubric, found)
        lacking = [k for k in english if k not in found]
        if lacking:
            read.untranslated[locale] = [
                f"{name} ({len(lacking)} of the rubric's {len(english)} texts)"
            ]
    return read


def _translation(
    read: PackageRubric,
    name: str,
    lines: Mapping[tuple[Any, ...], int],
    data: Any,
    english: Mapping[str, Any],
) -> dict[str, str]:
    """The texts of one translation file by id; a problem for each thing the English lacks."""

    def problem(path: tuple[Any, ...], message: str) -> None:
        read.problems.append((name, _line(lines, path), message))

    if not isinstance(data, Mapping) or not isinstance(data.get("criteria"), list):
        problem(
            (), "a translation of the rubric is a mapping with a list of criteria, as the English"
        )
        return {}
    texts: dict[str, str] = {}
    known = {c["key"]: c for c in english["criteria"]}
    for n, item in enumerate(data["criteria"]):
        where = ("criteria", n)
        if not isinstance(item, Mapping) or item.get("key") not in known:
            problem(where, f"criterion {n + 1}: no criterion with this key in the English rubric")
            continue
        criterion = known[item["key"]]
        for extra in sorted(set(map(str, item)) - {"key", "title", "levels"}):
            problem((*where, extra), f"criterion '{item['key']}': unknown key '{extra}'")
        prefix = f"criterion.{item['key']}"
        _translated(
            item.get("title"), f"{prefix}.title", "title", (*where, "title"), texts, problem
        )
        points = {points_key(level["points"]) for level in criterion["levels"]}
        for m, level in enumerate(item.get("levels") or []):
            at = (*where, "levels", m)
            if (
                not isinstance(level, Mapping)
                or not _number(level.get("points"))
                or points_key(level["points"]) not in points
            ):
                problem(
                    at,
                    f"criterion '{item['key']}', level {m + 1}: points as in the English "
                    f"({', '.join(sorted(points, key=float))})",
                )
                continue
            for extra in sorted(set(map(str, level)) - {"points", "label", "descriptor"}):
                problem(
                    (*at, extra), f"criterion '{item['key']}', level {m + 1}: unknown key '{extra}'"
                )
            for what in ("label", "descriptor"):
                _translated(
                    level.get(what),
                    f"{prefix}.level.{points_key(level['points'])}.{what}",
                    what,
                    (*at, what),
                    texts,
                    problem,
                )
    return texts


def _translated(
    value: Any, text_id: str, what: str, path: tuple[Any, ...], texts: dict[str, str], problem
) -> None:
    if value is None or value == "":
        return
    if not isinstance(value, str):
        problem(path, f"{what} is a text")
    elif len(value) > LIMITS[what]:
        problem(path, f"{what} is longer than {LIMITS[what]} characters")
    elif value.strip():
        texts[text_id] = value.strip()


def translation_file(rubric: Mapping[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    """A translation file's content: the criteria by key and the levels by points, with the
    texts ``entry`` has, in the English order."""
    english = english_texts(rubric)
    have = {k: v for k, v in entry.items() if k in english and isinstance(v, str) and v.strip()}
    criteria = []
    for c in rubric["criteria"]:
        prefix = f"criterion.{c['key']}"
        item: dict[str, Any] = {"key": c["key"]}
        if f"{prefix}.title" in have:
            item["title"] = have[f"{prefix}.title"]
        levels = []
        for level in c["levels"]:
            one: dict[str, Any] = {"points": level["points"]}
            for what in ("label", "descriptor"):
                if f"{prefix}.level.{points_key(level['points'])}.{what}" in have:
                    one[what] = have[f"{prefix}.level.{points_key(level['points'])}.{what}"]
            levels.append(one)
        item["levels"] = levels
        criteria.append(item)
    return {"criteria": criteria}


def dump(value: Any) -> str:
    """A rubric file's text, as the package export writes it (and the shipped courses are)."""
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=92)


def write_package_rubric(
    rubric: Mapping[str, Any], translations: Mapping[str, Any], folder: Path, activity_key: str
) -> str:
    """Write ``<activity>-rubric.yaml`` and a translation file for each language that has a text;
    the name for ``module.yaml``."""
    name = f"{activity_key}-rubric.yaml"
    (folder / name).write_text(dump(rubric), encoding="utf-8")
    english = english_texts(rubric)
    for locale in LANGUAGES:
        entry = translations.get(locale) or {}
        if any(k in english and isinstance(v, str) and v.strip() for k, v in entry.items()):
            (folder / translated_file_name(name, locale)).write_text(
                dump(translation_file(rubric, entry)), encoding="utf-8"
            )
    return name
