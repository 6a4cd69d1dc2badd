"""Importing a course package into the database: all-or-nothing, idempotent, keeps progress.

Elements are matched by their stable id. An element removed from the package is archived when
learners have work in it, deleted otherwise (:mod:`.retirement`). The existing rows of a course
are loaded in three queries and new rows are written in batches, so the number of queries does
not grow with the number of lessons; an unchanged package writes nothing at all.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..activities import ActivityType
from ..course_settings import course_settings, save_values
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from ..storage import file_store
from .doctemplates import source_files, write_generated
from .media_types import media_files, media_prefix
from .package import ActivitySpec, CourseSpec, ModuleSpec, Problem, load_package, release_items
from .retirement import retire_activities, retire_lessons, retire_modules
from .translations import english_texts, merge_imported

PENDING_MEDIA = "nttlearn_pending_media"


class ImportFailed(Exception):
    """The package was not imported; ``problems`` says why, each as ``path:line: message``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    slug: str
    course_id: int | None = None
    new_course: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.deleted)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.archived)} archived, {len(self.deleted)} deleted"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "changed": self.changed,
            "created": self.created,
            "updated": self.updated,
            "archived": self.archived,
            "deleted": self.deleted,
            "warnings": self.warnings,
        }


def import_package(
    path: Path | str, types: Mapping[str, ActivityType], *, display: str | None = None
) -> ImportReport:
    """Validate then import the package at ``path`` in the current transaction.

    Raises :class:`ImportFailed` with every problem; the caller then calls :func:`rollback_import`
    (nothing is left changed). On success the caller calls :func:`commit_import`, which also
    copies the package's media into the instance folder.
    """
    result = load_package(
        path, types, display=display, settings=course_settings(include_disabled=True)
    )
    if result.problems or result.course is None:
        raise ImportFailed(result.problems)
    report = import_course_spec(result.course, types)
    report.warnings = [str(w) for w in result.warnings]
    return report


def commit_import() -> None:
    """Commit the transaction, then install the media of every package imported in it."""
    pending = db.session.info.pop(PENDING_MEDIA, [])
    db.session.commit()
    for slug, package in pending:
        install_media(slug, package)


def rollback_import() -> None:
    """Forget everything imported in this transaction (a failure or a dry run)."""
    db.session.info.pop(PENDING_MEDIA, None)
    db.session.rollback()


def install_media(slug: str, package: Path) -> None:
    """Make the course's media in the file store (``media/<slug>/``) exactly the package's
    ``media/`` files (those the check accepted: no hidden files, no symbolic links) plus the
    documents generated from its ``templates/`` sources, and keep those sources in the store
    (``templates/<slug>/``) for export."""
    source, templates = package / "media", package / "templates"
    files = {path.relative_to(source).as_posix(): path.read_bytes() for path in media_files(source)}
    with tempfile.TemporaryDirectory() as generated:
        for relative in write_generated(templates, Path(generated)):
            files[relative] = (Path(generated) / relative).read_bytes()
    store = file_store()
    store.replace_all(media_prefix(slug), files)
    store.replace_all(
        template_sources_prefix(slug),
        {path.name: path.read_bytes() for path, _name, _locale in source_files(templates)},
    )


def template_sources_prefix(slug: str) -> str:
    """Where the sources of a course's templates are kept in the file store, for export (see
    :mod:`.doctemplates`): ``templates/<slug>/``, which the local store keeps in the instance folder."""
    return f"templates/{slug}/"


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only what differs, so an unchanged re-import writes nothing."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def import_course_spec(spec: CourseSpec, types: Mapping[str, ActivityType]) -> ImportReport:
    """Write a checked package into the database (see :func:`import_package`)."""
    report = ImportReport(spec.slug)
    try:
        with db.session.no_autoflush:
            course = _sync_course(spec, report)
            _Sync(course, spec, types, report).run()
        db.session.flush()
        _sync_plugin_settings(course, spec, report)
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ImportFailed(
            [Problem(spec.display_path, 1, f"the database refused the import: {message}")]
        ) from exc
    report.course_id = course.id
    db.session.info.setdefault(PENDING_MEDIA, []).append((spec.slug, spec.path))
    return report


