"""A pytest plugin for nttlearn and its plugins' tests (``-p nttlearn.testing``).

Every test gets a fresh database: on SQLite a copy of a template migrated once per session, on
PostgreSQL (``NTTLEARN_TEST_DATABASE_URL``) a database of its own for the session whose tables are
emptied after each test. The schema is always built by Alembic, so migrations are tested too.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from . import create_app
from .extensions import db
from .route_walk import (
    ADMINS,
    ANONYMOUS_ONLY,
    API_NEEDS_TOKEN,
    LOGGED_IN,
    PUBLIC,
    ROLES,
    STAFF_OF_COURSE,
    TRAINERS,
    Expect,
    Route,
    World,
    build_world,
    course_id_args,
    course_slug_args,
    expected_answers,
    installed_route_rows,
    plugin_route_rows,
    route_rows_module,
    walk_route,
)

# The route-permission walk's rows and world (nttlearn.route_walk), offered here to plugins'
# ``tests/route_rows.py``: a plugin's tests import nttlearn.api and nttlearn.testing only.
ROUTE_WALK = (
    ADMINS,
    ANONYMOUS_ONLY,
    API_NEEDS_TOKEN,
    LOGGED_IN,
    PUBLIC,
    ROLES,
    STAFF_OF_COURSE,
    TRAINERS,
    Expect,
    Route,
    World,
    build_world,
    course_id_args,
    course_slug_args,
    expected_answers,
    installed_route_rows,
    plugin_route_rows,
    route_rows_module,
    walk_route,
)

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
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}",
                "INSTANCE_PATH": str(instance),
                "STRICT_PLUGINS": True,
            }
        )
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
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": test_url,
                "INSTANCE_PATH": str(instance),
                "STRICT_PLUGINS": True,
            }
        )
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
                tables = [
                    r[0]
                    for r in conn.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                        )
                    )
                ]
                if tables:
                    conn.execute(
                        text(
                            "TRUNCATE "
                            + ", ".join(f'"{t}"' for t in tables)
                            + " RESTART IDENTITY CASCADE"
                        )
                    )
        db.engine.dispose()


@contextlib.contextmanager
def _apps_on(database_url: str, instance_path: Path) -> Iterator[Callable[..., Any]]:
    """Make apps on ``database_url``; when the block ends, the database's tables are emptied."""
    apps = []

    def make(config: dict[str, Any] | None = None, plugins: list[object] | None = None):
        settings = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance_path),
            "WTF_CSRF_ENABLED": False,
            "STRICT_PLUGINS": True,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": True,
            "PASSWORD_HASH_PARAMETERS": FAST_HASH_PARAMETERS,
            "API_ENABLED": True,  # the REST API's routes are walked and tested like the pages
            # Jobs in the test's own process, run when their transaction commits: a test reads
            # the mail a request sent right after it (the test client never closes a response).
            "JOBS_IN_PROCESS": True,
            "JOBS_EAGER": True,
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


@pytest.fixture
def app_factory(database_url, tmp_path) -> Iterator[Callable[..., Any]]:
    """Make an app on this test's database: ``app_factory(config=None, plugins=None)``.

    ``plugins`` names the plugins to load (entry-point names or plugin objects); by default all
    installed plugins. CSRF is off unless ``config`` turns it on.
    """
    with _apps_on(database_url, tmp_path / "instance") as make:
        yield make


@pytest.fixture(scope="module")
def module_app_factory(_test_database, tmp_path_factory) -> Iterator[Callable[..., Any]]:
    """``app_factory`` for a whole test module: one database its tests share, for read-mostly
    walks whose world is too costly to build per test (the fuzzing of every route). Its tests
    must not rely on each other's changes, nor use the per-test fixtures (``app``, ``make_user``):
    build with :func:`user_factory` and :func:`course_factory` inside the app's context."""
    folder = tmp_path_factory.mktemp("module")
    if _test_database["kind"] == "sqlite":
        url = f"sqlite:///{folder / 'test.sqlite'}"
        shutil.copyfile(_test_database["template"], folder / "test.sqlite")
    else:
        url = _test_database["url"]
    with _apps_on(url, folder / "instance") as make:
        yield make


