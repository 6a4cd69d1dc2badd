"""Assembling the Flask app: configuration, extensions, plugins, blueprints, security."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config
from .extensions import babel, csrf, db, login_manager, migrate
from .plugins import PluginHost

CORE_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
log = logging.getLogger(__name__)


def build_app(test_config: dict[str, Any] | None, plugins: list[object] | None) -> Flask:
    settings = config.settings_from_env()
    if test_config and "INSTANCE_PATH" in test_config:
        settings["INSTANCE_PATH"] = test_config["INSTANCE_PATH"]
    instance = Path(settings["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.update(config.DEFAULTS)
    app.config.update(settings)
    app.config["SECRET_KEY"] = config.load_secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    if test_config:
        app.config.update(test_config)
    if os.environ.get("NTTLEARN_STRICT_PLUGINS") and "STRICT_PLUGINS" not in (test_config or {}):
        app.config["STRICT_PLUGINS"] = config._bool(os.environ["NTTLEARN_STRICT_PLUGINS"])

    db.init_app(app)
    host = PluginHost(strict=app.config["STRICT_PLUGINS"])
    app.extensions["nttlearn"] = host
    host.load(plugins)

    _init_babel(app, host)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    migrate.init_app(app, db, directory=str(CORE_MIGRATIONS), render_as_batch=True, compare_type=True)

    _register_core_blueprints(app)
    with app.app_context():
        host.start(app)
    _install_request_hooks(app, host)
    _install_template_globals(app, host)
    from .errors import register_error_handlers

    register_error_handlers(app)
    return app


@migrate.configure
def _alembic_version_locations(alembic_config):
    """Core revisions plus every installed plugin's branch (disabled ones too: data stays)."""
    from flask import current_app

    host: PluginHost = current_app.extensions["nttlearn"]
    dirs = [str(CORE_MIGRATIONS / "versions")]
    for result in host.pm.hook.nttlearn_migration_dirs():
        dirs.extend(str(d) for d in result or [])
    alembic_config.set_main_option("path_separator", "os")
    alembic_config.set_main_option("version_path_separator", "os")
    alembic_config.set_main_option("version_locations", os.pathsep.join(dirs))
    return alembic_config


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_babel(app: Flask, host: PluginHost) -> None:
    core_dir = Path(__file__).parent / "translations"
    dirs, domains = [str(core_dir)], ["messages"]
    for impl in host.pm.hook.nttlearn_translation_dirs.get_hookimpls():
        for directory in impl.function() or []:
            dirs.append(str(directory))
            domains.append(impl.plugin_name)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    babel.init_app(app, locale_selector=_select_locale)


def _select_locale() -> str:
    locales = config.LOCALES
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get("locale") in locales:
        return session["locale"]
    return request.accept_languages.best_match(locales) or "en"


def _register_core_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .author.views import bp as author_bp
    from .learn.views import bp as learn_bp
    from .reports.views import bp as reports_bp

    for blueprint in (auth_bp, learn_bp, author_bp, admin_bp, reports_bp):
        app.register_blueprint(blueprint)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _install_request_hooks(app: Flask, host: PluginHost) -> None:
    core = {"auth", "learn", "author", "admin", "reports", None}

    @app.before_request
    def _refuse_disabled_plugin_routes():
        blueprint = (request.blueprint or "").split(".")[0] or None
        if blueprint not in core and blueprint in host.plugins and not host.is_active(blueprint):
            abort(404)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.teardown_request
    def _forget(_exc):
        g.pop("nttlearn_disabled", None)


def _install_template_globals(app: Flask, host: PluginHost) -> None:
    from .auth.permissions import can_manage_course

    def slot(name: str, **context: Any):
        context.setdefault("user", current_user)
        return host.render_slot(name, context)

    app.jinja_env.globals.update(
        slot=slot,
        get_locale=get_locale,
        locales=config.LOCALES,
        can_manage_course=can_manage_course,
        site_name=lambda: app.config["SITE_NAME"],
    )
    from .content.markdown import render_markdown

    app.jinja_env.filters["markdown"] = render_markdown
