"""Assembling the Flask app: configuration, extensions, plugins, blueprints, security."""

from __future__ import annotations

import logging
import os
from functools import wraps
from pathlib import Path
from typing import Any

import flask_babel
from flask import Flask, abort, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import caching, config, storage
from .caching import request_cache
from .dates import format_user_datetime
from .extensions import csrf, db, login_manager, migrate
from .plugins import PluginHost
from .request_args import install_request_checks

CORE_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """A setting the site cannot start without (in production)."""


def build_app(test_config: dict[str, Any] | None, plugins: list[object] | None) -> Flask:
    settings = config.settings_from_env()
    if test_config and "INSTANCE_PATH" in test_config:
        settings["INSTANCE_PATH"] = test_config["INSTANCE_PATH"]
    instance = Path(settings["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    install_request_checks(app)  # before any blueprint: their <int:…> rules take its converter
    app.config.update(config.DEFAULTS)
    app.config.update(settings)
    app.config["SECRET_KEY"] = config.load_secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    if test_config:
        app.config.update(test_config)
    _check_base_url(app, test_config or {})
    _secure_cookies(app, test_config or {})
    _trust_reverse_proxy(app)
    if os.environ.get("NTTLEARN_STRICT_PLUGINS") and "STRICT_PLUGINS" not in (test_config or {}):
        app.config["STRICT_PLUGINS"] = config._bool(os.environ["NTTLEARN_STRICT_PLUGINS"])

    db.init_app(app)
    caching.init_app(app)
    storage.init_app(app)
    host = PluginHost(
        strict=app.config["STRICT_PLUGINS"], trace=bool(app.config.get("TRACE_HOOKS"))
    )
    app.extensions["nttlearn"] = host
    host.load(plugins)

    _init_babel(app, host)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    migrate.init_app(
        app, db, directory=str(CORE_MIGRATIONS), render_as_batch=True, compare_type=True
    )

    _register_core_blueprints(app)
    _serve_favicon(app)
    with app.app_context():
        host.start(app)
    _init_rest_api(app, host)
    _declare_static_files_public(app)
    _install_request_hooks(app, host)
    from .jobs.backends import install as install_jobs

    install_jobs(app)
    _install_template_globals(app, host)
    from .errors import register_error_handlers

    register_error_handlers(app)
    return app


def _init_rest_api(app: Flask, host: PluginHost) -> None:
    """The REST API (``NTTLEARN_API_ENABLED``): the core's resources and the plugins'."""
    if not app.config.get("API_ENABLED"):
        return
    from .rest import init_rest

    init_rest(app, host)


def _check_base_url(app: Flask, test_config: dict[str, Any]) -> None:
    """``NTTLEARN_BASE_URL`` is baked into every certificate, credential, PDF and e-mail link, and
    a certificate cannot be corrected once issued: in production the site refuses to start
    without it; elsewhere it starts with the laptop default and says so."""
    if "BASE_URL" in test_config or config.base_url_configured():
        return
    if app.config.get("ENVIRONMENT") == config.PRODUCTION:
        raise ConfigurationError(
            "NTTLEARN_BASE_URL is not set. In production (NTTLEARN_ENV=production) set it to the "
            "site's public address, e.g. https://learn.example.org: it is printed in every "
            "certificate and credential, and in the links of every e-mail."
        )
    log.warning(
        "NTTLEARN_BASE_URL is not set: certificates, credentials and e-mails will name %s, which "
        "only this machine can reach. Set it to the site's public address.",
        app.config["BASE_URL"],
    )


def _secure_cookies(app: Flask, test_config: dict[str, Any]) -> None:
    """Served over HTTPS (``NTTLEARN_BASE_URL`` starts with https://): cookies only travel over
    HTTPS, the remember-me cookie included, and generated links use https."""
    if "SESSION_COOKIE_SECURE" not in test_config and str(
        app.config.get("BASE_URL", "")
    ).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if "REMEMBER_COOKIE_SECURE" not in test_config:
        app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    if app.config.get("SESSION_COOKIE_SECURE") and "PREFERRED_URL_SCHEME" not in test_config:
        app.config["PREFERRED_URL_SCHEME"] = "https"


def _trust_reverse_proxy(app: Flask) -> None:
    """Behind nginx (``NTTLEARN_PROXY_COUNT=1``) take the visitor's address and scheme from the
    proxy's X-Forwarded-* headers; otherwise every visitor shares the proxy's address and one
    person's failed logins would lock out everyone's (the per-IP rate limit)."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def _declare_static_files_public(app: Flask) -> None:
    """Static files (the core's and each blueprint's) are public: say so, as every view must."""
    from .auth.permissions import PERMISSION_ATTRIBUTE, public

    def declared(view: Any) -> Any:
        @wraps(view)
        def send_static_file(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        return public(send_static_file)

    for endpoint, view in list(app.view_functions.items()):
        if (endpoint == "static" or endpoint.endswith(".static")) and not hasattr(
            view, PERMISSION_ATTRIBUTE
        ):
            app.view_functions[endpoint] = declared(view)


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


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_transaction(conn, name):
    """Open the SQLite transaction before a SAVEPOINT.

    pysqlite begins its transaction lazily, at the first write. A SAVEPOINT issued before any
    write would itself open the transaction, and its RELEASE would then commit it: a row inserted
    with ``begin_nested()`` (an enrolment, a completion) would survive the rollback of the request
    when a later step (an event listener) raises. Reads before the first write stay outside the
    transaction, as before, so concurrent writers wait for the lock instead of failing on a stale
    snapshot.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if (
        type(dbapi_connection).__module__.startswith("sqlite3")
        and not dbapi_connection.in_transaction
    ):
        dbapi_connection.execute("BEGIN")


def _init_babel(app: Flask, host: PluginHost) -> None:
    core_dir = Path(__file__).parent / "translations"
    dirs, domains = [str(core_dir)], ["messages"]
    for impl in host.pm.hook.nttlearn_translation_dirs.get_hookimpls():
        for directory in impl.function() or []:
            dirs.append(str(directory))
            domains.append(impl.plugin_name)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    # A Babel of its own per app: Flask-Babel caches the domain and its catalogues on the Babel
    # object, so apps sharing one (tests, several apps in a process) would share the first
    # app's plugin catalogues.
    app.extensions["nttlearn_babel"] = flask_babel.Babel(app, locale_selector=_select_locale)
    # Templates call _() a dozen times per page. Flask-Babel's callables look the locale and the
    # catalogues up on every call; these look them up once per request (and again after
    # flask_babel.refresh(), which forgets the locale).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def _request_translations() -> Any:
    """This request's catalogue, looked up once (again after ``flask_babel.refresh()``, which
    forgets the locale Flask-Babel keeps in ``g``)."""
    if not has_app_context():
        return flask_babel.get_translations()
    cache = request_cache()
    cached = cache.get("translations")
    babel_state = g.get("_flask_babel")
    if (
        cached is None
        or babel_state is None
        or cached[0] is not getattr(babel_state, "babel_locale", None)
    ):
        translations = flask_babel.get_translations()
        cached = cache["translations"] = (
            getattr(g.get("_flask_babel"), "babel_locale", None),
            translations,
        )
    return cached[1]


def _select_locale() -> str:
    """The user's preferred language, else the one chosen in the switcher, else the browser's.
    Outside a request (the command line) messages are in English."""
    if not has_request_context():
        return "en"
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
    from .calendar.views import bp as calendar_bp
    from .cohorts.views import bp as cohorts_bp
    from .design.views import bp as design_bp
    from .exports import bp as exports_bp
    from .learn.views import bp as learn_bp
    from .notifications.views import bp as notifications_bp
    from .onboarding.views import bp as onboarding_bp
    from .reports.views import bp as reports_bp

    for blueprint in (
        auth_bp,
        learn_bp,
        author_bp,
        admin_bp,
        onboarding_bp,
        reports_bp,
        cohorts_bp,
        notifications_bp,
        calendar_bp,
        exports_bp,
        design_bp,
    ):
        app.register_blueprint(blueprint)


FAVICON_MAX_AGE = 7 * 24 * 3600


def _serve_favicon(app: Flask) -> None:
    """Browsers ask for ``/favicon.ico`` whatever the page links, so that address answers with the
    SVG icon that ``base.html`` links (not a 404 in every page load's log), cacheable for a week."""
    from .auth.permissions import public

    @public
    def favicon() -> Any:
        response = app.send_static_file("favicon.svg")
        response.cache_control.public = True
        response.cache_control.max_age = FAVICON_MAX_AGE
        return response

    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=favicon)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _install_request_hooks(app: Flask, host: PluginHost) -> None:
    core = {"auth", "learn", "author", "admin", "reports", None}

    @app.before_request
    def _refuse_disabled_plugin_routes():
        owner = host.endpoint_owner(request.endpoint)
        if owner is None:
            blueprint = (request.blueprint or "").split(".")[0] or None
            owner = blueprint if blueprint not in core and blueprint in host.plugins else None
        if owner is not None and not host.is_active(owner):
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

    @app.after_request
    def _private_responses_are_not_stored(response):
        """A page or download made for one person must not stay in a browser's or a proxy's cache
        (a shared computer in a town hall, a caching proxy): everything answered to a logged-in
        person, and every download (``attachment``), is ``no-store``. Static files and responses a
        view declared ``public`` (a published course's images) stay cacheable."""
        endpoint = request.endpoint or ""
        if endpoint == "static" or endpoint.endswith(".static") or response.cache_control.public:
            return response
        if response.cache_control.no_store:  # already said, perhaps with more ("private, no-store")
            return response
        download = response.headers.get("Content-Disposition", "").lower().startswith("attachment")
        # ``is_anonymous``, not ``is_authenticated``: it reads no column, so a view that has
        # committed (and so expired the signed-in user) does not reload the user here.
        if download or not current_user.is_anonymous:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.teardown_request
    def _end_request(exc: BaseException | None) -> None:
        """Leave nothing of this request behind: an unhandled error's half-done changes are rolled
        back and the locale is forgotten (the request cache drops itself: see ``caching.init_app``)."""
        if exc is not None:
            db.session.rollback()
        flask_babel.refresh()


def _babel_dates():
    import babel.dates

    return babel.dates


def _unread_notifications() -> int:
    """The navigation bar's count: one query per request, none for a visitor."""
    from .notifications.services import unread_count

    return unread_count(current_user.id) if current_user.is_authenticated else 0


def _install_template_globals(app: Flask, host: PluginHost) -> None:
    from flask_wtf.csrf import generate_csrf

    from .auth.permissions import can_manage_course
    from .caching import worker_cache

    def slot(name: str, **context: Any):
        user = context.get("user", current_user)
        # The user object itself, not Flask-Login's proxy: a plugin may keep the context.
        context["user"] = (
            user._get_current_object() if hasattr(user, "_get_current_object") else user
        )
        return host.render_slot(name, context)

    def csrf_token() -> str:
        """Flask-WTF's token for this session, signed once per session and worker rather than on
        every page (signing was a twentieth of a lesson page). Tokens do not expire
        (``WTF_CSRF_TIME_LIMIT`` is None), so a token signed earlier is as valid as a new one."""
        raw = session.get("csrf_token")
        if raw is None or app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
            return generate_csrf()
        signed = worker_cache("csrf_tokens", app).get_or_make(raw, generate_csrf)
        g.csrf_token = signed  # the token WTForms puts in this request's forms
        return signed

    # Flask-WTF offers its own csrf_token both ways; a later context processor wins.
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        slot=slot,
        get_locale=get_locale,
        locales=config.LOCALES,
        can_manage_course=can_manage_course,
        site_name=lambda: app.config["SITE_NAME"],
        user_datetime=format_user_datetime,
        format_month=lambda d: _babel_dates().format_date(
            d, "LLLL y", locale=str(get_locale() or "en")
        ),
        format_weekday=lambda d, width: _babel_dates().format_skeleton(
            "EEEE" if width == "wide" else "EEE", d, locale=str(get_locale() or "en")
        ),
        format_day=lambda d: d.day,
        unread_notifications=_unread_notifications,
    )
    from .content.markdown import render_markdown
    from .content.names import localized

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["localized"] = localized
    from .formats import register_filters

    register_filters(app)