def _forget_login_between_requests(app) -> None:
    """Test requests share the ``app`` fixture's app context, hence ``g``; without this,
    Flask-Login's cached ``g._login_user`` carries one test client's user into another's request."""
    from flask import g

    @app.teardown_request
    def _forget_login(_exc):
        g.pop("_login_user", None)


@pytest.fixture
def app_plugins() -> list[object] | None:
    """The plugins the ``app`` fixture loads: ``None`` for every installed one. A module or a
    ``conftest.py`` narrows them by overriding this fixture (``return ["quiz"]``)."""
    return None


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Settings the ``app`` fixture adds to the test defaults; override it like ``app_plugins``."""
    return {}


@pytest.fixture
def app(app_factory, app_plugins, app_config):
    """An app on this test's database, inside its app context, made with ``app_plugins`` and
    ``app_config``."""
    app = app_factory(config=app_config, plugins=app_plugins)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app) -> Callable[..., Any]:
    """Create a user: ``make_user(role="learner", email=None, name=None, org=None, country=None)``."""
    return user_factory()


def user_factory() -> Callable[..., Any]:
    """What the ``make_user`` fixture returns, for fixtures of a wider scope (in an app context)."""
    from .models import Organisation, User

    counter = {"n": 0}

    def make(
        role: str = "learner",
        email: str | None = None,
        name: str | None = None,
        org: str | None = None,
        country: str | None = None,
        town: str = "",
        locale: str = "en",
    ) -> User:
        counter["n"] += 1
        organisation = None
        if org:
            organisation = db.session.execute(db.select(Organisation).filter_by(name=org)).scalar()
            if organisation is None:
                organisation = Organisation(name=org, town=town, country=country or "IT")
                db.session.add(organisation)
        user = User(
            email=email or f"{role}{counter['n']}-{uuid.uuid4().hex[:6]}@example.org",
            name=name or f"{role.title()} {counter['n']}",
            password_hash=password_hash(),
            role=role,
            organisation=organisation,
            locale=locale,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_course(app) -> Callable[..., Any]:
    """Create a published course: ``make_course(modules=2, lessons=3, trainer=None, slug=None, activities=())``.

    ``activities`` is a list of ``(module_index, type_key, required)``.
    """
    return course_factory()


def course_factory() -> Callable[..., Any]:
    """What the ``make_course`` fixture returns, for fixtures of a wider scope (in an app context)."""
    from .models import Activity, Course, CourseStaff, Lesson, Module

    counter = {"n": 0}

    def make(
        modules: int = 2,
        lessons: int = 3,
        trainer=None,
        slug: str | None = None,
        activities: tuple = (),
        **fields: Any,
    ) -> Course:
        """``languages=["en", "it"]`` also translates every text of the course into those
        languages (``[it] Lesson 1.1``…), so that the catalogue lists it under them."""
        counter["n"] += 1
        translated = [code for code in fields.get("languages", ()) if code != "en"]

        def translations(**english: str) -> dict[str, dict[str, str]]:
            return {
                code: {name: f"[{code}] {text}" for name, text in english.items()}
                for code in translated
            }

        values = {
            "title": f"Course {counter['n']}",
            "summary": "A test course.",
            "published": True,
            "self_enrolment": True,
            "policy_area": "methodology",
        }
        values.update(fields)
        values.setdefault(
            "translations", translations(title=values["title"], summary=values["summary"])
        )
        course = Course(slug=slug or f"course-{counter['n']}-{uuid.uuid4().hex[:6]}", **values)
        db.session.add(course)
        db.session.flush()
        for m in range(modules):
            module = Module(
                course_id=course.id,
                key=f"module-{m + 1}",
                position=m + 1,
                title=f"Module {m + 1}",
                translations=translations(title=f"Module {m + 1}"),
            )
            db.session.add(module)
            db.session.flush()
            for n in range(lessons):
                title, body = f"Lesson {m + 1}.{n + 1}", f"# Lesson {m + 1}.{n + 1}\n\nSome text."
                db.session.add(
                    Lesson(
                        module_id=module.id,
                        key=f"lesson-{n + 1}",
                        position=n + 1,
                        title=title,
                        body=body,
                        translations=translations(title=title, body=body),
                    )
                )
            for index, (module_index, type_key, required) in enumerate(activities):
                if module_index == m:
                    db.session.add(
                        Activity(
                            module_id=module.id,
                            key=f"{type_key}-{index}",
                            position=index + 1,
                            type_key=type_key,
                            title=f"{type_key} {index}",
                            required=required,
                            translations=translations(title=f"{type_key} {index}"),
                        )
                    )
        if trainer is not None:
            db.session.add(CourseStaff(course_id=course.id, user_id=trainer.id))
        db.session.commit()
        return course

    return make


def login(client, user, password: str = TEST_PASSWORD):
    """Log ``user`` in through the real login form; returns the response."""
    return client.post(
        "/login", data={"email": user.email, "password": password}, follow_redirects=False
    )


@pytest.fixture
def login_as(client) -> Callable[..., Any]:
    def do(user):
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def client_for(app) -> Callable[..., Any]:
    """A separate logged-in browser per user: ``client_for(user)``, for tests with several people."""

    def make(user):
        browser = app.test_client()
        assert login(browser, user).status_code == 302
        return browser

    return make


def at_once(app, actions: list[Callable[[], object]]) -> list[BaseException]:
    """Run each action in its own thread and app context, all released together; each commits.

    Two requests at once (a double click, two tabs) are what this imitates: every thread has its
    own session and connection, so a missing lock or unique constraint shows up as duplicate rows.
    Returns the exceptions the actions raised (their transactions rolled back).
    """
    start = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action):
        with app.app_context():
            try:
                start.wait(timeout=30)
                action()
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def count_rows(model, **where: Any) -> int:
    """Rows of ``model`` whose columns equal ``where``, read on a connection of its own (so what
    other threads committed is seen, whatever the test's session holds)."""
    with db.engine.connect() as connection:
        stmt = db.select(db.func.count()).select_from(model)
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        return connection.execute(stmt).scalar()


def table_names() -> set[str]:
    """The tables the current app's database has now (the session is closed first)."""
    import sqlalchemy as sa

    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())


