"""Every hook in ``nttlearn/hookspecs.py`` is called where its docstring says, with what it says.

``COVERED`` names the hooks this file exercises; a meta-test checks it equals the hookspecs, so
a new hook without a test fails the suite.
"""

from __future__ import annotations

import json
import textwrap
import types
from typing import Annotated, TypedDict

import click
import flask_migrate
import pluggy
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from core_helpers import installed_plugin_names
from flask import Blueprint, render_template_string, request
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import inspect

import nttlearn.hookspecs
from nttlearn import hookimpl
from nttlearn.activities import ActivityType, activity_access
from nttlearn.api import (
    ApiBlueprint,
    CourseSetting,
    EventType,
    UndeclaredEvent,
    api_scope,
    api_user,
    emit,
)
from nttlearn.auth import public, require_login
from nttlearn.cli import main
from nttlearn.extensions import db
from nttlearn.learn.services import complete_activity
from nttlearn.models import ActivityCompletion, Enrolment, EventRecord, Organisation, User
from nttlearn.plugins import Setting, host
from nttlearn.reports.panels import ReportPanel
from nttlearn.testing import login

COVERED = {
    "nttlearn_add_hookspecs",
    "nttlearn_register_blueprints",
    "nttlearn_activity_types",
    "nttlearn_template_slot",
    "nttlearn_event_types",
    "nttlearn_on_event",
    "nttlearn_cli_commands",
    "nttlearn_migration_dirs",
    "nttlearn_translation_dirs",
    "nttlearn_report_panels",
    "nttlearn_settings",
    "nttlearn_user_data",
    "nttlearn_delete_user_data",
    "nttlearn_demo_data",
    "nttlearn_api_blueprints",
    "nttlearn_periodic_jobs",
    "nttlearn_todo_items",
    "nttlearn_cohort_deletion",
    "nttlearn_course_settings",
}


def hookspec_names() -> set[str]:
    return {
        name
        for name in dir(nttlearn.hookspecs)
        if name.startswith("nttlearn_")
        and hasattr(getattr(nttlearn.hookspecs, name), "nttlearn_spec")
    }


def test_every_hookspec_is_exercised_by_a_test_in_this_file():
    assert hookspec_names() == COVERED


def test_every_hookspec_says_when_it_is_called_in_its_docstring():
    for name in hookspec_names():
        doc = getattr(nttlearn.hookspecs, name).__doc__ or ""
        assert "Called" in doc, f"{name} has no docstring saying when it is called"


probe_hookspec = pluggy.HookspecMarker("nttlearn")


@probe_hookspec
def nttlearn_probe_shapes() -> list[str]:
    """Called by whoever wants shapes: a hook a plugin declares for other plugins."""


PROBE_SPECS = types.ModuleType("probe_specs")
PROBE_SPECS.nttlearn_probe_shapes = nttlearn_probe_shapes


class Poked(TypedDict):
    by: Annotated[str, "who poked the probe"]


class ShapeMaker:
    """Implements a hook the probe declares; loaded before the probe."""

    name = "shape_maker"

    @hookimpl
    def nttlearn_probe_shapes(self):
        return ["circle", "square"]


PROBE_API = ApiBlueprint(
    "probe_api", __name__, url_prefix="/api/v1/probe", description="The probe's resource"
)


@PROBE_API.route("/whoami")
@api_scope("read")
@PROBE_API.response(200)
def probe_whoami():
    """Who the probe's API resource sees."""
    return {"name": api_user().name}


