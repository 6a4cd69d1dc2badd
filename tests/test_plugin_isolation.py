"""A broken or disabled plugin never takes the site (or another plugin) down with it.

The plugins here are small objects made in the tests, handed to ``app_factory(plugins=[...])``.
"""

from __future__ import annotations

import json
import logging
from importlib import metadata

import pytest
from flask import Blueprint
from markupsafe import Markup

from nttlearn import hookimpl
from nttlearn.auth import public
from nttlearn.cli import main
from nttlearn.extensions import db
from nttlearn.models import Enrolment, EventRecord, LessonCompletion
from nttlearn.plugins import ENTRY_POINT_GROUP, PluginLoadError, host
from nttlearn.testing import login

LENIENT = {"STRICT_PLUGINS": False}


class Greeter:
    """Says hello on the dashboard, has a page, and remembers the events it heard."""

    name = "greeter"

    def __init__(self) -> None:
        self.heard: list[str] = []

    @hookimpl
    def nttlearn_register_blueprints(self, app):
        blueprint = Blueprint("greeter", __name__, url_prefix="/greeter")
        blueprint.add_url_rule("/", "hello", public(lambda: "hello from greeter"))
        app.register_blueprint(blueprint)

    @hookimpl
    def nttlearn_template_slot(self, slot):
        return (
            Markup('<p class="greeting">Greetings from a plugin</p>')
            if slot == "dashboard"
            else None
        )

    @hookimpl
    def nttlearn_on_event(self, event):
        self.heard.append(event.name)

    @hookimpl
    def nttlearn_cli_commands(self):
        import click

        @click.command("greet")
        def greet():
            click.echo("hello from the greeter command")

        return [greet]


class BrokenSlot:
    name = "broken_slot"

    @hookimpl
    def nttlearn_template_slot(self, slot):
        raise RuntimeError("the slot exploded")


class WrongArguments:
    """Its hook asks for an argument the hook does not have: pluggy refuses to register it."""

    name = "wrong_arguments"

    @hookimpl
    def nttlearn_on_event(self, event, something_else):
        pass


class Misspelt:
    name = "misspelt"

    @hookimpl
    def nttlearn_on_evnt(self, event):
        pass


class BrokenStart:
    name = "broken_start"

    @hookimpl
    def nttlearn_register_blueprints(self, app):
        raise ValueError("cannot register my pages")


class Vetoes:
    """Refuses enrolments and completions by raising from its listener."""

    name = "vetoes"

    @hookimpl
    def nttlearn_on_event(self, event):
        if event.name in {"course.enrolled", "lesson.completed"}:
            raise RuntimeError(f"veto on {event.name}")


def cli(app, *args: str):
    """Run ``nttlearn ARGS`` against ``app`` (its context on top: another app's may be pushed)."""
    with app.app_context():
        return app.test_cli_runner().invoke(main, list(args))


# -- plugins that fail to load ---------------------------------------------------------------------
def test_a_plugin_that_is_not_installed_is_listed_as_failed_and_the_site_runs(
    app_factory, make_user
):
    app = app_factory(config=LENIENT, plugins=["no_such_plugin", Greeter()])
    info = host(app).plugins["no_such_plugin"]

    assert info.failed and "no installed plugin named 'no_such_plugin'" in info.error
    assert host(app).status("no_such_plugin") == "failed"
    assert app.test_client().get("/").status_code == 200
    assert app.test_client().get("/greeter/").get_data(as_text=True) == "hello from greeter"


def test_a_plugin_whose_import_raises_is_listed_as_failed(app_factory, tmp_path, monkeypatch):
    (tmp_path / "exploding_plugin.py").write_text("raise ImportError('a dependency is missing')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry_point = metadata.EntryPoint(
        name="exploding", value="exploding_plugin", group=ENTRY_POINT_GROUP
    )

    app = app_factory(config=LENIENT, plugins=[entry_point, Greeter()])

    assert host(app).plugins["exploding"].error == "ImportError: a dependency is missing"
    with app.app_context():
        assert host(app).status("greeter") == "enabled"
    assert app.test_client().get("/").status_code == 200


@pytest.mark.parametrize(
    ("plugin", "error"),
    [
        (WrongArguments(), "PluginValidationError"),
        (Misspelt(), "unknown hook 'nttlearn_on_evnt'"),
        (BrokenStart(), "ValueError: cannot register my pages"),
    ],
)
def test_a_plugin_whose_registration_raises_is_listed_as_failed(app_factory, plugin, error):
    app = app_factory(config=LENIENT, plugins=[plugin, Greeter()])

    assert host(app).plugins[plugin.name].failed
    assert error in host(app).plugins[plugin.name].error
    assert plugin not in host(app).pm.get_plugins()
    assert app.test_client().get("/greeter/").status_code == 200


