"""Importing course packages: time, and SQL queries per lesson as a course grows.

Run from the repository: ``.venv/bin/python bench/import.py``. Each measurement uses a fresh
SQLite database in a temporary folder (migrated by Alembic, as ``nttlearn init`` does):

1. a generated package of 10 modules × 20 lessons, then one of 50 modules × 20 lessons: import
   time and queries per lesson, and the ratio between the two (it must not grow with the course);
2. re-importing the unchanged 50 × 20 package: it must write nothing;
3. the whole shipped curriculum under ``courses/``: the goal is under 5 seconds.

Exit status 1 when a goal is missed, so the script can run in CI.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import event  # noqa: E402

from nttlearn import create_app  # noqa: E402
from nttlearn.content.importer import commit_import, import_package  # noqa: E402
from nttlearn.extensions import db  # noqa: E402

CURRICULUM_GOAL_SECONDS = 5.0
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
LESSON = """---
title: Lesson {m}.{n}
minutes: 20
---
## Lesson {m}.{n}

Towns in Italy, Sweden, Spain and Finland compare how they {topic}. Each partner brings a short
case study, and the network writes down what worked, what did not, and what it would try next.

- a stakeholder map
- a problem tree
- a first draft of objectives
"""


def generate(folder: Path, modules: int, lessons: int) -> Path:
    """A package of ``modules`` × ``lessons`` with a quiz entry per module (type not installed)."""
    root = folder / f"bench-{modules}x{lessons}"
    (root / "modules").mkdir(parents=True)
    (root / "course.yaml").write_text(
        f"slug: bench-{modules}x{lessons}\ntitle: Benchmark {modules} x {lessons}\npolicy_area: youth\nhours: 40\n",
        encoding="utf-8",
    )
    for m in range(1, modules + 1):
        module = root / "modules" / f"{m:02d}-module-{m}"
        module.mkdir()
        (module / "module.yaml").write_text(
            f"title: Module {m}\nsummary: Part {m} of the benchmark.\nactivities:\n"
            f"  - id: quiz\n    type: quiz\n    title: Quiz {m}\n    file: quiz.gift\n",
            encoding="utf-8",
        )
        (module / "quiz.gift").write_text("::Q1::Is this a benchmark?{T}\n", encoding="utf-8")
        for n in range(1, lessons + 1):
            (module / f"{n:02d}-lesson-{n}.md").write_text(
                LESSON.format(m=m, n=n, topic="involve young people"), encoding="utf-8"
            )
    return root


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)


def fresh_app(folder: Path, plugins: list[object] | None):
    folder.mkdir(parents=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder / "instance"),
        },
        plugins=plugins,
    )
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    return app


def measure(app, packages: list[Path]) -> tuple[float, list[str]]:
    """Seconds and SQL statements to import ``packages``, each in its own transaction."""
    counter = QueryCounter()
    with app.app_context():
        types = app.extensions["nttlearn"].all_activity_types()
        event.listen(db.engine, "before_cursor_execute", counter)
        start = time.perf_counter()
        for package in packages:
            import_package(package, types)
            commit_import()
        elapsed = time.perf_counter() - start
        event.remove(db.engine, "before_cursor_execute", counter)
    return elapsed, counter.statements


def main() -> int:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        per_lesson = {}
        for modules in (10, 50):
            package = generate(work / "packages", modules, 20)
            app = fresh_app(work / f"db-{modules}", plugins=None)
            seconds, statements = measure(app, [package])
            lessons = modules * 20
            per_lesson[modules] = len(statements) / lessons
            print(
                f"{modules:>3} modules x 20 lessons: {seconds:6.2f} s, {len(statements):4d} queries, "
                f"{per_lesson[modules]:.3f} queries per lesson"
            )
            if modules == 50:
                seconds, statements = measure(app, [package])
                writes = [s for s in statements if WRITES.match(s)]
                print(
                    f"re-import unchanged 50 x 20: {seconds:6.2f} s, {len(statements)} queries, {len(writes)} writes"
                )
                ok &= not writes
        ratio = per_lesson[50] / per_lesson[10]
        print(f"queries per lesson, 50x20 / 10x20: {ratio:.2f} (must not grow: <= 1.0)")
        ok &= ratio <= 1.0

        shipped = sorted(p for p in (ROOT / "courses").iterdir() if (p / "course.yaml").is_file())
        app = fresh_app(work / "db-curriculum", plugins=None)
        seconds, statements = measure(app, shipped)
        print(
            f"shipped curriculum ({len(shipped)} courses): {seconds:.2f} s, {len(statements)} queries "
            f"(goal < {CURRICULUM_GOAL_SECONDS:.0f} s)"
        )
        ok &= seconds < CURRICULUM_GOAL_SECONDS
    print("OK" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
