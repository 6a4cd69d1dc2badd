"""Every event is declared once with its payload: the core's and each plugin's. ``emit`` refuses an
undeclared event, or data without the declared keys, in tests (``NTTLEARN_STRICT_PLUGINS``) and
logs it in production; the events table of docs/plugins.md is written from the declarations."""

from __future__ import annotations

import ast
import logging
from typing import Annotated, NotRequired, TypedDict

import pytest

from nttlearn import apidoc, db
from nttlearn.api import EventType, UndeclaredEvent, emit, hookimpl
from nttlearn.event_types import CORE_EVENT_TYPES
from nttlearn.models import EventRecord
from nttlearn.plugins import PluginLoadError
from nttlearn.testing import repo_root


class Visit(TypedDict):
    town: Annotated[str, "the town visited"]
    days: NotRequired[Annotated[int, "how many days"]]


class Twinning:
    """A plugin that declares one event of its own."""

    name = "twinning"

    @hookimpl
    def nttlearn_event_types(self):
        return [
            EventType(
                "twinning.visited", Visit, "a delegation visited the twin town", course="None"
            )
        ]


class Squatter:
    """A plugin that declares an event in another's name."""

    name = "squatter"

    def __init__(self, event_name: str) -> None:
        self.event_name = event_name

    @hookimpl
    def nttlearn_event_types(self):
        return [EventType(self.event_name, Visit, "not mine to declare")]


def _is_emit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "emit"
    )


def _name_of(func: ast.expr) -> str | None:
    return getattr(func, "id", getattr(func, "attr", None))


def _emitted_names(trees: list[ast.Module]) -> set[str]:
    """The event names the code emits: ``emit("…")``, ``emit(CONSTANT)`` with a module-level string
    constant, ``{"name": "…"}`` for ``emit_many``, and ``announce(…, "…")`` where ``announce``
    passes that parameter on to ``emit`` (the quiz's ``after_grading``)."""
    names: set[str] = set()
    forwarders: dict[str, int] = {}  # function name -> the position of the parameter it emits
    for tree in trees:
        constants = {
            t.id: n.value.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                parameters = [a.arg for a in node.args.args]
                for call in ast.walk(node):
                    if (
                        _is_emit(call)
                        and call.args
                        and isinstance(call.args[0], ast.Name)
                        and call.args[0].id in parameters
                    ):
                        forwarders[node.name] = parameters.index(call.args[0].id)
            if _is_emit(node) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    names.add(first.value)
                elif isinstance(first, ast.Name) and first.id in constants:
                    names.add(constants[first.id])
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "name"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                    ):
                        names.add(value.value)
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name_of(node.func) in forwarders:
                position = forwarders[_name_of(node.func)]
                if len(node.args) > position and isinstance(node.args[position], ast.Constant):
                    names.add(node.args[position].value)
    return names


def test_every_event_the_core_and_the_built_in_plugins_emit_is_declared():
    root = repo_root()
    sources = [*(root / "nttlearn").rglob("*.py"), *(root / "plugins").glob("*/nttlearn_*/**/*.py")]
    emitted = _emitted_names([ast.parse(p.read_text(encoding="utf-8")) for p in sources])
    declared = {t.name for t in apidoc.declared_events()}

    assert {
        "course.completed",
        "activity.graded",
        "peer_review.proposal_accepted",
        "quiz.attempt_submitted",
        "meetings.meeting_held",
        "certificates.issued",
        "assignment.graded",
    } <= emitted
    assert emitted - declared == set()


def test_a_declared_event_with_its_keys_is_stored_and_announced(app_factory):
    app = app_factory(plugins=[Twinning()])
    with app.app_context():
        event = emit("twinning.visited", user_id=None, data={"town": "Luleå"})
        with_optional = emit("twinning.visited", user_id=None, data={"town": "Bologna", "days": 3})

        assert (event.data, with_optional.data) == (
            {"town": "Luleå"},
            {"town": "Bologna", "days": 3},
        )
        assert app.extensions["nttlearn"].event_types()["twinning.visited"].emitter == "twinning"


def test_a_plugin_emitting_an_undeclared_event_fails_clearly_in_tests(app_factory):
    app = app_factory(plugins=[Twinning()])
    with app.app_context():
        with pytest.raises(
            UndeclaredEvent,
            match=r"'twinning.departed' is not declared: declare it in the "
            r"plugin's nttlearn_event_types\(\)",
        ):
            emit("twinning.departed", user_id=None, data={"town": "Luleå"})

        assert (
            db.session.execute(db.select(EventRecord).filter_by(name="twinning.departed")).all()
            == []
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, r"without the declared keys \['town'\] and with undeclared keys \[\]"),
        (
            {"town": "Luleå", "mayor": "A. Lindqvist"},
            r"without the declared keys \[\] and with undeclared keys \['mayor'\]",
        ),
    ],
)
def test_data_without_the_declared_keys_fails_clearly_in_tests(app_factory, data, message):
    app = app_factory(plugins=[Twinning()])
    with (
        app.app_context(),
        pytest.raises(
            UndeclaredEvent,
            match=r"'twinning.visited' \(declared by twinning\) has data " + message,
        ),
    ):
        emit("twinning.visited", user_id=None, data=data)


def test_in_production_an_undeclared_event_is_logged_and_still_announced(app_factory, caplog):
    app = app_factory(config={"STRICT_PLUGINS": False}, plugins=[Twinning()])
    with app.app_context(), caplog.at_level(logging.WARNING, logger="nttlearn.events"):
        event = emit("twinning.departed", user_id=None, data={"town": "Luleå"})

        assert event.id is not None
        assert [r.getMessage() for r in caplog.records if r.name == "nttlearn.events"] == [
            "event 'twinning.departed' is not declared: declare it in the plugin's nttlearn_event_types() "
            "(see docs/plugins.md, Events)"
        ]


def test_a_core_event_emitted_with_undeclared_keys_fails_in_tests(app_factory, make_user):
    app = app_factory(plugins=[])
    with (
        app.app_context(),
        pytest.raises(UndeclaredEvent, match="'course.completed' \\(declared by core\\)"),
    ):
        emit("course.completed", user_id=None, course_id=None, data={"slug": "x"})


@pytest.mark.parametrize(
    ("event_name", "message"),
    [
        ("course.completed", "'course.completed' is already declared by core"),
        ("twinning.visited", "'twinning.visited' is already declared by twinning"),
        ("visits.planned", "'visits.planned' is not prefixed with the plugin's name 'squatter'"),
    ],
)
def test_a_plugin_may_declare_only_new_events_in_its_own_name(app_factory, event_name, message):
    with pytest.raises(PluginLoadError, match=message):
        app_factory(plugins=[Twinning(), Squatter(event_name)])


def test_the_events_table_in_the_plugin_guide_is_written_from_the_declarations():
    document = apidoc.PLUGINS_DOC.read_text(encoding="utf-8")
    table = apidoc.events_table()

    assert table in document, "run `python -m nttlearn.apidoc` to rewrite it"
    for declared in CORE_EVENT_TYPES:
        assert f"| `{declared.name}` | the core | {declared.meaning} |" in table
    assert (
        "| `peer_review.proposal_accepted` | `peer_review` |" in table
        and "`authors` (list[int]): the user ids of every author" in table
    )
    assert "`quiz.attempt_submitted` | `quiz` |" in table