def test_with_strict_plugins_a_failure_stops_the_start(app_factory):
    with pytest.raises(PluginLoadError, match="no_such_plugin"):
        app_factory(config={"STRICT_PLUGINS": True}, plugins=["no_such_plugin"])


def test_the_admin_plugins_page_shows_the_failure_and_its_error(app_factory, make_user):
    app = app_factory(config=LENIENT, plugins=["no_such_plugin", WrongArguments(), Greeter()])
    client = app.test_client()
    login(client, make_user(role="admin"))

    page = client.get("/admin/plugins").get_data(as_text=True)

    row = page[page.index('id="plugin-wrong_arguments"') :]
    row = row[: row.index("</tr>")]
    assert "failed" in row and "PluginValidationError" in row and "something_else" in row
    assert "Disable" not in row and "Enable" not in row
    assert "no installed plugin named" in page
    assert "Disable greeter" in page


def test_plugins_list_json_reports_name_version_state_and_error(app_factory):
    app = app_factory(config=LENIENT, plugins=["no_such_plugin", Greeter()])

    result = cli(app, "plugins", "list", "--json")

    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert all(
        {"name", "version", "enabled", "status", "error"} <= set(row) for row in rows.values()
    )
    assert rows["greeter"] | {"version": None} == rows["greeter"] | {
        "name": "greeter",
        "enabled": True,
        "status": "enabled",
        "error": None,
        "version": None,
    }
    assert (
        rows["no_such_plugin"]["status"] == "failed" and rows["no_such_plugin"]["enabled"] is False
    )
    assert "no installed plugin named" in rows["no_such_plugin"]["error"]


def test_plugins_list_reports_installed_plugins_with_their_version(app):
    result = cli(app, "plugins", "list", "--json")

    rows = json.loads(result.output)
    installed = {
        ep.name: ep.dist.version for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.dist
    }
    assert {row["name"]: row["version"] for row in rows} == installed


# -- rendering hooks that raise --------------------------------------------------------------------
def test_a_slot_that_raises_is_skipped_and_logged_while_another_plugin_s_slot_renders(
    app_factory, make_user, caplog
):
    app = app_factory(plugins=[BrokenSlot(), Greeter()])
    client = app.test_client()
    login(client, make_user())

    with caplog.at_level(logging.ERROR, logger="nttlearn.plugins"):
        response = client.get("/dashboard")

    assert response.status_code == 200
    assert '<p class="greeting">Greetings from a plugin</p>' in response.get_data(as_text=True)
    failures = [r for r in caplog.records if "broken_slot" in r.getMessage()]
    assert failures and "the slot exploded" in failures[0].exc_text


def test_a_report_panel_that_raises_is_skipped_and_the_report_renders(
    app_factory, make_user, make_course, caplog
):
    from nttlearn.reports.panels import ReportPanel

    class BrokenPanel:
        name = "broken_panel"

        @hookimpl
        def nttlearn_report_panels(self, course):
            raise KeyError("no such figure")

    class GoodPanel:
        name = "good_panel"

        @hookimpl
        def nttlearn_report_panels(self, course):
            return [ReportPanel(title="Completion by country", body=Markup("<p>IT 3, SE 2</p>"))]

    app = app_factory(plugins=[BrokenPanel(), GoodPanel()])
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    client = app.test_client()
    login(client, trainer)

    with caplog.at_level(logging.ERROR, logger="nttlearn.plugins"):
        page = client.get(f"/teach/courses/{course.id}/progress")

    assert page.status_code == 200
    assert "Completion by country" in page.get_data(
        as_text=True
    ) and "<p>IT 3, SE 2</p>" in page.get_data(as_text=True)
    assert any("broken_panel" in r.getMessage() for r in caplog.records)


# -- switching a plugin off and on -------------------------------------------------------------------
def test_a_disabled_plugin_s_hooks_are_not_called_and_its_pages_answer_404(
    app_factory, make_user, make_course
):
    greeter = Greeter()
    app = app_factory(plugins=[greeter])
    admin, learner = make_user(role="admin"), make_user()
    course = make_course()
    admin_client, learner_client = app.test_client(), app.test_client()
    login(admin_client, admin)
    login(learner_client, learner)

    assert (
        admin_client.post(
            "/admin/plugins/greeter", data={"enabled": "0", "confirmed": "1"}
        ).status_code
        == 302
    )
    greeter.heard.clear()
    learner_client.post(f"/courses/{course.slug}/enrol")

    assert greeter.heard == []
    assert learner_client.get("/greeter/").status_code == 404
    assert "Greetings from a plugin" not in learner_client.get("/dashboard").get_data(as_text=True)
    assert "No such command" in cli(app, "greet").output
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 1  # the core still works

    admin_client.post("/admin/plugins/greeter", data={"enabled": "1"})
    learner_client.post(f"/courses/{make_course().slug}/enrol")

    assert greeter.heard == ["course.enrolled"]
    assert learner_client.get("/greeter/").get_data(as_text=True) == "hello from greeter"
    assert "Greetings from a plugin" in learner_client.get("/dashboard").get_data(as_text=True)
    assert cli(app, "greet").output == "hello from the greeter command\n"


