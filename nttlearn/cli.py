"""The ``nttlearn`` command: Flask's commands plus init, demo, db, plugins, users, courses."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click
import flask_migrate
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask.cli import run_command as flask_run_command

from .extensions import db

COURSES_DIR = Path(__file__).resolve().parent.parent / "courses"


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


class NttlearnGroup(FlaskGroup):
    """A FlaskGroup whose ``db`` upgrades every branch, and which adds the plugins' commands."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "db":
            return db_group
        if name == "run":
            return run_command
        command = super().get_command(ctx, name)
        if command is None:
            command = self._plugin_commands(ctx).get(name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx)))

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except Exception:  # noqa: BLE001 - no app, no plugin commands; Flask reports why
            return {}
        with app.app_context():
            commands = app.extensions["nttlearn"].collect("nttlearn_cli_commands")
        return {c.name: c for c in commands if c.name}


def _create_app():
    from . import create_app

    return create_app()


def local_base_url(host: str, port: int, https: bool = False) -> str:
    """The address a development server on `host`:`port` answers at (a wildcard host such as
    0.0.0.0 listens on every address, this machine's own included)."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 - not a binding
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if https else 'http'}://{host}:{port}"


def _run(**options: Any) -> None:
    """Flask's ``run``, which first sets ``NTTLEARN_BASE_URL`` from its own host and port when it
    is not configured (outside production), so that certificates and e-mails issued by a
    development server name an address that answers. The environment variable is read by the
    app this command creates, and by the reloader's child process."""
    from . import config

    if not config.base_url_configured() and config.environment() != config.PRODUCTION:
        url = local_base_url(
            options["host"], options["port"], https=options.get("cert") is not None
        )
        os.environ[config.ENV_PREFIX + "BASE_URL"] = url
        click.echo(
            f"NTTLEARN_BASE_URL is not set: using {url}, this server's own address, in "
            "certificates and e-mails. Set it to the site's public address when others "
            "use the site.",
            err=True,
        )
    flask_run_command.callback(**options)


run_command = click.Command(
    "run",
    params=flask_run_command.params,
    callback=_run,
    help=flask_run_command.help,
    short_help=flask_run_command.short_help,
    context_settings=flask_run_command.context_settings,
)


