"""How fast GIFT goes in: parse a generated file of 10,000 questions of every type, then import
them into a course's question bank on SQLite.

Goals (issue 5): parsing under 5 s, importing into SQLite under 15 s. The file comes from
``nttlearn_quiz.gift_sample.generate_gift`` (every question type, titles, comments, categories,
format markers, escapes, weights, feedback, missing words, numerical ranges). The import runs on
a fresh instance in a temporary folder, migrated by Alembic with every installed plugin, inside
one transaction as ``nttlearn quiz import-gift`` does; a second import of the same file (every
question matched and unchanged) is timed too.

    .venv/bin/python bench/gift.py [--count 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

GOALS_S = {"parse": 5.0, "import": 15.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="questions in the generated file")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    from nttlearn_quiz.gift import parse_gift
    from nttlearn_quiz.gift_sample import generate_gift

    text = generate_gift(args.count, seed=5)
    started = time.perf_counter()
    result = parse_gift(text, "generated.gift")
    parse_s = time.perf_counter() - started
    if result.errors or len(result.questions) != args.count:
        print(f"the generated file did not parse cleanly: {result.errors[:3]}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="nttlearn-bench-gift-") as folder:
        import_s, reimport_s, stored = _import(Path(folder), result.questions)

    figures = {
        "questions": args.count,
        "bytes": len(text.encode()),
        "parse_s": round(parse_s, 3),
        "parse_questions_per_s": round(args.count / parse_s),
        "import_s": round(import_s, 3),
        "import_questions_per_s": round(args.count / import_s),
        "reimport_unchanged_s": round(reimport_s, 3),
        "stored": stored,
        "goals_s": GOALS_S,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    met = parse_s < GOALS_S["parse"] and import_s < GOALS_S["import"] and stored == args.count
    figures["goals_met"] = met
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"GIFT file: {args.count:,} questions, {figures['bytes'] / 1e6:.1f} MB")
        print(
            f"parse            {parse_s:7.2f} s  {figures['parse_questions_per_s']:>8,} questions/s  (goal < {GOALS_S['parse']:g} s)"
        )
        print(
            f"import (SQLite)  {import_s:7.2f} s  {figures['import_questions_per_s']:>8,} questions/s  (goal < {GOALS_S['import']:g} s)"
        )
        print(f"re-import, all unchanged  {reimport_s:7.2f} s")
        print(f"questions stored: {stored:,}")
        print("goals met" if met else "GOALS NOT MET")
    return 0 if met else 1


def _import(folder: Path, questions: list) -> tuple[float, float, int]:
    """Import into a fresh SQLite instance: (first import s, unchanged re-import s, rows stored)."""
    import flask_migrate

    from nttlearn import create_app, db
    from nttlearn.models import Course

    os.environ["NTTLEARN_INSTANCE_PATH"] = str(folder)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'nttlearn.sqlite'}",
            "INSTANCE_PATH": str(folder),
        }
    )
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        from nttlearn_quiz.bank import import_questions
        from nttlearn_quiz.models import Question

        course = Course(slug="gift-bench", title="GIFT benchmark", published=True)
        db.session.add(course)
        db.session.commit()
        started = time.perf_counter()
        report = import_questions(course.id, questions, ["Imported"])
        db.session.commit()
        import_s = time.perf_counter() - started
        assert report.created == len(questions), report.as_dict()
        started = time.perf_counter()
        again = import_questions(course.id, questions, ["Imported"])
        db.session.commit()
        reimport_s = time.perf_counter() - started
        assert again.unchanged == len(questions), again.as_dict()
        stored = db.session.execute(db.select(db.func.count(Question.id))).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return import_s, reimport_s, stored


if __name__ == "__main__":
    sys.exit(main())
