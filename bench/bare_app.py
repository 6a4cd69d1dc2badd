"""The yardstick for ``bench/pages.py``: Flask + Flask-SQLAlchemy rendering one row in a template.

No login, no plugins, no Markdown, no CSRF, no translations: the least a Flask app that reads
a database can do per request. nttlearn's pages are measured as a share of its throughput on
the same machine, database file and gunicorn settings, which makes the figure comparable
between machines. Serve it with ``gunicorn --chdir bench bare_app:app`` and
``BENCH_DATABASE_URL=sqlite:////path/to/nttlearn.sqlite``.
"""

from __future__ import annotations

import os

from flask import Flask, abort, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ lesson.title }}</title></head>
<body>
<main>
  <h1>{{ lesson.title }}</h1>
  <p>{{ lesson.minutes }} min</p>
  <pre>{{ lesson.body }}</pre>
</main>
</body>
</html>
"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Lesson(db.Model):
    """The columns of nttlearn's ``lessons`` table this page shows."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    minutes: Mapped[int]
    body: Mapped[str]


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_DATABASE_URL"]
    app.jinja_loader = DictLoader({"lesson.html": PAGE})
    db.init_app(app)

    @app.route("/")
    @app.route("/lessons/<int:lesson_id>")
    def lesson(lesson_id: int = 1):
        row = db.session.get(Lesson, lesson_id) or abort(404)
        return render_template("lesson.html", lesson=row)

    return app


app = create_app()
