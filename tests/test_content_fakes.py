"""What the content and authoring tests share: a small activity plugin and package builders.

``ExercisePlugin`` is a complete activity type, as a partner's plugin would provide one: it checks,
imports and exports its definition (a ``.txt`` file of questions), writes to the database while
importing (an event, so a rolled-back import must take it back), and fails on demand.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Annotated, Any, TypedDict

from flask import Blueprint, abort

from nttlearn import hookimpl
from nttlearn.activities import ActivityType, DefinitionProblem, activity_access
from nttlearn.api import EventType
from nttlearn.auth import require_login
from nttlearn.events import emit
from nttlearn.extensions import db
from nttlearn.models import Activity, Course, Lesson, Module


class Imported(TypedDict):
    activity: Annotated[str, "the activity's key in its module"]


class ExercisePlugin:
    """Activity type ``exercise`` (or ``key``): questions in a text file (``file: questions.txt``)."""

    name = "exercises"

    def __init__(self, key: str = "exercise") -> None:
        self.key = key
        self.questions: dict[int, list[str]] = {}  # activity id -> questions, "the plugin's table"
        self.imported: list[str] = []  # activity keys, in the order the plugin received them
        self.answered: set[int] = (
            set()
        )  # activity ids a learner has answered, "the plugin's work table"
        self.asked_about: list[list[int]] = []  # what the core asked has_learner_work

    @hookimpl
    def nttlearn_event_types(self) -> list[EventType]:
        return [
            EventType("exercises.imported", Imported, "an exercise was imported", course="None")
        ]

    @hookimpl
    def nttlearn_activity_types(self) -> list[ActivityType]:
        return [
            ActivityType(
                key=self.key,
                label="Exercise",
                endpoint="exercises.show",
                import_definition=self.import_definition,
                export_definition=self.export_definition,
                validate_definition=self.validate_definition,
                default_definition=lambda: {"questions": ["What is a network of twinned towns?"]},
                edit_endpoint="exercises.edit",
                has_learner_work=self.has_learner_work,
            )
        ]

    def has_learner_work(self, activity_ids) -> set[int]:
        self.asked_about.append(sorted(activity_ids))
        return self.answered & set(activity_ids)

    @hookimpl
    def nttlearn_register_blueprints(self, app) -> None:
        bp = Blueprint("exercises", __name__, url_prefix="/exercises")

        @bp.route("/<int:activity_id>")
        @require_login
        def show(activity_id: int):
            access = activity_access(activity_id, self.key)
            return "\n".join(self.questions.get(access.activity.id, []))

        @bp.route("/<int:activity_id>/edit")
        @require_login
        def edit(activity_id: int):
            access = activity_access(activity_id, self.key)
            if not access.is_staff:
                abort(403)
            return "edit questions"

        app.register_blueprint(bp)

    def _read(self, definition: dict[str, Any], folder: Path) -> list[str]:
        if "file" in definition:
            return (folder / definition["file"]).read_text(encoding="utf-8").splitlines()
        return list(definition.get("questions", []))

    def validate_definition(self, definition, folder: Path, path: str) -> list[DefinitionProblem]:
        if definition.get("crash"):
            raise RuntimeError("the checker crashed")
        problems = []
        if "file" in definition:
            file = folder / str(definition["file"])
            if not file.is_file():
                problems.append(
                    DefinitionProblem(
                        path, definition.line_of("file"), f"file '{definition['file']}' is missing"
                    )
                )
            else:
                shown = str(Path(path).parent / definition["file"])
                for number, line in enumerate(
                    file.read_text(encoding="utf-8").splitlines(), start=1
                ):
                    if not line.rstrip().endswith("?"):
                        problems.append(
                            DefinitionProblem(shown, number, "a question ends with '?'")
                        )
        elif not isinstance(definition.get("questions"), list) and "crash" not in definition:
            problems.append(
                DefinitionProblem(path, definition.line, "an exercise needs 'file' or 'questions'")
            )
        return problems

    def import_definition(
        self, activity: Activity, definition: dict[str, Any], folder: Path
    ) -> None:
        if definition.get("fail"):
            raise ValueError("the exercise plugin refused this definition")
        self.questions[activity.id] = self._read(definition, folder)
        self.imported.append(activity.key)
        emit("exercises.imported", user_id=None, data={"activity": activity.key})

    def export_definition(self, activity: Activity, folder: Path) -> dict[str, Any]:
        name = f"{activity.key}.txt"
        (folder / name).write_text(
            "\n".join(self.questions.get(activity.id, [])) + "\n", encoding="utf-8"
        )
        return {"file": name}


COURSE_YAML = """\
slug: sample-course
title:
  en: Sample course
  it: Corso di esempio
summary: A course for the tests.
policy_area: youth
languages: [en]
hours: 3
outcomes:
  - Design a small network.
completion: all_required
self_enrolment: true
certificate: true
published: true
"""

MODULE_YAML = """\
title: The project cycle
summary: Phases of a project.
activities:
  - id: check
    type: exercise
    title: Check your understanding
    required: true
    file: questions.txt
"""

LESSON = """\
---
title: {title}
minutes: 15
---
## {title}

Some text about twinned towns.
"""


# The first bytes of a PNG image: what the media allow-list recognises as one.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


def sample_files(**overrides: str | bytes | None) -> dict[str, str | bytes]:
    """A valid two-module package; ``overrides`` replace (or, as None, remove) files by path."""
    files: dict[str, str | None] = {
        "course.yaml": COURSE_YAML,
        "modules/01-cycle/module.yaml": MODULE_YAML,
        "modules/01-cycle/questions.txt": "What is a project cycle?\nWho are the stakeholders?\n",
        "modules/01-cycle/01-welcome.md": LESSON.format(title="Welcome"),
        "modules/01-cycle/01-welcome.sv.md": "---\ntitle: Välkommen\n---\nText på svenska.\n",
        "modules/01-cycle/02-phases.md": LESSON.format(title="Phases"),
        "modules/02-partners/module.yaml": "title: Partners\n",
        "modules/02-partners/01-finding.md": LESSON.format(title="Finding partners"),
        "media/cycle.png": PNG,
    }
    files.update(overrides)
    return {path: text for path, text in files.items() if text is not None}


def write_package(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (package-relative path -> text or bytes) under ``root``, replacing what was there."""
    import shutil

    if root.exists():
        shutil.rmtree(root)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def zip_bytes(entries: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_folder(root: Path, prefix: str = "") -> bytes:
    return zip_bytes(
        {
            prefix + p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the course tables, to show that a failed import changed nothing."""
    from nttlearn.models import EventRecord

    result = {}
    for model in (Course, Module, Lesson, Activity, EventRecord):
        columns = [c for c in model.__table__.columns if c.name not in ("updated_at", "created_at")]
        result[model.__tablename__] = sorted(
            tuple(str(v) for v in row) for row in db.session.execute(db.select(*columns))
        )
    return result


def run_cli(app, *args: str):
    """Run ``nttlearn …`` against ``app`` in its own session, as from a shell."""
    from nttlearn.cli import main

    db.session.remove()
    result = app.test_cli_runner().invoke(main, list(args))
    db.session.remove()
    return result


def csrf_token(html: str) -> str:
    import re

    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)