class Probe:
    """A plugin implementing every hook, recording what it was given."""

    name = "probe"

    def __init__(self, **options) -> None:
        self.options = options
        self.calls: list[tuple[str, object]] = []

    @hookimpl
    def nttlearn_add_hookspecs(self, pluginmanager):
        pluginmanager.add_hookspecs(PROBE_SPECS)

    @hookimpl
    def nttlearn_register_blueprints(self, app):
        blueprint = Blueprint("probe", __name__, url_prefix="/probe")

        @blueprint.route("/")
        @public
        def hello():
            return render_template_string(
                '{% extends "base.html" %}{% block content %}<p id="probe">{{ _("Hello from the probe") }}</p>{% endblock %}'
            )

        @blueprint.route("/tasks/<int:activity_id>", methods=["GET", "POST"])
        @require_login
        def task(activity_id: int):
            access = activity_access(activity_id, "probe_task")
            if request.method == "POST":
                complete_activity(
                    access.user_id, access.activity, score=float(request.form["score"])
                )
                db.session.commit()
                return "completed"
            return f"task {access.activity.title}"

        app.register_blueprint(blueprint)

    @hookimpl
    def nttlearn_activity_types(self):
        return [
            ActivityType(
                key="probe_task",
                label="Probe task",
                endpoint="probe.task",
                status=lambda activity, user_id: self._status(activity, user_id),
            )
        ]

    def _status(self, activity, user_id):
        score = db.session.execute(
            db.select(ActivityCompletion.score).filter_by(activity_id=activity.id, user_id=user_id)
        ).scalar()
        return None if score is None else f"Best grade: {score:.0f}%"

    @hookimpl
    def nttlearn_template_slot(self, slot, context):
        # Ids, not the objects: those belong to the request's session, gone when it ends.
        self.calls.append(
            ("slot", (slot, {key: getattr(value, "id", value) for key, value in context.items()}))
        )
        if slot == "navbar":
            return Markup('<li><a href="/probe/">Probe</a></li>')
        if self.options.get("plain_text"):
            return f"<b>{slot}</b> as text"
        lesson = context.get("lesson")
        course = context.get("course")
        return Markup(
            '<div class="probe-slot" data-slot="{}" data-course="{}" data-lesson="{}">probe:{}</div>'
        ).format(slot, course.id if course else "", lesson.id if lesson else "", slot)

    @hookimpl
    def nttlearn_event_types(self):
        return [EventType("probe.poked", Poked, "someone poked the probe", course="None")]

    @hookimpl
    def nttlearn_on_event(self, event):
        stored = db.session.get(EventRecord, event.id)
        self.calls.append(("event", (event, stored is not None and stored.name == event.name)))

    @hookimpl
    def nttlearn_cli_commands(self):
        @click.group("probe")
        def group():
            """The probe's commands."""

        @group.command("count-users")
        def count_users():
            click.echo(f"{db.session.scalar(db.select(db.func.count(User.id)))} users")

        return [group]

    @hookimpl
    def nttlearn_migration_dirs(self):
        return [str(self.options["versions"])] if "versions" in self.options else []

    @hookimpl
    def nttlearn_translation_dirs(self):
        return [str(self.options["translations"])] if "translations" in self.options else []

    @hookimpl
    def nttlearn_report_panels(self, course):
        self.calls.append(("panels", course))
        return [
            ReportPanel(
                title="Probe panel",
                body=Markup("<p>course {}</p>").format(course.slug),
                csv_url="/probe/x.csv",
            )
        ]

    @hookimpl
    def nttlearn_settings(self):
        return [
            Setting(
                name="greeting",
                label="Greeting text",
                default="Hello",
                description="What the probe says",
            )
        ]

    @hookimpl
    def nttlearn_course_settings(self):
        self.calls.append(("course_settings", None))
        stored = self.options.setdefault("course_settings_table", {})
        return [
            CourseSetting(
                "probe_badge",
                "Probe badge on the course page",
                False,
                load=lambda course_id: stored.get(course_id, False),
                save=stored.__setitem__,
            )
        ]

    @hookimpl
    def nttlearn_user_data(self, user_id):
        return {"notes": [f"a note by user {user_id}"]}

    @hookimpl
    def nttlearn_api_blueprints(self):
        return [PROBE_API]

    @hookimpl
    def nttlearn_demo_data(self):
        if self.options.get("broken_demo"):
            raise RuntimeError("no demo today")
        organisation = Organisation(name="Probe demo town", town="Probe", country="SE")
        db.session.add(organisation)
        return ["added the probe demo town"]

    @hookimpl
    def nttlearn_periodic_jobs(self):
        from datetime import timedelta

        from jobs_for_tests import probe_periodic_job

        from nttlearn.api import PeriodicJob

        return [PeriodicJob("probe.tidy", probe_periodic_job, timedelta(minutes=5))]

    @hookimpl
    def nttlearn_todo_items(self, user):
        self.calls.append(("todo", user.id))
        if not self.options.get("todo"):
            return []
        from datetime import UTC, datetime, timedelta

        from nttlearn.hooktypes import TodoItem

        return [
            TodoItem(
                key="probe:1",
                kind="probe",
                title=gettext("Dashboard") + " probe",
                url="/probe-item",
                due_at=datetime.now(UTC) + timedelta(days=30),
            )
        ]

    @hookimpl
    def nttlearn_cohort_deletion(self, cohort):
        self.calls.append(("cohort_deletion", cohort.id))
        if self.options.get("cohort_deletion") == "raise":
            raise RuntimeError("probe cannot count")
        return (
            [gettext("Dashboard") + " probe: 3 widgets go"]
            if self.options.get("cohort_deletion")
            else None
        )

    @hookimpl
    def nttlearn_delete_user_data(self, user_id):
        user = db.session.get(User, user_id)
        self.calls.append(("delete", (user_id, user.deleted_at)))
        if self.options.get("refuse_deletion"):
            raise RuntimeError("cannot forget yet")


