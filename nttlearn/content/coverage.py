"""How far a course is translated into each language, counted over every translatable text.

A course is *available* in a language when none of its texts is missing or outdated there; the
catalogue lists it under that language, and shows the share where the course is partly
translated. The texts counted: the course's title, summary and each outcome; each module's title,
summary and each outcome; each lesson's title and body; each activity's title; and the texts that
the activity's plugin reports (``ActivityType.translation_states``: quiz questions, rubrics…).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..caching import worker_cache
from ..extensions import db
from ..hooktypes import ActivityType
from ..models import Activity, Course, Lesson, Module
from .translations import LANGUAGES, MISSING, OUTCOME, OUTDATED, PRESENT, english_texts, text_states


@dataclass(frozen=True)
class Coverage:
    """One course in one language: ``total`` texts, of which ``translated`` (up to date),
    ``outdated`` and ``missing``."""

    total: int
    translated: int
    outdated: int
    missing: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated == self.total

    @property
    def share(self) -> int:
        """The up-to-date share in whole per cent, never 100 unless complete."""
        if not self.total:
            return 0
        share = int(100 * self.translated / self.total)
        return 99 if share == 100 and not self.complete else share

    def as_json(self) -> dict[str, int]:
        return {
            "total": self.total,
            "translated": self.translated,
            "outdated": self.outdated,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class Text:
    """One translatable text of a course: what it is (``label``), its English, its state in each
    language, and the pages where it is edited: ``source_editor`` (its English) and ``editor``
    (its translation, called with ``locale=``), each an endpoint with its arguments, or None."""

    label: str
    english: str
    states: Mapping[str, str]
    source_editor: tuple[str, Mapping[str, Any]] | None = None
    editor: tuple[str, Mapping[str, Any]] | None = None


@dataclass
class TextGroup:
    """The texts of the course itself, of one module (with its lessons) or of one activity."""

    element: Course | Module | Activity
    texts: list[Text]
    module: Module | None = None  # the module an activity is placed in


def _element_texts(
    english: Mapping[str, str | None],
    translations: Mapping | None,
    labels: Mapping[str, Any],
    source_editor: tuple[str, Mapping[str, Any]] | None,
    editor: tuple[str, Mapping[str, Any]] | None,
    outcomes_editor: tuple[str, Mapping[str, Any]] | None = None,
) -> list[Text]:
    """One :class:`Text` per English text (with text) of an element; ``editor`` edits the texts
    named in ``labels`` (title, summary, body), ``outcomes_editor`` the learning outcomes."""
    per_locale = {
        locale: text_states((translations or {}).get(locale), english) for locale in LANGUAGES
    }
    found = []
    for name, text in english.items():
        if not (text or "").strip():
            continue
        prefix, _, number = name.partition(".")
        label = (
            _l("Learning outcome %(num)d", num=int(number) + 1)
            if prefix == OUTCOME
            else labels[name]
        )
        found.append(
            Text(
                label,
                text or "",
                {locale: per_locale[locale][name] for locale in LANGUAGES},
                source_editor,
                outcomes_editor if prefix == OUTCOME else editor,
            )
        )
    return found


_LABELS = {"title": _l("Title"), "summary": _l("Summary"), "body": _l("Text")}


def course_texts(courses: Sequence[Course]) -> dict[int, list[TextGroup]]:
    """Every translatable text of each course, grouped (the course, then each module with its
    lessons, then each of its activities), in reading order: what the translation overview lists
    and what :func:`count_courses` counts. Read from the database in four queries however many
    courses, and one per plugin with translatable activity texts."""
    groups: dict[int, list[TextGroup]] = {}
    for course in courses:
        args = {"course_id": course.id}
        groups[course.id] = [
            TextGroup(
                course,
                _element_texts(
                    english_texts(course),
                    course.translations,
                    _LABELS,
                    ("author.edit_course", args),
                    ("author.translate_course", args),
                    ("author.translate_course_outcomes", args),
                ),
            )
        ]
    modules = (
        db.session.execute(
            db.select(Module)
            .where(Module.course_id.in_(list(groups)), Module.archived.is_(False))
            .order_by(Module.position, Module.id)
        )
        .scalars()
        .all()
        if groups
        else []
    )
    if not modules:
        return groups
    module_groups: dict[int, TextGroup] = {}
    for module in modules:
        args = {"course_id": module.course_id, "module_id": module.id}
        module_groups[module.id] = TextGroup(
            module,
            _element_texts(
                english_texts(module),
                module.translations,
                _LABELS,
                ("author.edit_module", args),
                ("author.translate_module", args),
                ("author.translate_module_outcomes", args),
            ),
        )
    course_of = {m.id: m.course_id for m in modules}
    for lesson in db.session.execute(
        db.select(Lesson.id, Lesson.module_id, Lesson.title, Lesson.body, Lesson.translations)
        .where(Lesson.module_id.in_(list(course_of)), Lesson.archived.is_(False))
        .order_by(Lesson.position, Lesson.id)
    ):
        args = {"course_id": course_of[lesson.module_id], "lesson_id": lesson.id}
        labels = {"title": _l("Lesson title"), "body": _l("Lesson text")}
        module_groups[lesson.module_id].texts += _element_texts(
            {"title": lesson.title, "body": lesson.body},
            lesson.translations,
            labels,
            ("author.edit_lesson", args),
            ("author.translate_lesson", args),
        )
    activities = (
        db.session.execute(
            db.select(Activity)
            .where(Activity.module_id.in_(list(course_of)), Activity.archived.is_(False))
            .order_by(Activity.position, Activity.id)
        )
        .scalars()
        .all()
    )
    activity_groups: dict[int, list[TextGroup]] = {}
    by_type: dict[str, list[Activity]] = {}
    by_id: dict[int, TextGroup] = {}
    for activity in activities:
        args = {"course_id": course_of[activity.module_id], "activity_id": activity.id}
        group = TextGroup(
            activity,
            _element_texts(
                {"title": activity.title},
                activity.translations,
                {"title": _l("Activity title")},
                ("author.edit_activity", args),
                ("author.translate_activity", args),
            ),
            module=module_groups[activity.module_id].element,
        )  # type: ignore[arg-type]
        activity_groups.setdefault(activity.module_id, []).append(group)
        by_id[activity.id] = group
        by_type.setdefault(activity.type_key, []).append(activity)
    types = current_app.extensions["nttlearn"].all_activity_types()
    for type_key, placed in by_type.items():
        for activity_id, found in _plugin_texts(types.get(type_key), placed).items():
            if activity_id in by_id:
                by_id[activity_id].texts += found
    for module in modules:
        groups[module.course_id] += [module_groups[module.id], *activity_groups.get(module.id, [])]
    return groups


def _plugin_texts(
    activity_type: ActivityType | None, activities: list[Activity]
) -> dict[int, list[Text]]:
    """The activities' own texts, as their plugin tells them: one by one (``translation_texts``)
    or, from a plugin that only counts them (``translation_states``), numbered."""
    if activity_type is None:
        return {}
    if activity_type.translation_texts is not None:
        return {
            activity_id: [
                Text(
                    t.label,
                    t.english,
                    dict(t.states),
                    None,
                    (t.editor, dict(t.editor_args)) if t.editor else None,
                )
                for t in found
            ]
            for activity_id, found in activity_type.translation_texts(activities).items()
        }
    if activity_type.translation_states is None:
        return {}
    result: dict[int, list[Text]] = {}
    for activity_id, per_locale in activity_type.translation_states(activities).items():
        count = max((len(per_locale.get(locale, ())) for locale in LANGUAGES), default=0)
        result[activity_id] = [
            Text(
                _l("Text %(num)d", num=n + 1),
                "",
                {
                    locale: (list(per_locale.get(locale, ())) + [MISSING] * count)[n]
                    for locale in LANGUAGES
                },
            )
            for n in range(count)
        ]
    return result


def count_courses(courses: Sequence[Course]) -> dict[int, dict[str, Coverage]]:
    """Every language's coverage of each course: the states of :func:`course_texts`, counted."""
    result = {}
    for course_id, groups in course_texts(courses).items():
        result[course_id] = count_texts([text for group in groups for text in group.texts])
    return result