def _sync_course(spec: CourseSpec, report: ImportReport) -> Course:
    course = db.session.execute(db.select(Course).filter_by(slug=spec.slug)).scalar()
    translations = merge_imported(
        course.translations if course else None,
        spec.translations,
        english_texts(course) if course else None,
        english_texts(spec),
    )
    values = {
        "title": spec.title,
        "summary": spec.summary,
        "translations": translations,
        "image": spec.image,
        "image_alt": spec.image_alt,
        "policy_area": spec.policy_area,
        "languages": spec.languages,
        "hours": spec.hours,
        "outcomes": spec.outcomes,
        "completion_rule": spec.completion_rule,
        "self_enrolment": spec.self_enrolment,
        "published": spec.published,
        "archived": False,
    }
    if course is None:
        course = Course(slug=spec.slug, **values)
        db.session.add(course)
        db.session.flush()
        report.new_course = True
        report.created.append(f"course {spec.slug}")
    elif _assign(course, values):
        report.updated.append(f"course {spec.slug}")
    return course


def _sync_plugin_settings(course: Course, spec: CourseSpec, report: ImportReport) -> None:
    """The plugins' course settings as the package gives them (a key it leaves out: the
    setting's default, as a core key left out is)."""
    settings = course_settings(include_disabled=True)
    values = {key: spec.settings.get(key, setting.default) for key, setting in settings.items()}
    saved = save_values(course.id, settings, values)
    if saved and not report.new_course and f"course {spec.slug}" not in report.updated:
        report.updated.append(f"course {spec.slug}")
    db.session.flush()