def probe_app(app_factory, *, with_installed: bool = False, **options):
    """An app with the probe (and every installed plugin, where the database's migrations need
    them all to be known)."""
    probe = Probe(**options)
    installed = sorted(installed_plugin_names()) if with_installed else []
    return probe, app_factory(plugins=[*installed, probe])


def browser(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_add_hookspecs_lets_a_plugin_offer_hooks_to_plugins_loaded_before_it(app_factory):
    app = app_factory(plugins=[ShapeMaker(), Probe()])

    assert not host(app).plugins["shape_maker"].failed
    assert host(app).pm.hook.nttlearn_probe_shapes() == [["circle", "square"]]


def test_a_hook_nobody_declares_fails_its_plugin_unless_marked_optional(app_factory):
    class Optional:
        name = "optional_shapes"

        @hookimpl(optionalhook=True)
        def nttlearn_probe_shapes(self):
            return ["triangle"]

    app = app_factory(config={"STRICT_PLUGINS": False}, plugins=[ShapeMaker(), Optional()])

    assert "unknown hook 'nttlearn_probe_shapes'" in host(app).plugins["shape_maker"].error
    assert not host(app).plugins["optional_shapes"].failed


def test_register_blueprints_adds_the_plugin_s_pages_inside_the_site_layout(app_factory):
    _, app = probe_app(app_factory)

    page = app.test_client().get("/probe/").get_data(as_text=True)

    assert '<p id="probe">Hello from the probe</p>' in page
    assert '<a class="skip-link" href="#main">' in page


def test_activity_types_place_the_plugin_s_work_in_a_course(app_factory, make_user, make_course):
    _, app = probe_app(app_factory)
    course = make_course(modules=1, lessons=1, activities=[(0, "probe_task", True)])
    activity_id = course_activity_id(course)
    learner, outsider = make_user(), make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    client = browser(app, learner)

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Probe task" in page and f'href="/probe/tasks/{activity_id}"' in page
    assert client.get(f"/probe/tasks/{activity_id}").get_data(as_text=True) == "task probe_task 0"
    assert browser(app, outsider).get(f"/probe/tasks/{activity_id}").status_code == 403

    assert (
        client.post(f"/probe/tasks/{activity_id}", data={"score": "80"}).get_data(as_text=True)
        == "completed"
    )

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Best grade: 80%" in page
    assert "50% complete (1/2)" in page
    assert host(app).activity_types()["probe_task"].plugin == "probe"


def course_activity_id(course) -> int:
    from nttlearn.models import Activity, Module

    return db.session.execute(
        db.select(Activity.id).join(Module).where(Module.course_id == course.id)
    ).scalar_one()


def test_template_slots_render_on_every_page_that_has_one_with_their_context(
    app_factory, make_user, make_course
):
    probe, app = probe_app(app_factory)
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=1)
    db.session.add(Enrolment(user_id=admin.id, course_id=course.id))
    db.session.commit()
    from datetime import date

    from nttlearn.cohorts.services import create_cohort
    from nttlearn.learn.structure import course_outline

    cohort = create_cohort(course, "Spring", date(2030, 1, 1))
    db.session.commit()

    lesson = course_outline(course, None).ordered_lessons()[0]
    client = browser(app, admin)
    pages = {
        "head": "/",
        "navbar": "/",
        "dashboard": "/dashboard",
        "course_sidebar": f"/courses/{course.slug}",
        "lesson_footer": f"/courses/{course.slug}/lessons/{lesson.id}",
        "admin_menu": "/admin/",
        "profile": "/account",
        "cohort": f"/teach/courses/{course.id}/cohorts/{cohort.id}",
    }

    for slot, url in pages.items():
        html = client.get(url).get_data(as_text=True)
        if slot == "navbar":
            assert '<li><a href="/probe/">Probe</a></li>' in html
        else:
            assert f'data-slot="{slot}"' in html, f"slot {slot} missing on {url}"

    contexts = {
        slot: context for kind, (slot, context) in [(k, v) for k, v in probe.calls if k == "slot"]
    }
    assert set(contexts) == set(pages)
    assert all(context["user"] == admin.id for context in contexts.values())
    assert contexts["course_sidebar"]["course"] == course.id
    assert contexts["lesson_footer"]["lesson"] == lesson.id
    assert contexts["lesson_footer"]["course"] == course.id
    assert contexts["cohort"]["course"] == course.id and contexts["cohort"]["cohort"] == cohort.id
    assert contexts["cohort"]["role"] == "course"
    lesson_page = client.get(f"/courses/{course.slug}/lessons/{lesson.id}").get_data(as_text=True)
    assert f'data-slot="course_sidebar" data-course="{course.id}"' in lesson_page


