"""An assignment's settings as a course package writes them in ``module.yaml``: read and checked
(without the database), applied to an :class:`~.models.Assignment`, and written back.

```yaml
- id: problem-tree
  type: assignment
  title: {en: Your problem tree, fi: Ongelmapuusi}
  instructions: {en: "Draw …", fi: "Piirrä …"}   # Markdown; or one English string
  due: 2027-03-31T21:59:00Z                       # optional; a cohort's deadline comes first
  max_points: 10
  pass_mark: 6                                    # points; optional
  submission: [text, file]                        # text entry and/or file upload
  file_types: [pdf, docx, odt, png, jpg]
  max_file_mb: 10
  max_files: 3
  completion: submitted                           # or: passed
  rubric: problem-tree-rubric.yaml                # optional; see :mod:`.rubric`
```

The rubric needs the module folder (its file and translations), so :mod:`.activity` reads it
with :func:`.rubric.read_package_rubric`; everything else is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from nttlearn.api import LANGUAGES

from . import instructions as translated_instructions
from .models import COMPLETION_RULES, Assignment

#: The file types an assignment may accept: the documents, PDF and images of the site's upload
#: allow-list (``check_upload`` still checks every file's content against its name).
FILE_TYPES = (
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
)
DEFAULT_FILE_TYPES = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "png", "jpg", "jpeg"]
MAX_FILE_MB = 50
MAX_FILES = 20
KEYS = {
    "instructions",
    "due",
    "max_points",
    "pass_mark",
    "submission",
    "file_types",
    "max_file_mb",
    "max_files",
    "completion",
    "rubric",
}


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def _due(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_settings(definition: Mapping[str, Any]) -> Settings:
    """The settings of a ``module.yaml`` entry, and what is wrong with them (``(key, message)``)."""
    result = Settings()
    values, problems = result.values, result.problems
    instructions = definition.get("instructions", "")
    if isinstance(instructions, str):
        values["instructions"], values["translations"] = instructions, {}
    elif isinstance(instructions, Mapping) and all(
        isinstance(v, str) for v in instructions.values()
    ):
        unknown = sorted(set(instructions) - {"en", *LANGUAGES})
        if unknown:
            problems.append(("instructions", f"instructions: unknown language {unknown[0]!r}"))
        values["instructions"] = instructions.get("en", "")
        values["translations"] = {
            k: v for k, v in instructions.items() if k in LANGUAGES and v.strip()
        }
    else:
        problems.append(
            ("instructions", "instructions: Markdown text, or one text per language (en, it, …)")
        )
    try:
        values["due_at"] = _due(definition.get("due"))
    except ValueError:
        problems.append(("due", "due: a date and time such as 2027-03-31T21:59:00Z"))
    for key, default, low, high in (
        ("max_points", 100, 0.01, 10000),
        ("pass_mark", None, 0, 10000),
    ):
        value = definition.get(key, default)
        if value is None:
            values[key] = None
        elif (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            problems.append((key, f"{key}: a number from {low:g} to {high:g}"))
        else:
            values[key] = float(value)
    if (
        values.get("pass_mark") is not None
        and values.get("max_points")
        and values["pass_mark"] > values["max_points"]
    ):
        problems.append(("pass_mark", "pass_mark: more than max_points"))
    kinds = definition.get("submission", ["text", "file"])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= {"text", "file"}:
        problems.append(("submission", "submission: text, file, or both ([text, file])"))
    else:
        values["text_entry"], values["file_upload"] = "text" in kinds, "file" in kinds
    types = definition.get("file_types", DEFAULT_FILE_TYPES)
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        problems.append(("file_types", "file_types: a list of file extensions such as [pdf, docx]"))
    else:
        types = [t.lower().lstrip(".") for t in types]
        refused = [t for t in types if t not in FILE_TYPES]
        if refused:
            problems.append(
                ("file_types", f"file_types: {refused[0]!r} is not one of {', '.join(FILE_TYPES)}")
            )
        values["file_types"] = list(
            dict.fromkeys(t for t in types if t in FILE_TYPES)
        )  # as written
    for key, default, high in (("max_file_mb", 10, MAX_FILE_MB), ("max_files", 3, MAX_FILES)):
        value = definition.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            problems.append((key, f"{key}: a whole number from 1 to {high}"))
        else:
            values[key] = value
    completion = definition.get("completion", "submitted")
    if completion not in COMPLETION_RULES:
        problems.append(("completion", f"completion: {' or '.join(COMPLETION_RULES)}"))
    else:
        values["completion"] = completion
        if completion == "passed" and "pass_mark" in values and values["pass_mark"] is None:
            problems.append(("completion", "completion: passed needs a pass_mark"))
    return result


def apply_settings(assignment: Assignment, values: Mapping[str, Any]) -> None:
    """Set the settings; the instructions' translations keep their outdated state (a package's
    ``translations`` decide the texts, an English edit alone marks them against the old English)."""
    values = dict(values)
    if "translations" in values:
        values["translations"] = translated_instructions.merge_imported(
            assignment, values["translations"], values.get("instructions", assignment.instructions)
        )
    elif "instructions" in values:
        translated_instructions.before_english_change(assignment, values["instructions"])
    for key, value in values.items():
        setattr(assignment, key, value)


def settings_definition(assignment: Assignment) -> dict[str, Any]:
    """The ``module.yaml`` entry of an assignment (what :func:`read_settings` reads back)."""
    english: Any = assignment.instructions
    translated = translated_instructions.texts(
        assignment.translations
    )  # the texts only, never their fingerprints
    if translated:
        english = {"en": assignment.instructions, **dict(sorted(translated.items()))}
    entry: dict[str, Any] = {"instructions": english}
    if assignment.due_at is not None:
        entry["due"] = assignment.due_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry["max_points"] = _number(assignment.max_points)
    if assignment.pass_mark is not None:
        entry["pass_mark"] = _number(assignment.pass_mark)
    entry["submission"] = [
        k for k, on in (("text", assignment.text_entry), ("file", assignment.file_upload)) if on
    ]
    if assignment.file_upload:
        entry["file_types"] = list(assignment.file_types)
        entry["max_file_mb"] = assignment.max_file_mb
        entry["max_files"] = assignment.max_files
    entry["completion"] = assignment.completion
    return entry


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
