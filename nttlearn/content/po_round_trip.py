"""A course's texts in one language as a gettext PO file, for translators' CAT tools, and back.

One message per translatable text: ``msgctxt`` a stable id (``lesson/<module>/<lesson>/body``),
``msgid`` the English now, ``msgstr`` the translation, ``#, fuzzy`` where the translation was made
from another English text. Importing writes the same ``translations`` JSON (with ``_source``
fingerprints) as the browser translation editor, so the English a translator saw decides whether
the translation counts as up to date: a file exported before the English changed imports as
*outdated*, never silently as current. Babel reads and writes the format.

The texts an activity's plugin holds (quiz questions, a proposal's template and rubric, survey
questions) are in the file too, through the activity type's ``translation_units`` and
``apply_translations`` (:class:`nttlearn.api.ActivityType`): ``msgctxt``
``activity/<module>/<activity>/<unit id>``, checked like the core's texts, and stored by the
plugin as its browser editor stores them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, unescape, write_po
from flask import current_app

# The browser editor's check of a lesson, which asks what the package checker asks.
from ..author.outline import check_lesson_body
from ..extensions import db
from ..hooktypes import ActivityType, TranslationUnit, TranslationUpdate
from ..models import Activity, Course, Lesson, Module
from .layout import CourseOutline, load_outline, package_layout
from .lessontext import link_targets
from .package import Problem
from .translations import (
    OUTCOME,
    OUTDATED,
    SOURCE,
    english_texts,
    fingerprint,
    fingerprints,
    text_states,
    texts,
)

Element = Course | Module | Lesson | Activity

# Named and bare %-placeholders (``%(town)s``, ``%s``). Babel's own test flags "50% of" as a
# placeholder ("% o"), which would refuse ordinary percentages in course texts.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]?\d*(?:\.\d+)?[sdifr]|%[sdr](?![A-Za-z])")


@dataclass(frozen=True)
class CourseText:
    """One translatable text of a course: where it lives and what it says in English."""

    id: str  # the msgctxt, stable across exports: course/title, lesson/<module>/<lesson>/body…
    element: Element
    name: str  # its key in the element's translations: title, summary, body, outcome.0…
    english: str
    shown: str  # for the translator: where learners read it
    location: str  # the package file that carries it

    @property
    def is_body(self) -> bool:
        return isinstance(self.element, Lesson) and self.name == "body"


def element_english(element: Element) -> dict[str, str]:
    """Every English text of ``element`` keyed as its translations are (what fingerprints compare)."""
    if isinstance(element, (Course, Module)):
        return english_texts(element)
    if isinstance(element, Lesson):
        return {"title": element.title, "body": element.body}
    return {"title": element.title}


def course_texts(course: Course, outline: CourseOutline | None = None) -> list[CourseText]:
    """The course's translatable texts with English, in reading order (course, then each module)."""
    outline = outline or load_outline(course)
    layout = package_layout(outline)
    found: list[CourseText] = []

    def add(prefix: str, element: Element, shown: dict[str, str], location: str) -> None:
        for name, text in element_english(element).items():
            if not (text or "").strip():
                continue  # an empty English text has nothing to translate (and no PO message)
            where = shown.get(name) or shown[OUTCOME].format(n=int(name.split(".")[1]) + 1)
            found.append(CourseText(f"{prefix}/{name}", element, name, text, where, location))

    add(
        "course",
        course,
        {
            "title": "Course title: catalogue, course page, certificate.",
            "summary": "Course summary: catalogue and course page.",
            OUTCOME: "Course learning outcome {n}: course page.",
        },
        "course.yaml",
    )
    for number, module in enumerate(outline.modules, start=1):
        folder = layout.module_dirs[module.id]
        add(
            f"module/{module.key}",
            module,
            {
                "title": f"Title of module {number}: course outline, module and lesson pages.",
                "summary": f"Summary of module {number}: course page.",
                OUTCOME: f"Module {number}, learning outcome {{n}}: course page.",
            },
            f"{folder}/module.yaml",
        )
        for position, lesson in enumerate(outline.lessons.get(module.id, []), start=1):
            add(
                f"lesson/{module.key}/{lesson.key}",
                lesson,
                {
                    "title": f"Title of lesson {position} of module {number}: course outline and lesson page.",
                    "body": (
                        f"Text of lesson {position} of module {number}, in Markdown: the lesson page. "
                        "Keep link targets, image paths and placeholders as in the English."
                    ),
                },
                layout.lesson_files[lesson.id],
            )
        for activity in outline.activities.get(module.id, []):
            add(
                f"activity/{module.key}/{activity.key}",
                activity,
                {
                    "title": f"Title of an activity ({activity.type_key}) in module {number}: module page and to-do list."
                },
                f"{folder}/module.yaml",
            )
    return found