def schema_differences(tables: set[str]) -> list[Any]:
    """What Alembic's autogenerate would change in ``tables``: ``[]`` when a plugin's models and
    its migrations agree. Run it in an app context on the migrated test database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, reflected, compare_to: (
                    type_ != "table" or name in tables
                ),
            },
        )
        return compare_metadata(context, db.metadata)


@contextlib.contextmanager
def branch_downgraded(label: str) -> Iterator[None]:
    """Downgrade the Alembic branch ``label`` to its base for the block, then upgrade to the heads
    again (on PostgreSQL the test database is shared by the session). Needs an app with every
    installed plugin: the database carries every branch and Alembic must know them all."""
    import flask_migrate

    try:
        flask_migrate.downgrade(revision=f"{label}@base")
        yield
    finally:
        flask_migrate.upgrade(revision="heads")


def migration_branch_problems(
    name: str,
    tables: set[str] | None = None,
    *,
    base: str | None = None,
    head: str | None = None,
    core_tables: frozenset[str] = frozenset({"users", "activities", "courses"}),
) -> list[str]:
    """What is wrong with plugin ``name``'s Alembic branch, as readable lines; ``[]`` when it is
    right: ``assert migration_branch_problems("quiz", TABLES, base="quiz_0001") == []``.

    The branch is labelled ``name``, has one first revision, which depends on ``0001_core``, and one
    head (``base`` and ``head`` name them when given);
    the models of ``tables`` agree with the migrations; downgrading the branch removes exactly
    ``tables`` and leaves the core's, and upgrading brings them back. Run it in an app context of
    an app with every installed plugin (``app_factory()``): the database carries every branch.
    ``tables`` defaults to the tables of the models named ``<name>_…``.
    """
    from alembic.script import ScriptDirectory
    from flask import current_app

    if tables is None:
        tables = {t for t in db.metadata.tables if t.startswith(f"{name}_")}
    problems: list[str] = []
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    branch = [rev for rev in script.walk_revisions() if name in (rev.branch_labels or ())]
    bases = [rev for rev in branch if rev.down_revision is None]
    if len(bases) != 1:
        return [
            f"the branch {name!r} has {len(bases)} first revisions (none before them): it should have one"
        ]
    if len([rev for rev in branch if rev.is_head]) != 1:
        problems.append(
            f"the branch {name!r} has {len([rev for rev in branch if rev.is_head])} heads: merge them"
        )
    first = bases[0]
    if first.dependencies != "0001_core":
        problems.append(f"{first.revision} depends on {first.dependencies!r}, not '0001_core'")
    if base is not None and first.revision != base:
        problems.append(f"the branch starts at {first.revision!r}, not {base!r}")
    if head is not None and script.get_revision(f"{name}@head").revision != head:
        problems.append(
            f"the branch ends at {script.get_revision(f'{name}@head').revision!r}, not {head!r}"
        )
    problems += [f"models and migrations differ: {d}" for d in schema_differences(tables)]
    present = table_names()
    if not tables <= present:
        problems.append(f"tables missing after the upgrade: {sorted(tables - present)}")
    unnamed = {t for t in present if t.startswith(f"{name}_")} - tables
    if unnamed:
        problems.append(f"tables of the plugin not named here: {sorted(unnamed)}")
    with branch_downgraded(name):
        remaining = table_names()
        if tables & remaining:
            problems.append(f"downgrading the branch left {sorted(tables & remaining)}")
        if not core_tables <= remaining:
            problems.append(
                f"downgrading the branch removed the core's {sorted(core_tables - remaining)}"
            )
    if not tables <= table_names():
        problems.append("upgrading to the heads again did not bring the tables back")
    return problems


@contextlib.contextmanager
def count_queries(app) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (to assert query counts).

    The block runs as on a warm worker: the plugin switches, which each worker re-reads every
    ``STATE_SECONDS``, are read just before it and kept through it, and every session was used just now (a session
    notes its last use at most once a minute), so a count does not depend on how long the test
    took to get there.
    """
    from .auth import sessions
    from .models import UserSession

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
        app.extensions["nttlearn"].forget_state()
        app.extensions["nttlearn"].disabled()
        with engine.begin() as connection:
            connection.execute(db.update(UserSession).values(last_used_at=sessions.now()))

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with app.extensions["nttlearn"].holding_switches():
            yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