def count_texts(texts: Sequence[Text]) -> dict[str, Coverage]:
    """Per language, how many of ``texts`` are translated (up to date), outdated and missing."""
    found = {}
    for locale in LANGUAGES:
        c = Counter(text.states.get(locale, MISSING) for text in texts)
        found[locale] = Coverage(
            total=len(texts), translated=c[PRESENT], outdated=c[OUTDATED], missing=c[MISSING]
        )
    return found


def count_course(course: Course) -> dict[str, Coverage]:
    return count_courses([course])[course.id]


def courses_coverage(courses: Sequence[Course]) -> dict[int, dict[str, Coverage]]:
    """``count_courses``, kept per worker for each course's content version. Texts that only a
    plugin holds (quiz questions edited in the browser) are recounted with the course's next
    content change or import."""
    cache = worker_cache("translation_coverage")
    found: dict[int, dict[str, Coverage]] = {}
    missing = []
    for course in courses:
        hit = cache.get((course.id, course.content_version))
        if hit is None:
            missing.append(course)
        else:
            found[course.id] = hit
    if missing:
        for course_id, coverage in count_courses(missing).items():
            found[course_id] = coverage
        for course in missing:
            cache.put((course.id, course.content_version), found[course.id])
    return found


def available_languages(coverage: Mapping[str, Coverage]) -> list[str]:
    """English, and every language a course (its ``coverage``) is completely translated into."""
    return ["en", *(locale for locale in LANGUAGES if coverage[locale].complete)]
