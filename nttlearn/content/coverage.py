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

from flask import current_app

from ..caching import worker_cache
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from .translations import LANGUAGES, MISSING, OUTDATED, PRESENT, english_texts, text_states


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
        return {"total": self.total, "translated": self.translated, "outdated": self.outdated,
                "missing": self.missing}


def count_courses(courses: Sequence[Course]) -> dict[int, dict[str, Coverage]]:
    """Every language's coverage of each course, read from the database: four queries however
    many courses, and one per plugin with translatable activity texts."""
    counts: dict[int, dict[str, Counter]] = {c.id: {locale: Counter() for locale in LANGUAGES} for c in courses}

    def add(course_id: int, translations: Mapping | None, english: Mapping[str, str | None]) -> None:
        for locale in LANGUAGES:
            counts[course_id][locale].update(text_states((translations or {}).get(locale), english).values())

    for course in courses:
        add(course.id, course.translations, english_texts(course))
    modules = db.session.execute(db.select(Module).where(
        Module.course_id.in_(list(counts)), Module.archived.is_(False))).scalars().all() if counts else []
    course_of = {m.id: m.course_id for m in modules}
    for module in modules:
        add(module.course_id, module.translations, english_texts(module))
    if course_of:
        for lesson in db.session.execute(
                db.select(Lesson.module_id, Lesson.title, Lesson.body, Lesson.translations)
                .where(Lesson.module_id.in_(list(course_of)), Lesson.archived.is_(False))):
            add(course_of[lesson.module_id], lesson.translations, {"title": lesson.title, "body": lesson.body})
        activities = db.session.execute(db.select(Activity).where(
            Activity.module_id.in_(list(course_of)), Activity.archived.is_(False))).scalars().all()
        by_type: dict[str, list[Activity]] = {}
        for activity in activities:
            add(course_of[activity.module_id], activity.translations, {"title": activity.title})
            by_type.setdefault(activity.type_key, []).append(activity)
        types = current_app.extensions["nttlearn"].all_activity_types()
        placed_in = {a.id: course_of[a.module_id] for a in activities}
        for type_key, placed in by_type.items():
            activity_type = types.get(type_key)
            if activity_type is None or activity_type.translation_states is None:
                continue
            for activity_id, per_locale in activity_type.translation_states(placed).items():
                for locale in LANGUAGES:
                    counts[placed_in[activity_id]][locale].update(per_locale.get(locale, ()))
    return {course_id: {locale: Coverage(total=sum(c[s] for s in (PRESENT, OUTDATED, MISSING)),
                                         translated=c[PRESENT], outdated=c[OUTDATED], missing=c[MISSING])
                        for locale, c in by_locale.items()}
            for course_id, by_locale in counts.items()}


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