def test_template_slot_text_that_is_not_markup_is_escaped(app_factory, make_user):
    _, app = probe_app(app_factory, plain_text=True)

    html = browser(app, make_user()).get("/dashboard").get_data(as_text=True)

    assert "&lt;b&gt;dashboard&lt;/b&gt; as text" in html and "<b>dashboard</b>" not in html


def test_on_event_hears_each_event_after_it_is_stored(app_factory, make_user, make_course):
    probe, app = probe_app(app_factory)
    learner = make_user()
    course = make_course(modules=1, lessons=1)
    client = browser(app, learner)

    client.post(f"/courses/{course.slug}/enrol")

    events = [event for kind, (event, stored) in [(k, v) for k, v in probe.calls if k == "event"]]
    assert [(e.name, e.user_id, e.course_id, e.data) for e in events] == [
        ("course.enrolled", learner.id, course.id, {"cohort": ""})
    ]
    assert all(stored for kind, (_, stored) in [(k, v) for k, v in probe.calls if k == "event"])
    assert events[0].created_at.tzinfo is not None and events[0].id is not None


def test_event_types_declare_the_events_a_plugin_may_emit(app_factory):
    probe, app = probe_app(app_factory)

    declared = host(app).event_types()["probe.poked"]
    with app.app_context():
        emit("probe.poked", user_id=None, data={"by": "the test"})
        with pytest.raises(UndeclaredEvent, match="'probe.prodded' is not declared"):
            emit("probe.prodded", user_id=None, data={"by": "the test"})

    assert (declared.emitter, declared.payload, declared.course) == ("probe", Poked, "None")
    assert [e.name for kind, (e, _) in probe.calls if kind == "event"] == ["probe.poked"]


def test_cli_commands_add_the_plugin_s_group_to_nttlearn(app_factory, make_user):
    _, app = probe_app(app_factory)
    make_user()
    make_user()

    with app.app_context():
        result = app.test_cli_runner().invoke(main, ["probe", "count-users"])
        listed = app.test_cli_runner().invoke(main, ["--help"])

    assert result.exit_code == 0, result.output
    assert result.output == "2 users\n"
    assert "probe" in listed.output


MIGRATION = '''
"""probe notes"""
import sqlalchemy as sa
from alembic import op

revision = "probe_0001"
down_revision = None
branch_labels = ("probe",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "probe_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE")),
    )


def downgrade():
    op.drop_table("probe_notes")
'''


def test_migration_dirs_are_applied_by_db_upgrade_and_undone_by_downgrade(app_factory, tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "probe_0001_notes.py").write_text(textwrap.dedent(MIGRATION))
    _, app = probe_app(app_factory, with_installed=True, versions=versions)

    with app.app_context():
        try:
            flask_migrate.upgrade(revision="heads")
            assert "probe_notes" in inspect(db.engine).get_table_names()
        finally:
            flask_migrate.downgrade(revision="probe@base")
        db.session.remove()
        assert "probe_notes" not in inspect(db.engine).get_table_names()