# -- translation catalogues ----------------------------------------------------------------------
def _catalogue(path: Path) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


def catalogue_keys(path: Path) -> set[tuple[str | None, str]]:
    """The (context, message) pairs of a ``.po`` or ``.pot`` file."""
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalogue(path) if m.id
    }


def extracted_keys(package: Path, tmp_path: Path) -> set[tuple[str | None, str]]:
    """What ``pybabel extract`` finds in ``package`` today, with the ``babel.cfg`` beside it."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(package.parent / "babel.cfg"),
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            str(package),
        ],
        check=True,
        capture_output=True,
    )
    return catalogue_keys(fresh)


def catalogue_problems(translations: Path, domain: str, locale: str) -> list[str]:
    """What is wrong with one language's catalogue of ``domain``: messages untranslated or fuzzy,
    messages that are not (or no longer) in the template, placeholders that do not match."""
    po = translations / locale / "LC_MESSAGES" / f"{domain}.po"
    catalog = _catalogue(po)
    problems = [
        f"untranslated: {m.id!r}"
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    template = catalogue_keys(translations / f"{domain}.pot")
    mine = catalogue_keys(po)
    problems += [f"missing: {key!r}" for key in sorted(template - mine, key=str)]
    problems += [f"not in the template: {key!r}" for key in sorted(mine - template, key=str)]
    problems += [f"{m.id!r}: {error}" for m, errors in catalog.check() for error in errors]
    return problems


def pytest_configure(config) -> None:
    # pytest-xdist's marker, declared here too so that runs without xdist accept it.
    config.addinivalue_line(
        "markers", "xdist_group(name): run these tests on one worker (pytest-xdist)"
    )
    _share_url_builders()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Keep together, under pytest-xdist's ``--dist loadgroup``, the tests that share something
    costly: every browser test runs on one worker (one chromium, each live server started once),
    and the tests of a module that share ``module_app_factory`` on one worker."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif "module_app_factory" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def pytest_make_parametrize_id(config, val, argname) -> str | None:
    """Sample files given as bytes are named by their length: their content may carry the time
    they were made (a zip's entries do), and every pytest-xdist worker must collect the same ids."""
    if isinstance(val, bytes | bytearray) and len(val) > 32:
        return f"{argname}-{len(val)}-bytes"
    return None


def _share_url_builders() -> None:
    """Build each route's URL builder once per test run instead of once per app.

    Tests make a fresh app each (thousands in a run), and Werkzeug compiles two Python functions
    per route when an app registers it: about 0.13 s of the 0.15 s an app takes. The functions
    depend only on the rule's text, parts and defaults (the rule itself is their first argument),
    so apps can share them; every app still registers, matches and builds every route itself.
    """
    from werkzeug.routing.rules import Rule

    if getattr(Rule._compile_builder, "_nttlearn_shared", False):
        return
    compile_builder = Rule._compile_builder
    built: dict[tuple, Any] = {}

    def shared(self, append_unknown: bool = True):
        key = (
            type(self),
            self.rule,
            tuple(self._trace),
            repr(sorted((self.defaults or {}).items())),
            tuple((name, type(conv), conv.regex) for name, conv in self._converters.items()),
            append_unknown,
        )
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    shared._nttlearn_shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = shared  # type: ignore[method-assign]


def pytest_report_header(config) -> str:
    url = os.environ.get("NTTLEARN_TEST_DATABASE_URL")
    return f"nttlearn test database: {make_url(url).render_as_string(hide_password=True) if url else 'SQLite (per-test copy of a migrated template)'}"


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def switch_plugin(name: str, enabled: bool, app=None) -> None:
    """Switch the plugin ``name`` on or off as an admin does on the plugins page (committed)."""
    from flask import current_app

    (app or current_app).extensions["nttlearn"].set_enabled(name, enabled)
    db.session.commit()


def invoke_cli(app, *args: str):
    """Run ``nttlearn ARGS…`` against ``app`` with click's test runner; returns click's Result
    (``exit_code``, ``output``)."""
    from .cli import main

    return app.test_cli_runner().invoke(main, list(args))


def check_plugin_contract(name: str, app=None, *, route_rows=None) -> list[str]:
    """The rules of the plugin contract that the plugin ``name`` breaks; ``[]`` when it keeps
    them all: ``assert check_plugin_contract("quiz") == []`` in a test with the ``app`` fixture.

    Checks the entry point and its nttlearn API range, the imports (only ``nttlearn.api``, and
    ``nttlearn.testing`` in tests), the table prefix and the Alembic branch label, the template
    folder, the translation domain, and that every route has a row in the route-permission walk:
    ``route_rows`` (``(endpoint, method, …)`` tuples or :class:`Route` rows) or, by default, the
    plugin's own ``tests/route_rows.py`` (its ``ROUTES``), beside its package.
    """
    from flask import current_app

    from .plugin_contract import contract_problems

    return contract_problems(name, app or current_app._get_current_object(), route_rows)


LIVE_SERVER_STARTUP_TIMEOUT = 60.0


def venv_command(name: str) -> str:
    """The console script installed beside this Python (the venv's), else the one on PATH."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed in this environment")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_nttlearn(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``nttlearn ARGS`` with ``env``; fail the test with its output if it fails, else return
    what it printed."""
    result = subprocess.run(
        [venv_command("nttlearn"), *args],
        cwd=repo_root(),
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`nttlearn {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class LiveServer:
    """A running gunicorn on 127.0.0.1, its instance folder, its environment and what it logged."""

    url: str
    instance: Path
    env: dict[str, str]
    log: list[str] = field(default_factory=list)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``nttlearn ARGS`` against the same instance and database as the server."""
        return subprocess.run(
            [venv_command("nttlearn"), *args],
            cwd=repo_root(),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def plugins(self) -> dict[str, dict[str, Any]]:
        """``nttlearn plugins list --json`` of the server's instance, by plugin name."""
        import json

        result = self.cli("plugins", "list", "--json")
        assert result.returncode == 0, result.stderr
        return {row["name"]: row for row in json.loads(result.stdout)}


def _drain(stream: IO[str], log: list[str], listening: threading.Event) -> None:
    """Keep the server's pipe empty (a full pipe would block it) and notice when it listens."""
    for line in stream:
        log.append(line.rstrip())
        if "Listening at:" in line:
            listening.set()
    listening.set()  # the process ended: stop waiting, the caller finds out why


def _answers(url: str) -> bool:
    """One GET /: it waits (bounded) until a worker has booted and loaded the app."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=LIVE_SERVER_STARTUP_TIMEOUT)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def live_server(
    instance: Path,
    prepare: Callable[[dict[str, str]], None] | Sequence[Sequence[str]] = (("init",),),
    *,
    env: Mapping[str, str] | None = None,
) -> Iterator[LiveServer]:
    """Serve a fresh instance folder with a real gunicorn, as production does, for browser tests.

    ``prepare`` readies the instance before the server starts: a list of ``nttlearn`` argument
    lists (``[["init"], ["demo"]]``) or a callable given the server's environment (use
    :func:`run_nttlearn` in it). The server gets a free port, an SQLite database in ``instance``,
    no ``NTTLEARN_*`` variable of the calling environment except those in ``env``, and two workers,
    so state that must be shared between processes really is. A test that fails shows the last
    lines the server logged. Use it in a session fixture::

        @pytest.fixture(scope="session")
        def live_server(tmp_path_factory):
            with nttlearn.testing.live_server(tmp_path_factory.mktemp("e2e"), [["init"], ["demo"]]) as server:
                yield server
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    server_env.update(
        {
            "NTTLEARN_INSTANCE_PATH": str(instance),
            "NTTLEARN_DATABASE_URL": f"sqlite:///{instance / 'nttlearn.sqlite'}",
            "NTTLEARN_BASE_URL": url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    server_env.update(env or {})
    if callable(prepare):
        prepare(server_env)
    else:
        for args in prepare:
            run_nttlearn(server_env, *args)
    process = subprocess.Popen(
        [
            venv_command("gunicorn"),
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(repo_root()),
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            "wsgi:app",
        ],
        cwd=repo_root(),
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = LiveServer(url=url, instance=instance, env=server_env)
    listening = threading.Event()
    threading.Thread(
        target=_drain, args=(process.stdout, server.log, listening), daemon=True
    ).start()
    try:
        if (
            not listening.wait(LIVE_SERVER_STARTUP_TIMEOUT)
            or process.poll() is not None
            or not _answers(url)
        ):
            pytest.fail("gunicorn did not start:\n" + "\n".join(server.log[-40:]))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The one demo server of a test run, for the browser tests of the core and of every plugin
    that needs only what ``make run`` prepares: ``nttlearn init`` and ``nttlearn demo`` on a fresh
    instance, the REST API on. Its database is shared by those tests: make what you change your
    own (a new user, a new course), and do not count what other tests may add."""
    env = {
        "NTTLEARN_STRICT_PLUGINS": os.environ.get("NTTLEARN_STRICT_PLUGINS", ""),
        "NTTLEARN_API_ENABLED": "1",
    }  # the REST API's token page and reference are pages too
    with live_server(tmp_path_factory.mktemp("demo-e2e"), [["init"], ["demo"]], env=env) as server:
        yield server


#: The demo accounts' passwords (``nttlearn demo``), for browser tests on the demo server.
DEMO_PASSWORDS = {
    "learner@example.org": "learner-demo-2010",
    "trainer@example.org": "trainer-demo-2010",
    "admin@example.org": "admin-demo-2010",
}


@pytest.fixture
def new_page(e2e_browser, live_server):
    """``new_page(width=1280, height=900)``: a page in a fresh browser context (no cookies, English
    interface) on the ``live_server`` fixture of the test's folder (``demo_server`` or its own)."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = e2e_browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(30_000)  # a shared, busy machine: be patient
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    """``log_in(page, email, password=None)`` through the login form (a demo account's password by
    default); returns once the page shows the person logged in."""
    from playwright.sync_api import expect

    def submit(page, email: str, password: str | None = None) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password or DEMO_PASSWORDS[email])
        page.locator("form:has(#password) [type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()

    return submit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, show what a live server logged: the traceback is there, not in the browser."""
    report = yield
    servers = [
        value for value in getattr(item, "funcargs", {}).values() if isinstance(value, LiveServer)
    ]
    if report.failed:
        for server in servers:
            if server.log:
                report.sections.append(("server log (last 60 lines)", "\n".join(server.log[-60:])))
    return report


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def e2e_browser():
    """One headless Debian chromium for every browser test of the run (core's and plugins').

    Playwright's sync API allows one running instance per process, so suites share this one.
    """
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium: `make chromium` "
            "or `apt-get install chromium`"
        )
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait up to 10 s (Playwright's default is 5): CI shares two cores between the
    # test workers, the live servers and chromium.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