class _Sync:
    """One course's modules, lessons and activities brought in line with the package."""

    def __init__(
        self,
        course: Course,
        spec: CourseSpec,
        types: Mapping[str, ActivityType],
        report: ImportReport,
    ) -> None:
        self.course, self.spec, self.types, self.report = course, spec, types, report
        self.modules: dict[str, Module] = {}
        self.lessons: dict[int, dict[str, Lesson]] = {}
        self.activities: dict[int, dict[str, Activity]] = {}
        self.handoffs: list[tuple[int, ActivitySpec, ModuleSpec]] = []
        self.new_lessons: list[dict[str, Any]] = []
        self.new_activities: list[dict[str, Any]] = []
        self.kept_activities: dict[tuple[int, str], Activity] = {}

    def run(self) -> None:
        if not self.report.new_course:
            self._load_existing()
        rows = self._sync_modules()
        gone_lessons: list[tuple[str, Lesson]] = []
        gone_activities: list[tuple[str, Activity]] = []
        for module_spec in self.spec.modules:
            module = rows[module_spec.key]
            gone_lessons += [(module.key, x) for x in self._sync_lessons(module, module_spec)]
            gone_activities += [(module.key, x) for x in self._sync_activities(module, module_spec)]
        placed = self._insert_new()
        db.session.flush()
        self._retire(gone_lessons, gone_activities)
        for module_id, activity_spec, module_spec in self.handoffs:
            key = (module_id, activity_spec.key)
            activity = placed.get(key) or self.kept_activities[key]
            self._hand_to_plugin(activity, activity_spec, module_spec)
        self._sync_release_rules(rows)

    def _sync_release_rules(self, modules: dict[str, Module]) -> None:
        """The package's ``opens_on``, ``opens_after_days`` and ``requires`` become the course's
        release rules, replacing those it had (the package is what the course is)."""
        from ..cohorts.pacing import start_of
        from ..cohorts.services import replace_release_rules, rules_of_course

        items, _module_of = release_items(self.spec)
        current = (
            {}
            if self.report.new_course
            else {
                target: (rule.opens_at, rule.offset_days, sorted(requires))
                for target, (rule, requires) in rules_of_course(self.course.id).items()
            }
        )
        if not current and not any(release for release, _module in items.values()):
            return
        key_of = {m.id: m.key for m in modules.values()}
        activities = {
            f"{key_of[module_id]}/{key}": activity_id
            for activity_id, module_id, key in db.session.execute(
                db.select(Activity.id, Activity.module_id, Activity.key).where(
                    Activity.module_id.in_(list(key_of)), Activity.archived.is_(False)
                )
            )
        }

        def target(ref: str) -> tuple[str, int]:
            return ("a", activities[ref]) if "/" in ref else ("m", modules[ref].id)

        rules = {
            target(ref): (
                start_of(release.opens_on) if release.opens_on else None,
                release.opens_after_days,
                [target(r) for r in release.requires],
            )
            for ref, (release, _module) in items.items()
            if release is not None
        }
        if {
            t: (at, days, sorted(req)) for t, (at, days, req) in rules.items()
        } != current:  # else: write nothing
            replace_release_rules(self.course, rules)

    def _load_existing(self) -> None:
        self.modules = {
            m.key: m
            for m in db.session.execute(
                db.select(Module).where(Module.course_id == self.course.id)
            ).scalars()
        }
        ids = [m.id for m in self.modules.values()]
        if not ids:
            return
        for lesson in db.session.execute(
            db.select(Lesson).where(Lesson.module_id.in_(ids))
        ).scalars():
            self.lessons.setdefault(lesson.module_id, {})[lesson.key] = lesson
        for activity in db.session.execute(
            db.select(Activity).where(Activity.module_id.in_(ids))
        ).scalars():
            self.activities.setdefault(activity.module_id, {})[activity.key] = activity
            self.kept_activities[(activity.module_id, activity.key)] = activity

    def _sync_modules(self) -> dict[str, Module]:
        rows: dict[str, Module] = {}
        new: list[dict[str, Any]] = []
        for module_spec in self.spec.modules:
            module = self.modules.pop(module_spec.key, None)
            translations = merge_imported(
                module.translations if module else None,
                module_spec.translations,
                english_texts(module) if module else None,
                english_texts(module_spec),
            )
            values = {
                "position": module_spec.position,
                "title": module_spec.title,
                "summary": module_spec.summary,
                "translations": translations,
                "outcomes": module_spec.outcomes,
                "archived": False,
            }
            if module is None:
                new.append({"course_id": self.course.id, "key": module_spec.key, **values})
                self.report.created.append(f"module {module_spec.key}")
            else:
                if _assign(module, values):
                    self.report.updated.append(f"module {module_spec.key}")
                rows[module_spec.key] = module
        if new:
            # One multi-row INSERT and one SELECT, however many modules there are.
            db.session.execute(db.insert(Module), new)
            rows.update(
                (m.key, m)
                for m in db.session.execute(
                    db.select(Module).where(
                        Module.course_id == self.course.id, Module.key.in_([r["key"] for r in new])
                    )
                ).scalars()
            )
        return rows

    def _sync_lessons(self, module: Module, spec: ModuleSpec) -> list[Lesson]:
        existing = self.lessons.pop(module.id, {})
        for lesson_spec in spec.lessons:
            lesson = existing.pop(lesson_spec.key, None)
            translations = merge_imported(
                lesson.translations if lesson else None,
                lesson_spec.translations,
                {"title": lesson.title, "body": lesson.body} if lesson else None,
                {"title": lesson_spec.title, "body": lesson_spec.body},
            )
            values = {
                "position": lesson_spec.position,
                "title": lesson_spec.title,
                "body": lesson_spec.body,
                "translations": translations,
                "minutes": lesson_spec.minutes,
                "required": lesson_spec.required,
                "kind": lesson_spec.kind,
                "archived": False,
            }
            label = f"lesson {module.key}/{lesson_spec.key}"
            if lesson is None:
                self.new_lessons.append({"module_id": module.id, "key": lesson_spec.key, **values})
                self.report.created.append(label)
            elif _assign(lesson, values):
                self.report.updated.append(label)
        return [x for x in existing.values() if not x.archived]

    def _sync_activities(self, module: Module, spec: ModuleSpec) -> list[Activity]:
        existing = self.activities.pop(module.id, {})
        for activity_spec in spec.activities:
            activity = existing.pop(activity_spec.key, None)
            activity_type = self.types.get(activity_spec.type_key)
            can_import = activity_type is not None and activity_type.import_definition is not None
            old = (activity.spec or {}) if activity is not None else {}
            hand_off = (
                activity is None
                or old.get("_digest") != activity_spec.digest
                or activity.type_key != activity_spec.type_key
                or (can_import and not old.get("_imported"))
            )
            stored = {
                **activity_spec.definition,
                "_digest": activity_spec.digest,
                "_imported": can_import if hand_off else bool(old.get("_imported")),
            }
            if activity_spec.files:
                stored["_files"] = activity_spec.files
            translations = merge_imported(
                activity.translations if activity is not None else None,
                activity_spec.translations,
                {"title": activity.title} if activity is not None else None,
                {"title": activity_spec.title},
            )
            values = {
                "position": activity_spec.position,
                "type_key": activity_spec.type_key,
                "title": activity_spec.title,
                "translations": translations,
                "required": activity_spec.required,
                "spec": stored,
                "archived": False,
            }
            label = f"activity {module.key}/{activity_spec.key}"
            if activity is None:
                self.new_activities.append(
                    {"module_id": module.id, "key": activity_spec.key, **values}
                )
                self.report.created.append(label)
            elif _assign(activity, values):
                self.report.updated.append(label)
            if hand_off and can_import:
                self.handoffs.append((module.id, activity_spec, spec))
        return [x for x in existing.values() if not x.archived]

    def _insert_new(self) -> dict[tuple[int, str], Activity]:
        """Write the new lessons and activities in batches; the activities come back as objects."""
        if self.new_lessons:
            db.session.execute(db.insert(Lesson), self.new_lessons)
        placed: dict[tuple[int, str], Activity] = {}
        if self.new_activities:
            db.session.execute(db.insert(Activity), self.new_activities)
            module_ids = sorted({row["module_id"] for row in self.new_activities})
            for activity in db.session.execute(
                db.select(Activity).where(Activity.module_id.in_(module_ids))
            ).scalars():
                placed[(activity.module_id, activity.key)] = activity
        return placed

    def _retire(
        self, lessons: list[tuple[str, Lesson]], activities: list[tuple[str, Activity]]
    ) -> None:
        lesson_modules = {x.id: key for key, x in lessons}
        archived, deleted = retire_lessons([x for _, x in lessons])
        self._note(archived, deleted, lambda x: f"lesson {lesson_modules[x.id]}/{x.key}")
        activity_modules = {x.id: key for key, x in activities}
        archived, deleted = retire_activities([x for _, x in activities])
        self._note(archived, deleted, lambda x: f"activity {activity_modules[x.id]}/{x.key}")
        gone = [m for m in self.modules.values() if not m.archived]
        archived, deleted = retire_modules(gone)
        self._note(archived, deleted, lambda x: f"module {x.key}")

    def _note(self, archived: list, deleted: list, label) -> None:
        self.report.archived += [label(x) for x in archived]
        self.report.deleted += [label(x) for x in deleted]

    def _hand_to_plugin(self, activity: Activity, spec: ActivitySpec, module: ModuleSpec) -> None:
        """Give the activity's definition to its plugin; any failure fails the whole import."""
        activity_type = self.types[spec.type_key]
        try:
            activity_type.import_definition(activity, dict(spec.definition), module.path)  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 - a plugin's failure becomes the import's message
            raise ImportFailed(
                [
                    Problem(
                        module.display_path,
                        spec.line,
                        f"activity '{spec.key}': {str(exc) or type(exc).__name__}",
                    )
                ]
            ) from exc


def restore_files(folder: Path, files: Mapping[str, Mapping[str, str]]) -> None:
    """Write back the files an activity named (kept in its stored spec) into ``folder``."""
    for name, content in sorted(files.items()):
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if "text" in content:
            target.write_bytes(content["text"].encode("utf-8"))
        else:
            target.write_bytes(base64.b64decode(content["base64"]))