def test_translation_dirs_bring_the_plugin_s_catalogue(app_factory, tmp_path):
    folder = tmp_path / "translations" / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="it", domain="probe")
    catalog.add("Hello from the probe", "Ciao dalla sonda")
    with (folder / "probe.mo").open("wb") as fh:
        write_mo(fh, catalog)
    _, app = probe_app(app_factory, translations=tmp_path / "translations")
    client = app.test_client()

    italian = client.get("/probe/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    english = client.get("/probe/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<p id="probe">Ciao dalla sonda</p>' in italian
    assert '<p id="probe">Hello from the probe</p>' in english
    with app.test_request_context(headers={"Accept-Language": "it"}):
        assert gettext("Hello from the probe") == "Ciao dalla sonda"


def test_report_panels_appear_on_the_course_report(app_factory, make_user, make_course):
    probe, app = probe_app(app_factory)
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)

    page = browser(app, trainer).get(f"/teach/courses/{course.id}/progress").get_data(as_text=True)

    assert (
        "Probe panel" in page
        and f"<p>course {course.slug}</p>" in page
        and 'href="/probe/x.csv"' in page
    )
    assert [c.id for kind, c in probe.calls if kind == "panels"] == [course.id]


def test_settings_are_shown_on_the_admin_plugins_page_with_their_value(
    app_factory, make_user, monkeypatch
):
    _, app = probe_app(app_factory)
    client = browser(app, make_user(role="admin"))
    default = client.get("/admin/plugins").get_data(as_text=True)

    monkeypatch.setenv("NTTLEARN_PROBE_GREETING", "Hej")
    configured = client.get("/admin/plugins").get_data(as_text=True)

    assert (
        "Greeting text" in default
        and "NTTLEARN_PROBE_GREETING" in default
        and "<dd>Hello</dd>" in default
    )
    assert "<dd>Hej</dd>" in configured


def test_user_data_is_part_of_the_person_s_export(app_factory, make_user):
    _, app = probe_app(app_factory)
    user = make_user()

    data = json.loads(browser(app, user).get("/account/export.json").get_data(as_text=True))

    assert data["plugins"]["probe"] == {"notes": [f"a note by user {user.id}"]}


def test_delete_user_data_is_called_inside_the_deletion(app_factory, make_user):
    probe, app = probe_app(app_factory)
    user = make_user()

    browser(app, user).post(
        "/account/delete", data={"password": "correct-horse-battery-staple", "confirm": "y"}
    )

    assert [value for kind, value in probe.calls if kind == "delete"] == [(user.id, None)]
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is not None


def test_a_disabled_plugin_s_data_is_still_exported_and_deleted_with_the_account(
    app_factory, make_user
):
    probe, app = probe_app(app_factory)
    user = make_user()
    with app.app_context():
        host(app).set_enabled("probe", False)
        db.session.commit()
    client = browser(app, user)

    exported = json.loads(client.get("/account/export.json").get_data(as_text=True))
    client.post(
        "/account/delete", data={"password": "correct-horse-battery-staple", "confirm": "y"}
    )

    assert exported["plugins"]["probe"] == {"notes": [f"a note by user {user.id}"]}
    assert [value for kind, value in probe.calls if kind == "delete"] == [(user.id, None)]


def test_a_plugin_that_cannot_delete_its_data_stops_the_deletion(app_factory, make_user):
    _, app = probe_app(app_factory, refuse_deletion=True)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = make_user(name="Still Here")

    response = browser(app, user).post(
        "/account/delete", data={"password": "correct-horse-battery-staple", "confirm": "y"}
    )

    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Still Here"


def test_course_settings_are_fields_of_the_course_form_saved_by_the_plugin(
    app_factory, make_user, make_course
):
    probe, app = probe_app(app_factory)
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    client = browser(app, trainer)
    assert "Probe badge on the course page" in client.get(f"/author/courses/{course.id}").get_data(
        as_text=True
    )

    response = client.post(
        f"/author/courses/{course.id}",
        data={
            "opened_version": str(course.version),
            "title": course.title,
            "policy_area": course.policy_area,
            "hours": "2",
            "completion_rule": "all_required",
            "probe_badge": "y",
        },
    )

    assert response.status_code == 302
    assert probe.options["course_settings_table"] == {course.id: True}
    assert ("course_settings", None) in probe.calls


@pytest.mark.parametrize("hook", sorted(COVERED))
def test_each_covered_hook_is_implemented_by_the_probe(hook):
    assert callable(getattr(Probe, hook))