@dataclass(frozen=True)
class ActivityText:
    """One text an activity's plugin holds (a :class:`TranslationUnit`), in one language."""

    id: str  # the msgctxt: activity/<module>/<activity>/<unit id>
    activity: Activity
    activity_type: ActivityType
    unit: TranslationUnit
    location: str  # the package file that carries it

    is_body = False

    @property
    def english(self) -> str:
        return self.unit.source


def activity_texts(
    course: Course, locale: str, outline: CourseOutline | None = None
) -> dict[int, list[ActivityText]]:
    """The texts each activity's plugin holds, in ``locale``, by activity id (in reading order).
    Activities whose type has no ``translation_units`` (or no ``apply_translations``) have none."""
    outline = outline or load_outline(course)
    layout = package_layout(outline)
    types = current_app.extensions["nttlearn"].all_activity_types()
    found: dict[int, list[ActivityText]] = {}
    for module in outline.modules:
        folder = layout.module_dirs[module.id]
        for activity in outline.activities.get(module.id, []):
            activity_type = types.get(activity.type_key)
            if (
                activity_type is None
                or activity_type.translation_units is None
                or activity_type.apply_translations is None
            ):
                continue
            units = []
            for unit in activity_type.translation_units(activity, locale):
                if ":" not in unit.id or not unit.source.strip():
                    continue  # not a plugin's id (it could shadow the title), or nothing to translate
                units.append(
                    ActivityText(
                        f"activity/{module.key}/{activity.key}/{unit.id}",
                        activity,
                        activity_type,
                        unit,
                        f"{folder}/{unit.location}",
                    )
                )
            found[activity.id] = units
    return found


# -- export ----------------------------------------------------------------------------------------
def _unit_message(text: ActivityText) -> Message:
    unit = text.unit
    message = Message(
        unit.source,
        unit.target,
        locations=[(text.location, None)],
        auto_comments=[unit.context] if unit.context else [],
        context=text.id,
    )
    message.flags.discard("python-format")
    if PLACEHOLDER.search(unit.source):
        message.flags.add("python-format")
    if unit.outdated and unit.target.strip():
        message.flags.add("fuzzy")
    return message


def export_po(course: Course, locale: str, out: IO[bytes], now: datetime | None = None) -> int:
    """Write ``course``'s texts in ``locale`` to ``out`` as PO; the number of messages. An
    activity's own texts (its plugin's units) follow its title.

    Lines are not wrapped: a lesson stays one message, one PO line per line of Markdown.
    """
    catalog = Catalog(
        locale=locale,
        project=course.slug,
        version=str(course.version),
        fuzzy=False,
        creation_date=now,
        revision_date=now,
        charset="utf-8",
        header_comment=f"# {course.title}: the course's texts for translation into {locale}.\n"
        "# Exported by nttlearn; import with `nttlearn courses translations-import`.",
    )
    outline = load_outline(course)
    units = activity_texts(course, locale, outline)
    for text in course_texts(course, outline):
        entry = (text.element.translations or {}).get(locale)
        states = text_states(entry, element_english(text.element))
        message = Message(
            text.english,
            texts(entry).get(text.name, ""),
            locations=[(text.location, None)],
            auto_comments=[text.shown],
            context=text.id,
        )
        message.flags.discard("python-format")
        if PLACEHOLDER.search(text.english):
            message.flags.add("python-format")
        if states.get(text.name) == OUTDATED:
            message.flags.add("fuzzy")
        catalog[text.english] = message  # keyed by (msgid, msgctxt): the contexts are unique
        if isinstance(text.element, Activity) and text.name == "title":
            for unit in units.pop(text.element.id, []):
                catalog[unit.unit.source] = _unit_message(unit)
    for rest in units.values():  # an activity without an English title
        for unit in rest:
            catalog[unit.unit.source] = _unit_message(unit)
    write_po(out, catalog, width=0, include_lineno=False)
    return len(catalog)