def test_a_disabled_plugin_s_pages_answer_404_whatever_its_blueprint_is_called(app_factory):
    class OddlyNamed:
        name = "oddly_named"

        @hookimpl
        def nttlearn_register_blueprints(self, app):
            blueprint = Blueprint("something_else", __name__, url_prefix="/odd")
            blueprint.add_url_rule("/", "page", public(lambda: "odd page"))
            app.register_blueprint(blueprint)
            app.add_url_rule("/odd-direct", "odd_direct", public(lambda: "direct page"))

    app = app_factory(plugins=[OddlyNamed()])
    client = app.test_client()
    assert client.get("/odd/").status_code == 200

    with app.app_context():
        host(app).set_enabled("oddly_named", False)
        db.session.commit()

    assert client.get("/odd/").status_code == 404
    assert client.get("/odd-direct").status_code == 404


def test_plugins_enable_and_disable_from_the_command_line(app_factory):
    greeter = Greeter()
    app = app_factory(plugins=[greeter])

    disabled = cli(app, "plugins", "disable", "greeter")
    listed = json.loads(cli(app, "plugins", "list", "--json").output)

    assert disabled.exit_code == 0 and disabled.output == "greeter disabled\n"
    assert listed[0]["status"] == "disabled" and listed[0]["enabled"] is False
    assert app.test_client().get("/greeter/").status_code == 404

    enabled = cli(app, "plugins", "enable", "greeter")

    assert enabled.exit_code == 0 and enabled.output == "greeter enabled\n"
    assert app.test_client().get("/greeter/").status_code == 200


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_switching_an_unknown_plugin_fails_with_a_message(app_factory, action):
    app = app_factory(plugins=[Greeter()])

    result = cli(app, "plugins", action, "nonexistent")

    assert result.exit_code != 0
    assert "no installed plugin named 'nonexistent'" in result.stderr
    assert "greeter" in result.stderr  # says which plugins there are
    assert result.stdout == ""


def test_a_failed_plugin_cannot_be_switched_on(app_factory, make_user):
    app = app_factory(config=LENIENT, plugins=[WrongArguments()])

    result = cli(app, "plugins", "enable", "wrong_arguments")
    client = app.test_client()
    login(client, make_user(role="admin"))
    page = client.post(
        "/admin/plugins/wrong_arguments", data={"enabled": "1"}, follow_redirects=True
    )

    assert result.exit_code == 1 and "failed to load" in result.stderr
    assert "failed to load and cannot be switched on" in page.get_data(as_text=True)


def test_switching_a_plugin_that_does_not_exist_in_the_browser_answers_404(
    client, make_user, login_as
):
    login_as(make_user(role="admin"))

    assert client.post("/admin/plugins/nonexistent", data={"enabled": "0"}).status_code == 404


# -- listeners run inside the action's transaction ---------------------------------------------------
def rows(model) -> int:
    """Counted through a connection of its own: what another request would see."""
    with db.engine.connect() as connection:
        return connection.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_a_listener_that_raises_rolls_back_the_whole_enrolment(app_factory, make_user, make_course):
    app = app_factory(config={"PROPAGATE_EXCEPTIONS": False}, plugins=[Vetoes()])
    course = make_course()
    client = app.test_client()
    login(client, make_user())

    response = client.post(f"/courses/{course.slug}/enrol")

    assert response.status_code == 500
    assert rows(Enrolment) == 0
    assert rows(EventRecord) == 0


def test_a_listener_that_raises_rolls_back_the_lesson_completion(
    app_factory, make_user, make_course
):
    from nttlearn.learn.structure import course_outline

    app = app_factory(config={"PROPAGATE_EXCEPTIONS": False}, plugins=[Vetoes()])
    course = make_course(modules=1, lessons=1)
    learner = make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    lesson = course_outline(course, None).ordered_lessons()[0]
    client = app.test_client()
    login(client, learner)

    response = client.post(f"/courses/{course.slug}/lessons/{lesson.id}/done")

    assert response.status_code == 500
    assert "Internal Server Error" in response.get_data(as_text=True)  # the site's error page
    assert rows(LessonCompletion) == 0
    assert rows(EventRecord) == 0