def test_nttlearn_demo_adds_each_plugins_demo_data_and_survives_a_broken_one(app_factory):
    _, app = probe_app(app_factory)
    from nttlearn.cli import main

    output = app.test_cli_runner().invoke(main, ["demo"]).output
    _, broken = probe_app(app_factory, broken_demo=True)
    broken_output = broken.test_cli_runner().invoke(main, ["demo"]).output

    assert "probe: added the probe demo town" in output
    assert "probe: demo data not added (RuntimeError: no demo today)" in broken_output
    with app.app_context():
        towns = (
            db.session.execute(db.select(Organisation).filter_by(name="Probe demo town"))
            .scalars()
            .all()
        )
    assert len(towns) == 1  # the broken run's savepoint was rolled back; the first run's row stays


def test_api_blueprints_join_the_rest_api_its_document_and_the_plugin_switch(
    app_factory, make_user
):
    from nttlearn.rest.tokens import create_token

    _, app = probe_app(app_factory)
    with app.app_context():
        token, _record = create_token(make_user(name="Probe Caller"), ["read"])
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        answer = client.get("/api/v1/probe/whoami", headers=headers)
        spec = client.get("/api/v1/openapi.json").get_json()
        host(app).set_enabled("probe", False)
        db.session.commit()
        disabled = client.get("/api/v1/probe/whoami", headers=headers)

    assert answer.status_code == 200 and answer.get_json() == {"name": "Probe Caller"}
    assert "/api/v1/probe/whoami" in spec["paths"]
    assert disabled.status_code == 404 and disabled.mimetype == "application/problem+json"


def test_periodic_jobs_run_once_per_period_from_the_scheduler_and_stop_when_the_plugin_is_disabled(
    app_factory,
):
    from datetime import timedelta

    import jobs_for_tests

    from nttlearn.jobs.periodic import periodic_status, tick
    from nttlearn.models import utcnow
    from nttlearn.testing import switch_plugin

    _, app = probe_app(app_factory)
    jobs_for_tests.PERIODIC_RUNS.clear()
    now = utcnow()
    with app.app_context():
        first = tick(now)
        again = tick(now + timedelta(minutes=4))
        later = tick(now + timedelta(minutes=6))
        (status,) = [s for s in periodic_status() if s.job.name == "probe.tidy"]
        switch_plugin("probe", False, app)
        disabled = tick(now + timedelta(minutes=20))

    assert "probe.tidy" in first and "probe.tidy" not in again and "probe.tidy" in later
    assert "probe.tidy" not in disabled
    assert jobs_for_tests.PERIODIC_RUNS == ["ran", "ran"]
    assert (
        status.job.plugin == "probe" and status.outcome == "ok" and status.finished_at is not None
    )


def test_todo_items_are_asked_for_the_learner_and_listed_on_the_dashboard_in_their_language(
    app_factory, make_user
):
    probe, app = probe_app(app_factory, todo=True)
    learner = make_user(locale="it")

    html = browser(app, learner).get("/dashboard").get_data(as_text=True)

    assert [args for kind, args in probe.calls if kind == "todo"] == [learner.id]
    assert '<a href="/probe-item">Bacheca probe</a>' in html


@pytest.mark.parametrize(("answer", "shown"), [(True, True), ("raise", False)])
def test_cohort_deletion_asks_the_plugins_what_goes_and_lists_it_on_the_confirmation_page(
    app_factory, make_user, make_course, answer, shown
):
    from datetime import date

    from nttlearn.cohorts.services import create_cohort
    from nttlearn.models import Cohort

    probe, app = probe_app(app_factory, cohort_deletion=answer)
    trainer = make_user(role="trainer", locale="it")
    course = make_course(trainer=trainer)
    cohort = create_cohort(course, "Spring", date(2030, 1, 1))
    db.session.commit()

    page = (
        browser(app, trainer)
        .get(f"/teach/courses/{course.id}/cohorts/{cohort.id}/delete")
        .get_data(as_text=True)
    )

    assert ("cohort_deletion", cohort.id) in probe.calls
    assert ("Bacheca probe: 3 widgets go" in page) is shown
    assert 'name="confirmed" value="1"' in page  # a plugin that fails leaves the page whole
    assert db.session.get(Cohort, cohort.id) is not None
