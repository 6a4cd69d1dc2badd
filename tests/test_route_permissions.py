"""Every route answers each kind of visitor as its row says (the core's in ``route_table.py``, each
plugin's in its own ``tests/route_rows.py``), and declares its rule."""

from __future__ import annotations

import pytest
from core_helpers import installed_plugin_names, walk_plugins
from flask import url_for
from route_table import (
    CORE_ROUTES,
    PROBE_PLUGIN,
    ROLES,
    ROUTES,
    Route,
    World,
    build_world,
    rows_by_key,
)

from nttlearn.auth.permissions import PERMISSION_ATTRIBUTE
from nttlearn.plugins import host
from nttlearn.testing import login, plugin_route_rows

METHODS = ("GET", "POST")
KNOWN_RULES = {"public", "login", "course_staff", "cohort_staff"}


@pytest.fixture
def walk_app(app_factory):
    """The site with every installed plugin, plus a plugin the admin may switch."""
    walk = app_factory(plugins=walk_plugins())
    with walk.app_context():
        yield walk


@pytest.fixture
def world(walk_app, make_user, make_course) -> World:
    return build_world(walk_app, make_user, make_course)


def url_map_keys(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods & set(METHODS)
    }


def request_as(app, world: World, role: str, row: Route, url: str):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, getattr(world, role)).status_code == 302
    if row.method == "GET":
        return client.get(url)
    return client.post(url, data=row.data(world))


@pytest.mark.parametrize("row", ROUTES, ids=[row.id for row in ROUTES])
def test_route_answers_each_visitor_as_the_table_says(walk_app, world, row):
    if (row.endpoint, row.method) not in url_map_keys(walk_app):
        if row.plugin is None or row.plugin in installed_plugin_names():
            pytest.fail(
                f"{row.id} is in the route table but not in app.url_map: remove or fix the row"
            )
        pytest.skip(f"plugin {row.plugin} is not installed")
    with walk_app.test_request_context():
        url = url_for(row.endpoint, **row.args(world))

    answers = {role: request_as(walk_app, world, role, row, url).status_code for role in ROLES}

    expected = {role: row.expect.for_role(role) for role in ROLES}
    assert answers == expected, f"{row.id} ({url})"


def routes_without_a_row(app) -> list[tuple[str, str]]:
    """Routes of the core and of the plugins that keep rows (tests/route_rows.py) with no row.
    A plugin without a rows file (a partner's, installed from a wheel) is its own contract
    check's business, never a failure of the core's suite."""
    owner = host(app).endpoint_owner
    keeps_rows = {name for name in host(app).plugins if plugin_route_rows(name) is not None}
    return sorted(
        key
        for key in url_map_keys(app) - set(rows_by_key())
        if owner(key[0]) is None or owner(key[0]) in keeps_rows
    )


def test_every_route_in_the_url_map_has_a_row_in_the_table(walk_app):
    missing = routes_without_a_row(walk_app)

    assert missing == [], (
        "add a row for each of these routes, to tests/route_table.py for the core's, to the plugin's "
        "own tests/route_rows.py for a plugin's: " + ", ".join(f"{m} {e}" for e, m in missing)
    )


def test_each_built_in_plugin_keeps_its_rows_in_its_own_tests():
    """The core's table holds no plugin's rows: each installed plugin's come from its own file."""
    core_rows = {row.plugin for row in CORE_ROUTES}
    collected = {row.plugin for row in ROUTES} - {None}

    assert core_rows == {None}
    assert collected == {name for name in installed_plugin_names() if plugin_route_rows(name)}


def test_a_partner_plugin_without_rows_leaves_the_core_walk_alone_and_fails_its_own_contract(
    app_factory,
):
    """A plugin installed without tests/route_rows.py: the core's walk does not ask for its rows;
    ``check_plugin_contract`` tells its author what is missing."""
    from flask import Blueprint

    from nttlearn import hookimpl
    from nttlearn.auth import require_login
    from nttlearn.plugin_contract import route_row_problems

    class Rowless:
        name = "rowless"

        @hookimpl
        def nttlearn_register_blueprints(self, app):
            blueprint = Blueprint("rowless", __name__, url_prefix="/rowless")
            blueprint.add_url_rule("/", "page", require_login(lambda: "a page"))
            app.register_blueprint(blueprint)

    app = app_factory(plugins=[*walk_plugins(), Rowless()])

    assert routes_without_a_row(app) == []
    assert route_row_problems("rowless", app, None) == [
        "1 routes and no tests/route_rows.py beside the package (a list ROUTES of nttlearn.testing.Route rows), "
        "nor route_rows=[(endpoint, method, …), …]"
    ]


def test_the_table_has_one_row_per_route_and_method():
    keys = [(row.endpoint, row.method) for row in ROUTES]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})

    assert duplicates == []
    assert {row.method for row in ROUTES} <= set(METHODS)


def test_every_view_declares_exactly_one_permission_rule(walk_app):
    # "token:<scope>": the REST API's views (nttlearn.rest.auth.token_required).
    undeclared = sorted(
        endpoint
        for endpoint, view in walk_app.view_functions.items()
        if getattr(view, PERMISSION_ATTRIBUTE, None) is None
    )
    unknown = sorted(
        f"{endpoint}={rule}"
        for endpoint, view in walk_app.view_functions.items()
        if (rule := getattr(view, PERMISSION_ATTRIBUTE, None)) is not None
        and rule not in KNOWN_RULES
        and not rule.startswith(("role:", "token:"))
    )

    assert undeclared == [], "views without a require_*/public decorator: " + ", ".join(undeclared)
    assert unknown == []


def test_the_walk_includes_every_installed_plugin(walk_app):
    loaded = set(host(walk_app).plugins)

    assert installed_plugin_names() | {PROBE_PLUGIN} == loaded
    assert all(not info.failed for info in host(walk_app).plugins.values())


def test_a_second_permission_decorator_is_refused_when_the_view_is_declared():
    from nttlearn.auth import public, require_admin, require_login

    def page():
        return "page"

    with pytest.raises(TypeError, match="exactly one"):
        require_admin(public(page))
    with pytest.raises(TypeError, match="exactly one"):
        require_login(require_login(page))


def test_a_plugin_route_without_a_declared_rule_is_reported(app_factory):
    from flask import Blueprint

    from nttlearn import hookimpl

    class Careless:
        name = "careless"

        @hookimpl
        def nttlearn_register_blueprints(self, app):
            blueprint = Blueprint("careless", __name__, url_prefix="/careless")
            blueprint.add_url_rule("/", "page", lambda: "no rule declared")
            app.register_blueprint(blueprint)

    app = app_factory(plugins=[Careless()])

    undeclared = [
        e for e, view in app.view_functions.items() if not hasattr(view, PERMISSION_ATTRIBUTE)
    ]

    assert undeclared == ["careless.page"]