# -- import ----------------------------------------------------------------------------------------
@dataclass
class PoImport:
    """What an import did (or, on a dry run, would do)."""

    imported: list[str] = field(default_factory=list)  # ids written
    outdated: list[str] = field(
        default_factory=list
    )  # of those, translated from an older English text
    fuzzy: list[str] = field(default_factory=list)  # skipped: marked fuzzy in the file
    unchanged: int = 0
    empty: int = 0  # no translation in the file: the stored one was left as it was

    def summary(self) -> str:
        return f"{len(self.imported)} imported, {len(self.outdated)} outdated, {len(self.fuzzy)} fuzzy skipped"

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "outdated": len(self.outdated),
            "fuzzy_skipped": len(self.fuzzy),
            "unchanged": self.unchanged,
            "empty": self.empty,
            "imported_ids": self.imported,
            "outdated_ids": self.outdated,
            "fuzzy_ids": self.fuzzy,
        }


class PoImportFailed(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class _Lines:
    """Where one message sits in the file: its msgctxt line, and each piece of its msgstr."""

    context: str | None = None
    context_line: int = 0
    msgid_line: int = 0
    msgstr: list[tuple[int, str]] = field(default_factory=list)  # (file line, unescaped piece)

    def line_of(self, text_line: int) -> int:
        """The file line holding line ``text_line`` (1-based) of the msgstr, however a tool wrapped it."""
        if not self.msgstr:
            return self.msgid_line
        full = "".join(piece for _line, piece in self.msgstr)
        start = 0
        for _n in range(text_line - 1):
            start = full.find("\n", start) + 1
            if start == 0:
                return self.msgstr[-1][0]
        offset = 0
        for line, piece in self.msgstr:
            if offset <= start < offset + len(piece):
                return line
            offset += len(piece)
        return self.msgstr[-1][0]

    def line_naming(self, target: str) -> int:
        for line, piece in self.msgstr:
            if target in piece:
                return line
        return self.msgstr[0][0] if self.msgstr else self.msgid_line


def _scan(lines: list[str]) -> dict[int, _Lines]:
    """Each message's lines, by its msgid line (1-based, as Babel's ``Message.lineno``)."""
    found: dict[int, _Lines] = {}
    current = _Lines()
    keyword = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            keyword = None if not line else keyword
            continue
        if line.startswith('"'):
            piece = unescape(line)
            if keyword == "msgctxt":
                current.context = (current.context or "") + piece
            elif keyword == "msgstr":
                current.msgstr.append((number, piece))
            continue
        word, _, rest = line.partition(" ")
        if word == "msgctxt":
            current, keyword = _Lines(context=unescape(rest), context_line=number), "msgctxt"
        elif word == "msgid":
            if keyword != "msgctxt":
                current = _Lines()
            current.msgid_line, keyword = number, "msgid"
            found[number] = current
        elif word.startswith("msgstr"):
            keyword = "msgstr"
            if rest != '""':
                current.msgstr.append((number, unescape(rest)))
        else:
            keyword = word
    return found


def _language(identifier: str | None) -> str:
    return (identifier or "").replace("-", "_").split("_")[0].lower()


def _clean(text: CourseText | ActivityText, value: str) -> tuple[str, int]:
    """The translation as stored, and how many lines were trimmed off its top."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    stripped = value.strip()
    lead = value[: len(value) - len(value.lstrip())].count("\n")
    if text.is_body:
        return (stripped + "\n" if stripped else ""), lead
    return stripped, lead


def _mismatch(english: Iterable[str], translated: Iterable[str]) -> tuple[list[str], list[str]]:
    """(in the English only, in the translation only), counting repeats."""
    a, b = Counter(english), Counter(translated)
    return sorted((a - b).elements()), sorted((b - a).elements())


def _check(
    text: CourseText | ActivityText,
    value: str,
    lead: int,
    where: _Lines,
    display: str,
    course: Course,
) -> list[Problem]:
    """What would make the translation of ``text`` unusable: as the package checker refuses it, or
    placeholders and link targets that differ from the English."""
    problems: list[Problem] = []
    if text.is_body:
        module = db.session.get(Module, text.element.module_id)
        for problem in check_lesson_body(course, module, value):
            problems.append(Problem(display, where.line_of(problem.line + lead), problem.message))
    missing, extra = _mismatch(PLACEHOLDER.findall(text.english), PLACEHOLDER.findall(value))
    for placeholder in extra:
        problems.append(
            Problem(
                display,
                where.line_naming(placeholder),
                f"placeholder '{placeholder}' is not in the English text of '{text.id}'",
            )
        )
    for placeholder in missing:
        problems.append(
            Problem(
                display,
                where.line_of(1),
                f"placeholder '{placeholder}' of the English text is missing",
            )
        )
    targets = [t for t in link_targets(text.english) if not t.startswith("#")]
    missing, extra = _mismatch(targets, [t for t in link_targets(value) if not t.startswith("#")])
    for target in extra:
        problems.append(
            Problem(
                display,
                where.line_naming(target),
                f"link target '{target}' is not in the English text: keep the English link targets",
            )
        )
    for target in missing:
        problems.append(
            Problem(
                display, where.line_of(1), f"link target '{target}' of the English text is missing"
            )
        )
    return problems


def import_po(course: Course, locale: str, source: Path, display: str | None = None) -> PoImport:
    """Read the translations into ``locale`` from the PO file ``source`` and write them, all or nothing.

    :class:`PoImportFailed` with every problem (``display:line: message``) before anything is
    written. The caller commits or rolls back. A fuzzy message is skipped; an empty one leaves
    the stored translation; one whose msgid is not the English now is stamped with the
    fingerprint of its msgid, so it shows as outdated.
    """
    display = display or str(source)
    raw = source.read_bytes()
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise PoImportFailed(
            [
                Problem(
                    display,
                    raw[: exc.start].count(b"\n") + 1,
                    "the file is not UTF-8: save it as UTF-8",
                )
            ]
        ) from exc
    try:
        with source.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True, ignore_obsolete=True)
    except (PoFileError, ValueError) as exc:
        line = getattr(exc, "lineno", 0)
        raise PoImportFailed(
            [Problem(display, line + 1, f"not a PO file Babel can read: {exc}")]
        ) from exc

    problems = _header_problems(catalog, lines, course, locale, display)
    outline = load_outline(course)
    known: dict[str, CourseText | ActivityText] = {
        text.id: text for text in course_texts(course, outline)
    }
    for found_units in activity_texts(course, locale, outline).values():
        known.update((text.id, text) for text in found_units)
    unit_updates: dict[int, tuple[ActivityText, dict[str, TranslationUpdate]]] = {}
    unit_lines: dict[tuple[int, str], int] = {}
    where_is = _scan(lines)
    report = PoImport()
    seen: dict[str, int] = {}
    writes: list[
        tuple[CourseText, str, str]
    ] = []  # (text, translation, fingerprint of its English)
    for message in catalog:
        if not message.id:
            continue  # the header
        where = where_is.get(message.lineno) or _Lines(msgid_line=message.lineno)
        line = where.context_line or message.lineno
        text = known.get(message.context or "")
        if message.context is None or isinstance(message.id, tuple) or text is None:
            problems.append(Problem(display, line, f"unknown text id '{message.context or ''}'"))
            continue
        if message.context in seen:
            problems.append(
                Problem(
                    display,
                    line,
                    f"text id '{message.context}' appears twice (also on line {seen[message.context]})",
                )
            )
            continue
        seen[message.context] = line
        if message.fuzzy:
            report.fuzzy.append(text.id)
            continue
        value, lead = _clean(text, message.string if isinstance(message.string, str) else "")
        if not value:
            report.empty += 1
            continue
        if isinstance(text, ActivityText):
            current = message.id.strip() == text.english.strip()
            if value == text.unit.target.strip() and not (current and text.unit.outdated):
                report.unchanged += 1
                continue
            found = _check(text, value, lead, where, display, course)
            if found:
                problems.extend(found)
                continue
            activity_id = text.activity.id
            unit_updates.setdefault(activity_id, (text, {}))[1][text.unit.id] = TranslationUpdate(
                value, message.id
            )
            unit_lines[(activity_id, text.unit.id)] = line
            report.imported.append(text.id)
            if not current:
                report.outdated.append(text.id)
            continue
        entry = (text.element.translations or {}).get(locale)
        stored = texts(entry).get(text.name, "")
        current = message.id.strip() == text.english.strip()
        outdated_now = text_states(entry, element_english(text.element)).get(text.name) == OUTDATED
        if value.strip() == stored.strip() and not (current and outdated_now):
            report.unchanged += (
                1  # nothing new (a translation confirmed as current is new: its stamp)
            )
            continue
        found = _check(text, value, lead, where, display, course)
        if found:
            problems.extend(found)
            continue
        writes.append((text, value, fingerprint(message.id)))
        report.imported.append(text.id)
        if not current:
            report.outdated.append(text.id)
    for activity_id, (text, updates) in unit_updates.items():
        for problem in text.activity_type.apply_translations(
            text.activity, locale, updates, write=False
        ):
            problems.append(
                Problem(display, unit_lines.get((activity_id, problem.unit_id), 1), problem.message)
            )
    if problems:
        raise PoImportFailed(sorted(problems, key=lambda p: p.line))
    for text, value, stamp in writes:
        _store(text, locale, value, stamp)
    for activity_id, (text, updates) in unit_updates.items():
        late = text.activity_type.apply_translations(text.activity, locale, updates, write=True)
        if late:  # checked a moment ago: only a plugin that checks less than it writes gets here
            raise PoImportFailed(
                [
                    Problem(display, unit_lines.get((activity_id, p.unit_id), 1), p.message)
                    for p in late
                ]
            )
    if unit_updates:
        # The plugins' tables are not the course's structure, whose changes move content_version:
        # move it, so every worker recounts the course's translation coverage (the catalogue).
        courses = Course.__table__
        db.session.execute(
            db.update(courses)
            .where(courses.c.id == course.id)
            .values(content_version=courses.c.content_version + 1)
        )
        db.session.expire(course, ["content_version"])
    db.session.flush()
    return report


def _header_problems(
    catalog: Catalog, lines: list[str], course: Course, locale: str, display: str
) -> list[Problem]:
    def line_of(header: str) -> int:
        return next(
            (n for n, line in enumerate(lines, start=1) if line.startswith(f'"{header}:')), 1
        )

    problems = []
    language = _language(catalog.locale_identifier)
    if language and language != locale:
        problems.append(
            Problem(
                display,
                line_of("Language"),
                f"this file holds translations into '{language}', not '{locale}'",
            )
        )
    project = (catalog.project or "").split(" ")[0]
    if project and project != "PACKAGE" and project != course.slug:
        problems.append(
            Problem(
                display,
                line_of("Project-Id-Version"),
                f"this file holds the texts of the course '{project}', not '{course.slug}'",
            )
        )
    return problems


def _store(text: CourseText, locale: str, value: str, stamp: str) -> None:
    """Write one translation as the browser editor does: a new ``translations`` dict (so the ORM
    sees the change and the element's version moves), with the fingerprint of its English."""
    element = text.element
    translations: Mapping[str, Any] = element.translations or {}
    entry = dict(translations.get(locale) or {})
    source = entry.get(SOURCE)
    if not isinstance(source, Mapping):
        # Without fingerprints the stored texts counted as up to date with the English now:
        # stamp them so, or this one stamp would leave them unable to become outdated.
        source = fingerprints(element_english(element))
    entry[text.name] = value
    entry[SOURCE] = {**source, text.name: stamp}
    element.translations = {**translations, locale: entry}