@click.group(cls=NttlearnGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """nttlearn: courses, peer review and certificates for networks of twinned towns."""


# -- database ----------------------------------------------------------------------------------
@click.group("db")
def db_group() -> None:
    """Database migrations over the core and every plugin's branch."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the database (every branch's head by default)."""
    flask_migrate.upgrade(revision=revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade to REVISION (e.g. ``quiz@base`` or ``base``)."""
    flask_migrate.downgrade(revision=revision)


@db_group.command("current")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def db_current(as_json: bool) -> None:
    """Show the revision of each branch in the database, marking those at their head."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = sorted(MigrationContext.configure(connection).get_current_heads())
    rows = [{"revision": revision, "head": revision in heads} for revision in current]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("The database has no revision yet: run `nttlearn db upgrade`.")
    for row in rows:
        click.echo(row["revision"] + (" (head)" if row["head"] else ""))


@db_group.command("heads")
@with_appcontext
def db_heads() -> None:
    """Show the head revision of each branch."""
    flask_migrate.heads()


@db_group.command("migrate")
@click.option("-m", "--message", required=True)
@click.option("--plugin", help="Write the revision into this plugin's branch.")
@with_appcontext
def db_migrate(message: str, plugin: str | None) -> None:
    """Autogenerate a revision from the models (core by default)."""
    os.environ["NTTLEARN_MIGRATE_SCOPE"] = plugin or "core"
    if plugin:
        dirs = [
            d
            for impl in current_app.extensions[
                "nttlearn"
            ].pm.hook.nttlearn_migration_dirs.get_hookimpls()
            if impl.plugin_name == plugin
            for d in impl.function()
        ]
        if not dirs:
            fail(f"plugin {plugin!r} has no migration directory")
        flask_migrate.revision(
            message=message, autogenerate=True, head=f"{plugin}@head", version_path=str(dirs[0])
        )
    else:
        flask_migrate.revision(message=message, autogenerate=True, head="core@head")


# -- set-up ------------------------------------------------------------------------------------
@main.command("init")
@click.option(
    "--courses",
    "courses_dir",
    type=click.Path(path_type=Path),
    default=COURSES_DIR,
    show_default=True,
)
@with_appcontext
def init_command(courses_dir: Path) -> None:
    """Create or upgrade the database and import the shipped courses."""
    from .content.commands import import_paths

    flask_migrate.upgrade(revision="heads")
    packages = (
        sorted(p for p in courses_dir.iterdir() if (p / "course.yaml").exists())
        if courses_dir.is_dir()
        else []
    )
    ok = import_paths(packages, dry_run=False, as_json=False)
    if not ok:
        sys.exit(1)


@main.command("demo")
@click.option(
    "--size",
    type=click.Choice(["demo", "xs", "s", "m", "l", "xl"]),
    default="demo",
    show_default=True,
    help="l and xl on PostgreSQL: 10,000 learners and 1 million events, 100,000 and 10 million.",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def demo_command(size: str, as_json: bool) -> None:
    """Create the NTT+ demo (or a larger deterministic data set) and print the demo accounts."""
    from .demo.bulk import BULK_SIZES, generate_bulk
    from .demo.generator import generate
    from .demo.ntt import create_demo

    postgresql = db.engine.dialect.name == "postgresql"
    if size == "xl" and not postgresql:
        fail(
            "The size xl data set (100,000 learners, 10 million events) is built inside PostgreSQL; "
            "on this database use --size l or smaller."
        )
    started = time.perf_counter()
    if size == "demo":
        result = create_demo()
    elif size in BULK_SIZES and postgresql:
        result = generate_bulk(size)
    else:
        result = generate(size)
    if size == "demo":
        result["summary"] += _plugins_demo_data()
    db.session.commit()
    if size != "demo":
        result["summary"].append(f"Built in {time.perf_counter() - started:.1f} s.")
    if as_json:
        echo_json(result)
        return
    for line in result.get("summary", []):
        click.echo(line)
    if result.get("accounts"):
        click.echo("\nDemo accounts (e-mail / password / role):")
        for account in result["accounts"]:
            click.echo(f"  {account['email']:<34} {account['password']:<24} {account['role']}")


def _plugins_demo_data() -> list[str]:
    """Each enabled plugin adds its demo data in a savepoint: a failing one is skipped, not fatal."""
    host = current_app.extensions["nttlearn"]
    disabled = host.disabled()
    lines: list[str] = []
    for impl in reversed(host.pm.hook.nttlearn_demo_data.get_hookimpls()):
        if impl.plugin_name in disabled:
            continue
        try:
            with db.session.begin_nested():
                lines.extend(f"{impl.plugin_name}: {line}" for line in impl.function() or [])
        except Exception as exc:  # noqa: BLE001 - one plugin's demo must not stop the others'
            lines.append(f"{impl.plugin_name}: demo data not added ({type(exc).__name__}: {exc})")
    return lines


# -- plugins -----------------------------------------------------------------------------------
@main.group("plugins")
def plugins_group() -> None:
    """List, enable, disable and make plugins."""


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def plugins_list(as_json: bool) -> None:
    host = current_app.extensions["nttlearn"]
    rows = [
        {
            "name": name,
            "version": info.version,
            "enabled": host.status(name) == "enabled",
            "status": host.status(name),
            "error": info.error,
            "description": info.description,
        }
        for name, info in sorted(host.plugins.items())
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        line = f"{row['name']:<18} {row['version']:<10} {row['status']}"
        click.echo(line + (f"  ({row['error']})" if row["error"] else ""))


def _switch(name: str, enabled: bool) -> None:
    host = current_app.extensions["nttlearn"]
    if name not in host.plugins:
        fail(
            f"no installed plugin named {name!r} (installed: {', '.join(sorted(host.plugins)) or 'none'})"
        )
    if host.plugins[name].failed:
        fail(f"plugin {name!r} failed to load: {host.plugins[name].error}")
    host.set_enabled(name, enabled)
    db.session.commit()
    click.echo(f"{name} {'enabled' if enabled else 'disabled'}")


@plugins_group.command("new")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The folder in which the plugin's folder NAME is made (default: here).",
)
def plugins_new(name: str, parent: Path) -> None:
    """Make the plugin NAME: installable with `pip install -e`, with its own passing tests."""
    from .scaffold import ScaffoldError, generate

    try:
        folder = generate(name, parent)
    except ScaffoldError as exc:
        fail(str(exc))
    click.echo(f"Made the plugin {name} in {folder}. Next, in nttlearn's virtualenv:")
    click.echo(f"  pip install -e {folder}")
    click.echo("  nttlearn db upgrade")
    click.echo(f"  cd {folder} && python -m pytest")
    click.echo(f"`nttlearn plugins list` then shows {name}; its README says what each file is for.")


@plugins_group.command("enable")
@click.argument("name")
@with_appcontext
def plugins_enable(name: str) -> None:
    _switch(name, True)


@plugins_group.command("disable")
@click.argument("name")
@with_appcontext
def plugins_disable(name: str) -> None:
    _switch(name, False)


# -- users -------------------------------------------------------------------------------------
@main.group("users")
def users_group() -> None:
    """Create, list and enrol users; prune ended sessions."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role", type=click.Choice(["learner", "trainer", "coordinator", "admin"]), default="learner"
)
@click.option("--org", "organisation")
@click.option("--town")
@click.option("--country")
@click.option("--locale", type=click.Choice(["en", "it", "sv", "es", "fi"]))
@with_appcontext
def users_create(
    email: str,
    name: str,
    password: str,
    role: str,
    organisation: str | None,
    town: str | None,
    country: str | None,
    locale: str | None,
) -> None:
    from email_validator import EmailNotValidError, validate_email

    from .auth.passwords import password_problems
    from .auth.services import AccountError, create_user

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        fail(f"invalid e-mail address {email!r}: {exc}")
    problems = password_problems(password, email=email, name=name)
    if problems:
        fail("weak password: " + " ".join(problems))
    if organisation and not country:
        fail("--org needs --country (ISO code such as IT, SE, ES, FI)")
    if country and len(country) != 2:
        fail(f"invalid country {country!r}: use a two-letter ISO code such as IT, SE, ES, FI")
    try:
        user = create_user(
            email=email,
            name=name,
            password=password,
            role=role,
            organisation=organisation,
            town=town,
            country=country,
            locale=locale,
        )
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def users_list(as_json: bool) -> None:
    from .models import User

    users = db.session.execute(
        db.select(User).where(User.deleted_at.is_(None)).order_by(User.email)
    ).scalars()
    rows = [
        {
            "id": u.id,
            "email": u.email,
            "name": u.name,
            "role": u.role,
            "active": u.active,
            "organisation": u.organisation.name if u.organisation else None,
            "country": u.country,
        }
        for u in users
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['email']:<34} {row['role']:<12} {row['name']}")


@users_group.command("enrol")
@click.argument("email")
@click.argument("course_slug")
@click.option("--cohort", default="")
@with_appcontext
def users_enrol(email: str, course_slug: str, cohort: str) -> None:
    from .auth.services import find_user
    from .learn.services import enrol
    from .models import Course

    user = find_user(email)
    if user is None:
        fail(f"no user with e-mail {email!r}")
    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar()
    if course is None:
        fail(f"no course with slug {course_slug!r}")
    enrol(user.id, course, cohort=cohort, by_staff=True)
    db.session.commit()
    click.echo(f"{user.email} enrolled in {course.slug}")


@users_group.command("make-trainer")
@click.argument("email")
@click.argument("course_slug")
@with_appcontext
def users_make_trainer(email: str, course_slug: str) -> None:
    """Make a user a trainer of a course."""
    from .auth.services import find_user
    from .author.services import add_trainer
    from .models import Course

    user = find_user(email)
    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar()
    if user is None or course is None:
        fail("unknown user or course")
    add_trainer(course, user)
    db.session.commit()
    click.echo(f"{user.email} is a trainer of {course.slug}")


@users_group.command("prune-sessions")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def users_prune_sessions(as_json: bool) -> None:
    """Delete the records of sessions that have ended (idle or past their lifetime). Run it daily."""
    from .auth.sessions import prune_sessions

    count = prune_sessions()
    if as_json:
        echo_json({"deleted": count})
        return
    click.echo(f"deleted {count} ended sessions")


@main.group("storage")
def storage_group() -> None:
    """The file store of media and generated files (NTTLEARN_STORAGE)."""


@storage_group.command("copy")
@click.option(
    "--from",
    "source",
    type=click.Choice(["local", "database", "s3"]),
    required=True,
    help="The store to copy from, configured by the same settings as the site's.",
)
@click.option(
    "--prefix",
    "prefixes",
    multiple=True,
    default=("media/",),
    show_default=True,
    help="Copy the files whose key starts with this; repeat it for several (certificates/pdf/: "
    "the certificates' drawn PDFs, which are otherwise drawn again).",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def storage_copy(source: str, prefixes: tuple[str, ...], as_json: bool) -> None:
    """Copy the files of another store into the site's (before switching NTTLEARN_STORAGE, or after)."""
    from .storage import StorageError, copy_files, file_store, make_store, valid_key

    target = file_store()
    bad = [p for p in prefixes if not valid_key(p.rstrip("/"))]
    if bad:
        fail(f"--prefix {bad[0]!r}: not a folder of the store (for instance media/)")
    if source == target.name:
        fail(
            f"--from {source}: the site's store is {source} already (set NTTLEARN_STORAGE to the new store)"
        )
    try:
        done = copy_files(make_store(current_app, source), target, list(prefixes))
    except StorageError as error:
        fail(str(error))
    if as_json:
        echo_json(done)
        return
    click.echo(
        f"copied {done['copied']} files from the {source} store into the {target.name} store; "
        f"{done['unchanged']} were there already"
    )


from .content.commands import courses_group  # noqa: E402
from .onboarding.commands import organisations_group, users_import  # noqa: E402

main.add_command(courses_group)

from .rest.commands import api_group  # noqa: E402

main.add_command(api_group)
from .cohorts.commands import cohorts_group  # noqa: E402

main.add_command(cohorts_group)
from .jobs.commands import jobs_group, scheduler_command, worker_command  # noqa: E402

main.add_command(jobs_group)
main.add_command(worker_command)
main.add_command(scheduler_command)
from .notifications.cli import notifications_group  # noqa: E402

main.add_command(notifications_group)
main.add_command(organisations_group)
users_group.add_command(users_import)
