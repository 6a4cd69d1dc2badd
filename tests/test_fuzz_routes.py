"""Malformed input never crashes a page: every route of the URL map (the core's and every installed
plugin's), with each method, is sent huge, negative, non-ASCII and otherwise malformed values in
its URL parts, query arguments, form fields and uploads, by each kind of visitor; no answer is a
500 or shows a traceback.

Routes are read from ``app.url_map`` when the tests are collected, so a new route is fuzzed
without a line here. Each route's other URL parts are real (the arguments of its row in
``route_table.py``, else placeholders), so that the malformed value reaches the view. The field
names come from what the route's view reads (its source, and the query arguments it asks for
while the walk looks at its page), from the forms on every page that post to it, and from a
fixed list of common names. The values come from Hypothesis, derandomized so that every run
(SQLite and PostgreSQL in CI) sends the same requests.

The world (people, courses, a quiz attempt, a proposal, a certificate…) is built once for the
module: POSTs may change it (a deletion makes later requests 404), which is fine for a test that
only asks "no 500", and those that take objects away run last.
"""

from __future__ import annotations

import html.parser
import inspect
import io
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from core_helpers import walk_plugins
from flask import Flask, got_request_exception, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from route_table import ROLES, World, build_world, rows_by_key
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, Rule

from nttlearn import create_app
from nttlearn.extensions import db
from nttlearn.testing import course_factory, login, user_factory

METHODS = ("GET", "POST")
EXAMPLES_PER_ROUTE = 4  # each sent by all four visitors
# POSTs that take the world's objects away (or switch things off) run after every other route.
TAKES_AWAY = (
    "delete",
    "remove",
    "unenrol",
    "revoke",
    "leave",
    "drop",
    "toggle",
    "rotate",
    "dismiss",
)
COMMON_FIELDS = (
    "page",
    "next",
    "q",
    "id",
    "user_id",
    "category",
    "type",
    "tag",
    "role",
    "area",
    "language",
    "locale",
    "action",
    "nav",
    "code",
    "format",
    "table",
    "sort",
    "start",
    "end",
    "organisation",
    "country",
    "cohort",
    "a",
    "b",
    "confirm",
    "enabled",
    "mark",
    "version",
    "base_version",
    "module_id",
    "question_id",
    "seq-1",
    "q1",
)
NASTY = (
    str(2**63),
    str(2**64),
    str(2**31),
    "-1",
    "0",
    "-0",
    "²",
    "١٢",
    "１",
    "1e400",
    "nan",
    "inf",
    "1.5",
    " 7",
    "0x1f",
    "\x00",
    "%00",
    "a\r\nb",
    "/\r\nSet-Cookie: x=1",
    "/\t/evil.example",
    "//evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "é",
    "😀",
    "\u202e",
    "x" * 5000,
    "[]",
    "{}",
    "'",
    "<script>",
    "../../etc/passwd",
    "",
)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(
    st.sampled_from(NASTY), st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT
)
FILES = st.tuples(
    st.binary(max_size=300),
    st.sampled_from(("x.zip", "x.png", "x.gift", "x.txt", "", "../x", "\u202e.png")),
)


def _route_keys() -> list[tuple[str, str]]:
    """(endpoint, method) of every route, from an app with every installed plugin."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": instance, "TESTING": True},
            plugins=walk_plugins(),
        )
        keys = {
            (rule.endpoint, method)
            for rule in app.url_map.iter_rules()
            for method in rule.methods & set(METHODS)
        }

    def order(key: tuple[str, str]) -> tuple[int, str]:
        endpoint, method = key
        late = method == "POST" and any(word in endpoint for word in TAKES_AWAY)
        return (METHODS.index(method) + late, endpoint)

    return sorted(keys, key=order)


ROUTE_KEYS = _route_keys()


@dataclass(repr=False)
class Fuzz:
    """The module's app and world, and what the walk learnt about each route (its repr is
    short: Hypothesis prints it with every failing example)."""

    app: Flask
    world: World
    cookies: dict[str, str]
    rules: dict[tuple[str, str], Rule]
    real_args: dict[tuple[str, str], dict[str, str]]
    fields: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    files: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    crashes: list[BaseException] = field(default_factory=list)

    def __repr__(self) -> str:
        return "Fuzz(...)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


class ReadRecorder(ImmutableMultiDict):
    """``request.args`` that notes the names a view asks for."""

    def __init__(self, values: Any, seen: set[str]) -> None:
        super().__init__(values)
        self.seen = seen

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default, type)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        self.seen.add(key)
        return super().getlist(key, type)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.seen.add(key)
        return super().__contains__(key)


class FormReader(html.parser.HTMLParser):
    """The forms of a page: (action, method, text field names, file field names) each."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, str, set[str], set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                (a.get("action") or None, (a.get("method") or "GET").upper(), set(), set())
            )
        elif tag in ("input", "select", "textarea", "button") and a.get("name") and self.forms:
            names = self.forms[-1][3] if a.get("type") == "file" else self.forms[-1][2]
            names.add(a["name"])


