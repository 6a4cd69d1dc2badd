"""The route-permission walk: what every route answers to four visitors, and where each plugin's
rows live.

The core's ``tests/test_route_permissions.py`` walks every rule in ``app.url_map``: one
:class:`Route` row per endpoint and method (GET, POST) says the status each visitor gets. The core
keeps its own rows in ``tests/route_table.py``; **each plugin keeps its rows in its own tests**, in
``tests/route_rows.py`` beside its package (``plugins/quiz/tests/route_rows.py`` for
``nttlearn_quiz``), as a list named ``ROUTES``. The walk collects the rows of every installed plugin
(:func:`plugin_route_rows`), so installing a partner's plugin never needs a change to the core's
tests, and ``nttlearn.testing.check_plugin_contract`` tells a plugin which of its routes have no row.

The four visitors, each with a client of their own, in this order (a POST by one may change what
the next one sees, e.g. the admin's unenrolment runs last):

- ``anonymous``: not logged in;
- ``learner``: enrolled in ``world.course``;
- ``other_trainer``: site role trainer, trainer of ``world.other_course`` only;
- ``admin``.

Statuses: 302 for an anonymous visitor on a ``require_*`` view means "sent to the login page".
POST rows send ``data(world)`` (empty by default, so most forms re-show with their errors).
Build URL arguments from real objects: ``args=lambda w: {"activity_id": w.activity("quiz").id}``;
:meth:`World.activity` places an activity of the plugin's type in ``world.course``; keep objects
you make in ``world.extra``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from .auth.sessions import create_session_record
from .extensions import db
from .models import Activity, Course, Enrolment, Lesson, Module, Organisation, User, UserIdentity

ROLES = ("anonymous", "learner", "other_trainer", "admin")
MEDIA_FILE = "diagram.png"


@dataclass(frozen=True)
class Expect:
    """The status each visitor gets."""

    anonymous: int
    learner: int
    other_trainer: int
    admin: int

    def for_role(self, role: str) -> int:
        return getattr(self, role)


PUBLIC = Expect(200, 200, 200, 200)
LOGGED_IN = Expect(302, 200, 200, 200)
TRAINERS = Expect(302, 403, 200, 200)
ADMINS = Expect(302, 403, 403, 200)
STAFF_OF_COURSE = Expect(
    302, 403, 403, 200
)  # world.course: neither visitor but the admin teaches it
ANONYMOUS_ONLY = Expect(200, 302, 302, 302)  # logged-in visitors are sent on to their dashboard


@dataclass
class World:
    """Real objects the URL arguments are built from."""

    app: Any
    learner: User
    other_trainer: User
    admin: User
    trainer: User
    course: Course
    lesson: Lesson
    other_course: Course
    organisation: Organisation
    bystander: User
    extra: dict[str, Any] = field(default_factory=dict)

    def bystander_session(self) -> int:
        """The id of a session record of the bystander's (made once)."""
        if "bystander_session" not in self.extra:
            create_session_record(self.bystander)
            db.session.commit()
            self.extra["bystander_session"] = self.bystander.session_record.id
        return self.extra["bystander_session"]

    def bystander_identity(self) -> int:
        """The id of a single sign-on identity of the bystander's (made once)."""
        if "bystander_identity" not in self.extra:
            identity = UserIdentity(
                user_id=self.bystander.id, issuer="https://login.example", subject="walk"
            )
            db.session.add(identity)
            db.session.commit()
            self.extra["bystander_identity"] = identity.id
        return self.extra["bystander_identity"]

    def activity(self, type_key: str, required: bool = True) -> Activity:
        """An activity of ``type_key`` placed in the first module of ``course`` (made once)."""
        key = f"activity:{type_key}"
        if key not in self.extra:
            module = (
                db.session.execute(
                    db.select(Module)
                    .where(Module.course_id == self.course.id)
                    .order_by(Module.position)
                )
                .scalars()
                .first()
            )
            activity = Activity(
                module_id=module.id,
                key=f"{type_key}-walk",
                position=99,
                type_key=type_key,
                title=f"{type_key} (route walk)",
                required=required,
            )
            db.session.add(activity)
            db.session.commit()
            self.extra[key] = activity
        return self.extra[key]


