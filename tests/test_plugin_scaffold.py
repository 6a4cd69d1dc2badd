"""``nttlearn plugins new NAME`` makes a plugin that installs, passes its own tests and the
contract check, and imports the core only through nttlearn.api, without a single edit."""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nttlearn.cli import main
from nttlearn.plugin_contract import core_imports
from nttlearn.scaffold import reserved_names
from nttlearn.testing import venv_command

NAME = "scaffolded_fair"


def make_plugin(parent: Path, name: str = NAME):
    return CliRunner().invoke(main, ["plugins", "new", name, "--path", str(parent)])


def install_metadata(folder: Path, site: Path) -> None:
    """What ``pip install -e`` would record (the distribution, its requirements, its entry point),
    read from the generated setup.cfg; the code itself is found through PYTHONPATH."""
    config = configparser.ConfigParser()
    config.read(folder / "setup.cfg")
    name, version = config["metadata"]["name"], config["metadata"]["version"]
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    requires = [
        line.strip() for line in config["options"]["install_requires"].splitlines() if line.strip()
    ]
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\n"
        f"Name: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    entry_points = config["options.entry_points"]["nttlearn.plugins"].strip()
    (info / "entry_points.txt").write_text(f"[nttlearn.plugins]\n{entry_points}\n")


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A plugin made by the command, and an environment in which it is installed."""
    parent = tmp_path_factory.mktemp("partner")
    result = make_plugin(parent)
    assert result.exit_code == 0, result.output
    folder = parent / NAME
    site = tmp_path_factory.mktemp("site")
    install_metadata(folder, site)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(folder), str(site), os.environ.get("PYTHONPATH", "")]),
        NTTLEARN_INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
        NTTLEARN_STRICT_PLUGINS="1",
    )
    return folder, env


def test_command_says_what_to_do_next(tmp_path):
    result = make_plugin(tmp_path)

    assert result.exit_code == 0, result.output
    assert f"pip install -e {tmp_path / NAME}" in result.output
    assert (tmp_path / NAME / f"nttlearn_{NAME}" / "plugin.py").is_file()


@pytest.mark.slow
def test_new_plugin_passes_its_own_tests_and_the_contract_check(installed_plugin):
    folder, env = installed_plugin

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert re.fullmatch(r"\d+ passed in [\d.]+s( \(.*\))?", summary), summary
    assert (
        "test_plugin_keeps_the_contract"
        in (folder / "tests" / f"test_{NAME}_contract.py").read_text()
    )


def test_new_plugin_shows_in_the_plugin_list_once_installed(installed_plugin):
    folder, env = installed_plugin

    run = subprocess.run(
        [venv_command("nttlearn"), "plugins", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    rows = {row["name"]: row for row in json.loads(run.stdout)}
    assert (rows[NAME]["status"], rows[NAME]["version"], rows[NAME]["error"]) == (
        "enabled",
        "0.1.0",
        None,
    )


def test_new_plugin_imports_the_core_only_through_the_api(installed_plugin):
    folder, _env = installed_plugin

    assert [str(found) for found in core_imports(folder)] == []


def test_new_plugin_is_ruff_clean(installed_plugin):
    folder, _env = installed_plugin

    run = subprocess.run(
        [venv_command("ruff"), "check", "--no-cache", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("quiz", "already taken"),
        ("users", "already taken"),  # the core's command group
        ("admin", "already taken"),  # the core's blueprint
        ("Twinning-Fair", "cannot name a plugin"),
        ("x", "cannot name a plugin"),
        ("fair__stand", "cannot name a plugin"),
        ("a_name_longer_than_alembic_allows", "cannot name a plugin"),
    ],
)
def test_name_taken_or_malformed_is_refused_and_nothing_is_made(tmp_path, name, reason):
    result = make_plugin(tmp_path, name)

    assert result.exit_code == 1
    assert reason in result.output
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_left_alone(tmp_path):
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "notes.txt").write_text("mine")

    result = make_plugin(tmp_path)

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert [p.name for p in (tmp_path / NAME).iterdir()] == ["notes.txt"]


def test_core_blueprints_and_commands_are_reserved_names(app_factory):
    app = app_factory(plugins=[])

    assert set(app.blueprints) <= reserved_names()
    assert set(main.commands) <= reserved_names()