_READS = re.compile(
    r"""(?:request\.(?:args|form|values)\.(?:get|getlist)|\b(?:arg_int|form_int|arg_ints))\(\s*["']([\w.-]+)["']"""
    r"""|request\.(?:args|form|values)\[["']([\w.-]+)["']\]"""
)


def names_in_source(view: Any) -> set[str]:
    """The argument and field names a view's own code reads."""
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return set()
    return {a or b for a, b in _READS.findall(source)}


def placeholder(converter: Any) -> str:
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "1" if isinstance(converter, IntegerConverter) else "x"


def path_of(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with ``values`` in its URL parts, percent-encoded (url_for would refuse
    what the converters refuse, which is the point here)."""

    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        return quote(
            values[name], safe="/" if isinstance(rule._converters[name], PathConverter) else ""
        )

    return re.sub(r"<(?:[^<>]*:)?([^<>:]+)>", part, rule.rule)


def _learn_the_fields(fuzz: Fuzz, client_for: dict[str, Any]) -> None:
    """Open every GET route as an anonymous visitor, the learner and the admin (another trainer
    sees what the admin sees, or less): note the query arguments its view reads, and the fields
    of every form on the page for the route the form posts to."""
    adapter = fuzz.app.url_map.bind("localhost")
    seen = fuzz.app.extensions["fuzz_reads"] = set()
    for key in ROUTE_KEYS:
        rule = fuzz.rules[key]
        fuzz.fields[key] |= names_in_source(fuzz.app.view_functions[rule.endpoint])
        if key[1] != "GET" or rule.endpoint.endswith("static"):
            continue
        url = path_of(rule, fuzz.real_args[key])
        for role in ("anonymous", "learner", "admin"):
            seen.clear()
            with client_for[role]().get(url) as response:
                page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            fuzz.fields[key] |= seen
            reader = FormReader()
            reader.feed(page)
            for action, method, names, files in reader.forms:
                try:
                    endpoint, _args = adapter.match(
                        unquote(urlsplit(action or url).path), method=method
                    )
                except HTTPException:
                    continue
                fuzz.fields[(endpoint, method)] |= names
                fuzz.files[(endpoint, method)] |= files
    del fuzz.app.extensions["fuzz_reads"]
    for key in ROUTE_KEYS:
        fuzz.fields[key] |= set(COMMON_FIELDS)
        fuzz.fields[key].discard("csrf_token")


@pytest.fixture(scope="module")
def fuzz(module_app_factory) -> Iterator[Fuzz]:
    app = module_app_factory(
        config={"PROPAGATE_EXCEPTIONS": False, "RATELIMIT_ENABLED": False}, plugins=walk_plugins()
    )

    @app.before_request
    def _record_reads() -> None:
        if "fuzz_reads" in app.extensions:
            request_object = request._get_current_object()  # type: ignore[attr-defined]
            request_object.__dict__["args"] = ReadRecorder(
                request_object.args, app.extensions["fuzz_reads"]
            )

    with app.app_context():
        world = build_world(app, user_factory(), course_factory())
        rows = rows_by_key()
        rules = {
            (rule.endpoint, method): rule
            for rule in app.url_map.iter_rules()
            for method in rule.methods
        }
        real_args = {}
        with app.test_request_context():
            for key in ROUTE_KEYS:
                row = rows.get(key)
                found = row.args(world) if row is not None else {}
                real_args[key] = {
                    name: str(found[name]) if name in found else placeholder(converter)
                    for name, converter in rules[key]._converters.items()
                }
        _learner_joins_the_proposal_team(world)
        cookies = {}
        for role in ROLES[1:]:
            browser = app.test_client()
            assert login(browser, getattr(world, role)).status_code == 302
            cookies[role] = browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        fuzz = Fuzz(app=app, world=world, cookies=cookies, rules=rules, real_args=real_args)
        got_request_exception.connect(
            lambda sender, exception, **extra: fuzz.crashes.append(exception), app, weak=False
        )
        _learn_the_fields(
            fuzz, {role: (lambda role=role: browser_of(fuzz, role)) for role in ROLES}
        )
        yield fuzz
        db.session.remove()


def _learner_joins_the_proposal_team(world: World) -> None:
    """The learner writes in the walk's proposal team, so that the proposal pages read their input."""
    if "proposal" not in world.extra:
        return
    from nttlearn_peer_review import models as pr

    proposal = world.extra["proposal"]
    db.session.add(
        pr.TeamMember(
            team_id=proposal["team_id"],
            activity_id=proposal["activity_id"],
            user_id=world.learner.id,
        )
    )
    db.session.commit()


def browser_of(fuzz: Fuzz, role: str) -> Any:
    """A fresh browser logged in as ``role`` (by its session cookie: a POST that logs out, or a
    deleted cookie, cannot change who the next request comes from)."""
    browser = fuzz.app.test_client()
    if role != "anonymous":
        browser.set_cookie(fuzz.app.config["SESSION_COOKIE_NAME"], fuzz.cookies[role])
    return browser


def visitors_reaching(fuzz: Fuzz, url: str, method: str) -> tuple[str, ...]:
    """The visitors to send a request as: all four, the admin last (a POST of theirs may take
    the world's objects away); one when no rule matches the URL, since routing answers 404
    before anything knows who asks."""
    try:
        fuzz.app.url_map.bind("localhost").match(unquote(urlsplit(url).path), method=method)
    except HTTPException:
        return ROLES[:1]
    return ROLES


def send(
    fuzz: Fuzz,
    role: str,
    method: str,
    url: str,
    fields: dict[str, str],
    files: dict[str, tuple[bytes, str]],
) -> Any:
    """One request as ``role``: ``fields`` in the query string (and, for a POST, the form too,
    with the uploads)."""
    browser = browser_of(fuzz, role)
    if method == "GET":
        return browser.get(url, query_string=fields)
    uploads = {name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}
    return browser.post(url, query_string=fields, data={**fields, **uploads})


@pytest.mark.parametrize(
    "key", ROUTE_KEYS, ids=[f"{method} {endpoint}" for endpoint, method in ROUTE_KEYS]
)
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)
@given(data=st.data())
def test_no_route_answers_malformed_input_with_a_server_error(fuzz, key, data):
    method, rule = key[1], fuzz.rules[key]
    target = data.draw(st.sampled_from(["fields", *sorted(rule.arguments)]), label="malformed")
    args = dict(fuzz.real_args[key])
    fields: dict[str, str] = {}
    files: dict[str, tuple[bytes, str]] = {}
    if target == "fields":
        # A few values dealt round the fields: drawing one per field (dozens) made Hypothesis,
        # not the app, most of the run time.
        values = data.draw(st.lists(VALUES, min_size=1, max_size=5), label="values")
        fields = {name: values[i % len(values)] for i, name in enumerate(sorted(fuzz.fields[key]))}
        files = {name: data.draw(FILES, label=name) for name in sorted(fuzz.files[key])}
    else:
        args[target] = data.draw(VALUES.filter(bool), label=target)
    url = path_of(rule, args)

    for role in visitors_reaching(fuzz, url, method):
        fuzz.crashes.clear()
        with send(fuzz, role, method, url, fields, files) as response:
            status, body = response.status_code, response.get_data()

        assert status != 500 and not fuzz.crashes, f"{method} {url} as {role}: {fuzz.crashes!r}"
        assert b"Traceback (most recent call last)" not in body, f"{method} {url} as {role}"