def build_world(app, make_user, make_course) -> World:
    """The people and courses of the walk, made with the test fixtures."""
    trainer = make_user(role="trainer", name="Course Trainer")
    other_trainer = make_user(role="trainer", name="Other Trainer")
    learner = make_user(name="Walking Learner", org="Comune di Prova", country="IT")
    admin = make_user(role="admin", name="Site Admin")
    bystander = make_user(name="Bystander")
    course = make_course(modules=2, lessons=2, trainer=trainer)
    other_course = make_course(modules=1, lessons=1, trainer=other_trainer)
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    lesson = (
        db.session.execute(
            db.select(Lesson)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Module.position, Lesson.position)
        )
        .scalars()
        .first()
    )
    media = Path(app.instance_path) / "media" / course.slug
    media.mkdir(parents=True, exist_ok=True)
    (media / MEDIA_FILE).write_bytes(b"\x89PNG\r\n\x1a\n")
    return World(
        app=app,
        learner=learner,
        other_trainer=other_trainer,
        admin=admin,
        trainer=trainer,
        course=course,
        lesson=lesson,
        other_course=other_course,
        organisation=learner.organisation,
        bystander=bystander,
    )


def _none(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    expect: Expect
    args: Callable[[World], dict[str, Any]] = _none
    data: Callable[[World], dict[str, Any]] = _none
    plugin: str | None = None  # None: a core route, always present

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def walk_route(app: Any, world: World, row: Route) -> dict[str, int]:
    """What each visitor of :data:`ROLES` gets from ``row``'s route, each with a client of their
    own, in that order: ``{"anonymous": 302, "learner": 200, …}``, to compare with ``row.expect``."""
    from flask import url_for

    from .testing import login

    with app.test_request_context():
        url = url_for(row.endpoint, **row.args(world))
    answers = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert login(client, getattr(world, role)).status_code == 302, (
                f"{role} could not log in"
            )
        response = (
            client.get(url) if row.method == "GET" else client.post(url, data=row.data(world))
        )
        answers[role] = response.status_code
    return answers


def expected_answers(row: Route) -> dict[str, int]:
    return {role: row.expect.for_role(role) for role in ROLES}


def course_id_args(w: World) -> dict[str, Any]:
    """URL arguments naming ``world.course`` by id (``/…/courses/<course_id>/…``)."""
    return {"course_id": w.course.id}


def course_slug_args(w: World) -> dict[str, Any]:
    """URL arguments naming ``world.course`` by slug (``/courses/<slug>/…``)."""
    return {"slug": w.course.slug}


#: The REST API (/api/v1) takes a token, never the site's session cookie: every logged-in visitor
#: is as unknown to it as an anonymous one.
API_NEEDS_TOKEN = Expect(401, 401, 401, 401)

#: Where a plugin's rows live, relative to the folder its package is in.
ROUTE_ROWS_FILE = Path("tests") / "route_rows.py"


def route_rows_file(name: str) -> Path | None:
    """The ``tests/route_rows.py`` of the installed plugin ``name``, or None when it has none (a
    plugin installed from a wheel ships no tests)."""
    from .plugin_contract import entry_point, package_root

    ep = entry_point(name)
    if ep is None:
        return None
    try:
        path = package_root(ep).parent / ROUTE_ROWS_FILE
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def route_rows_module(name: str) -> ModuleType | None:
    """The plugin's ``tests/route_rows.py``, imported once per process as ``route_rows_<name>``
    (every plugin's file has the same name, so it is loaded by path)."""
    module_name = f"route_rows_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = route_rows_file(name)
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def plugin_route_rows(name: str) -> list[Route] | None:
    """The rows of plugin ``name`` (its ``ROUTES``, each marked ``plugin=name``), or None when
    the plugin has no ``tests/route_rows.py``."""
    module = route_rows_module(name)
    if module is None:
        return None
    return [row if row.plugin == name else replace(row, plugin=name) for row in module.ROUTES]


def installed_route_rows(names: list[str] | set[str]) -> list[Route]:
    """The rows of every plugin in ``names`` that has a ``tests/route_rows.py``, plugin by plugin."""
    rows: list[Route] = []
    for name in sorted(names):
        rows.extend(plugin_route_rows(name) or [])
    return rows
