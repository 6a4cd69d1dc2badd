"""``nttlearn plugins new NAME``: a complete plugin of the right shape, ready to install and test.

Modelled on ``plugins/example_partner``: an entry point, a blueprint with a page, a dashboard slot,
an event listener, a command group, a migration with one table, settings, translation catalogues,
its own tests (the contract check among them) and a README. The files are the ``*.tmpl`` under
``scaffold/plugin/``, rendered with :class:`string.Template` (``${name}``, ``${package}``, …, so
that the Jinja braces of the plugin's own templates stay as they are); ``{name}``, ``{package}``
and ``{dot}`` in their paths are replaced. The catalogues are then extracted from the generated
code with Babel, so that they hold exactly its strings.
"""

from __future__ import annotations

import keyword
import re
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from string import Template

from packaging.version import Version

TEMPLATES = Path(__file__).resolve().parent / "plugin"
# Alembic revision ids hold 32 characters: "<name>_0001" must fit.
NAME = re.compile(r"^[a-z][a-z0-9_]{1,26}$")
LOCALES = ("it", "sv", "es", "fi")
CORE_REVISION = "0001_core"  # the core revision with the tables plugins point at (users, courses)
CORE_BLUEPRINTS = frozenset(
    {
        "auth",
        "learn",
        "author",
        "admin",
        "reports",
        "cohorts",
        "notifications",
        "calendar",
        "onboarding",
        "exports",
        "design",
        # the REST API's (nttlearn/rest), registered when NTTLEARN_API_ENABLED is on
        "api_courses",
        "api_me",
        "api_users",
        "api_organisations",
        "api_enrolments",
        "api_cohorts",
        "api_docs",
        "api_tokens",
        "api-docs",
    }
)
FLASK_COMMANDS = frozenset({"db", "run", "shell", "routes"})


class ScaffoldError(ValueError):
    """The plugin cannot be made (a name taken or malformed, a folder already there)."""


def reserved_names() -> frozenset[str]:
    """Names a new plugin cannot take: its blueprint and command group would collide with the
    core's, or it would shadow an installed plugin."""
    from ..cli import main
    from ..plugins import ENTRY_POINT_GROUP

    installed = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    return (
        CORE_BLUEPRINTS
        | FLASK_COMMANDS
        | set(main.commands)
        | installed
        | {"api", "static", "testing"}
    )


def check_name(name: str) -> None:
    if not NAME.match(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(
            f"{name!r} cannot name a plugin: use 2 to 27 lowercase letters, digits and single underscores, "
            "starting with a letter (for example twinning_fair)"
        )
    if keyword.iskeyword(name) or name in reserved_names():
        raise ScaffoldError(
            f"{name!r} is already taken by nttlearn or an installed plugin: choose another name"
        )


def _api_range() -> str:
    """``>=1.0,<2`` for API 1.x: this API's minor version and later, up to the next major."""
    from ..api import __version__

    version = Version(__version__)
    return f">={version.major}.{version.minor},<{version.major + 1}"


def _values(name: str) -> dict[str, str]:
    return {
        "name": name,
        "NAME": name.upper(),
        "package": f"nttlearn_{name}",
        "dist": f"nttlearn-{name.replace('_', '-')}",
        "title": name.replace("_", " ").capitalize(),
        "api_range": _api_range(),
        "core_revision": CORE_REVISION,
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }


def _target_path(template: Path, values: dict[str, str]) -> str:
    relative = template.relative_to(TEMPLATES).as_posix().removesuffix(".tmpl")
    return (
        relative.replace("{package}", values["package"])
        .replace("{name}", values["name"])
        .replace("{dot}", ".")
    )


def _write_catalogues(folder: Path, values: dict[str, str]) -> None:
    """The ``.pot`` extracted from the generated code, and an empty catalogue per language."""
    from babel.messages.frontend import CommandLineInterface

    package = folder / values["package"]
    translations = package / "translations"
    pot = translations / f"{values['name']}.pot"
    translations.mkdir(parents=True, exist_ok=True)
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(folder / "babel.cfg"),
            "--no-location",
            "--sort-output",
            "--project",
            values["dist"],
            "--version",
            "0.1.0",
            "-o",
            str(pot),
            str(package),
        ]
    )
    for locale in LOCALES:
        CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "init",
                "-D",
                values["name"],
                "-i",
                str(pot),
                "-d",
                str(translations),
                "-l",
                locale,
            ]
        )


def generate(name: str, parent: Path) -> Path:
    """Make the plugin ``name`` in ``parent/name`` and return that folder."""
    check_name(name)
    folder = Path(parent) / name
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: choose another name or folder (--path)")
    values = _values(name)
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        target = folder / _target_path(template, values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            Template(template.read_text(encoding="utf-8")).substitute(values), encoding="utf-8"
        )
    _write_catalogues(folder, values)
    return folder
