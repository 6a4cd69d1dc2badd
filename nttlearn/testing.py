"""A pytest plugin for nttlearn and its plugins' tests (``-p nttlearn.testing``).

Every test gets a fresh database: on SQLite a copy of a template migrated once per session, on
PostgreSQL (``NTTLEARN_TEST_DATABASE_URL``) a database of its own for the session whose tables are
emptied after each test. The schema is always built by Alembic, so migrations are tested too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from . import create_app
from .extensions import db

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test fixture
# argon2 at its recommended cost takes a noticeable fraction of a second per login; tests log in
# hundreds of times, so their apps hash (and verify) with the cheapest parameters argon2 allows.
FAST_HASH_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
_HASH: dict[str, str] = {}


def password_hash() -> str:
    """A hash of :data:`TEST_PASSWORD` with the test suite's parameters (computed once)."""
    if "h" not in _HASH:
        _HASH["h"] = PasswordHasher(**FAST_HASH_PARAMETERS).hash(TEST_PASSWORD)
    return _HASH["h"]


def _migrate(app) -> None:
    import flask_migrate

    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _test_database(tmp_path_factory) -> Iterator[dict[str, Any]]:
    url = os.environ.get("NTTLEARN_TEST_DATABASE_URL")
    instance = tmp_path_factory.mktemp("instance-template")
    if not url:
        template = tmp_path_factory.mktemp("db") / "template.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}", "INSTANCE_PATH": str(instance),
                          "STRICT_PLUGINS": True})
        _migrate(app)
        yield {"kind": "sqlite", "template": template}
        return
    base = make_url(url)
    name = f"nttlearn_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = base.set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": test_url, "INSTANCE_PATH": str(instance), "STRICT_PLUGINS": True})
        _migrate(app)
        yield {"kind": "postgresql", "url": test_url}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(_test_database, tmp_path) -> str:
    """A fresh, migrated database for this test."""
    if _test_database["kind"] == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(_test_database["template"], path)
        return f"sqlite:///{path}"
    return _test_database["url"]


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                tables = [r[0] for r in conn.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                ))]
                if tables:
                    conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def app_factory(database_url, tmp_path) -> Iterator[Callable[..., Any]]:
    """Make an app on this test's database: ``app_factory(config=None, plugins=None)``.

    ``plugins`` names the plugins to load (entry-point names or plugin objects); by default all
    installed plugins. CSRF is off unless ``config`` turns it on.
    """
    apps = []

    def make(config: dict[str, Any] | None = None, plugins: list[object] | None = None):
        settings = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
            "STRICT_PLUGINS": True,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": True,
            "PASSWORD_HASH_PARAMETERS": FAST_HASH_PARAMETERS,
        }
        settings.update(config or {})
        app = create_app(settings, plugins=plugins)
        _forget_login_between_requests(app)
        apps.append(app)
        return app

    yield make
    if apps:
        _empty_tables(apps[0])
        for app in apps[1:]:
            with app.app_context():
                db.engine.dispose()


def _forget_login_between_requests(app) -> None:
    """Test requests share the ``app`` fixture's app context, hence ``g``; without this,
    Flask-Login's cached ``g._login_user`` carries one test client's user into another's request."""
    from flask import g

    @app.teardown_request
    def _forget_login(_exc):
        g.pop("_login_user", None)


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app) -> Callable[..., Any]:
    """Create a user: ``make_user(role="learner", email=None, name=None, org=None, country=None)``."""
    from .models import Organisation, User

    counter = {"n": 0}

    def make(role: str = "learner", email: str | None = None, name: str | None = None,
             org: str | None = None, country: str | None = None, town: str = "", locale: str = "en") -> User:
        counter["n"] += 1
        organisation = None
        if org:
            organisation = db.session.execute(db.select(Organisation).filter_by(name=org)).scalar()
            if organisation is None:
                organisation = Organisation(name=org, town=town, country=country or "IT")
                db.session.add(organisation)
        user = User(email=email or f"{role}{counter['n']}-{uuid.uuid4().hex[:6]}@example.org",
                    name=name or f"{role.title()} {counter['n']}", password_hash=password_hash(),
                    role=role, organisation=organisation, locale=locale)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_course(app) -> Callable[..., Any]:
    """Create a published course: ``make_course(modules=2, lessons=3, trainer=None, slug=None, activities=())``.

    ``activities`` is a list of ``(module_index, type_key, required)``.
    """
    from .models import Activity, Course, CourseStaff, Lesson, Module

    counter = {"n": 0}

    def make(modules: int = 2, lessons: int = 3, trainer=None, slug: str | None = None,
             activities: tuple = (), **fields: Any) -> Course:
        counter["n"] += 1
        values = {"title": f"Course {counter['n']}", "summary": "A test course.", "published": True,
                  "self_enrolment": True, "policy_area": "methodology"}
        values.update(fields)
        course = Course(slug=slug or f"course-{counter['n']}-{uuid.uuid4().hex[:6]}", **values)
        db.session.add(course)
        db.session.flush()
        for m in range(modules):
            module = Module(course_id=course.id, key=f"module-{m + 1}", position=m + 1, title=f"Module {m + 1}")
            db.session.add(module)
            db.session.flush()
            for n in range(lessons):
                db.session.add(Lesson(module_id=module.id, key=f"lesson-{n + 1}", position=n + 1,
                                      title=f"Lesson {m + 1}.{n + 1}", body=f"# Lesson {m + 1}.{n + 1}\n\nSome text."))
            for index, (module_index, type_key, required) in enumerate(activities):
                if module_index == m:
                    db.session.add(Activity(module_id=module.id, key=f"{type_key}-{index}", position=index + 1,
                                            type_key=type_key, title=f"{type_key} {index}", required=required))
        if trainer is not None:
            db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
        db.session.commit()
        return course

    return make


def login(client, user, password: str = TEST_PASSWORD):
    """Log ``user`` in through the real login form; returns the response."""
    return client.post("/login", data={"email": user.email, "password": password}, follow_redirects=False)


@pytest.fixture
def login_as(client) -> Callable[..., Any]:
    def do(user):
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@contextlib.contextmanager
def count_queries(app) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (to assert query counts)."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def pytest_report_header(config) -> str:
    url = os.environ.get("NTTLEARN_TEST_DATABASE_URL")
    return f"nttlearn test database: {make_url(url).render_as_string(hide_password=True) if url else 'SQLite (per-test copy of a migrated template)'}"


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def e2e_browser():
    """One headless Debian chromium for every browser test of the run (core's and plugins').

    Playwright's sync API allows one running instance per process, so suites share this one.
    """
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium: `make chromium` "
                    "or `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
