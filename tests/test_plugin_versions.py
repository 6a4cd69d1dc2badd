"""The API's stability promise: a plugin whose distribution asks for another ``nttlearn`` API
than the site runs is listed as failed, with the reason, and none of its code is imported."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from nttlearn import api
from nttlearn.cli import main
from nttlearn.plugins import PluginLoadError


def install_fake_plugin(tmp_path, monkeypatch, name: str, requires: list[str]) -> str:
    """A distribution as pip would leave it (``*.dist-info`` with METADATA and entry points) whose
    module fails loudly if anything imports it."""
    module = f"nttlearn_{name}"
    (tmp_path / f"{module}.py").write_text(
        f"raise RuntimeError('the code of {name} was imported')\n"
    )
    info = tmp_path / f"nttlearn_{name}-0.3.0.dist-info"
    info.mkdir()
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: nttlearn-{name}",
        "Version: 0.3.0",
        f"Summary: the {name} plugin",
    ]
    (info / "METADATA").write_text(
        "\n".join(metadata + [f"Requires-Dist: {r}" for r in requires]) + "\n"
    )
    (info / "entry_points.txt").write_text(f"[nttlearn.plugins]\n{name} = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return module


def test_plugin_for_another_api_is_failed_with_the_reason_and_never_imported(
    app_factory, tmp_path, monkeypatch
):
    module = install_fake_plugin(
        tmp_path, monkeypatch, "future", ["nttlearn>=2.0,<3", "fpdf2>=2.7"]
    )

    app = app_factory({"STRICT_PLUGINS": False}, plugins=["future"])

    host = app.extensions["nttlearn"]
    assert host.status("future") == "failed"
    assert (
        host.plugins["future"].error
        == f"needs nttlearn API <3,>=2.0, this site runs {api.__version__}"
    )
    assert host.plugins["future"].version == "0.3.0"
    assert module not in sys.modules


def test_admin_sees_why_the_plugin_failed_in_the_plugin_list(app_factory, tmp_path, monkeypatch):
    install_fake_plugin(tmp_path, monkeypatch, "ancient", ["nttlearn<1"])
    app = app_factory({"STRICT_PLUGINS": False}, plugins=["ancient"])

    result = app.test_cli_runner().invoke(main, ["plugins", "list", "--json"])

    [row] = json.loads(result.output)
    assert (row["name"], row["status"]) == ("ancient", "failed")
    assert row["error"] == f"needs nttlearn API <1, this site runs {api.__version__}"


def test_strict_site_refuses_to_start_with_a_plugin_for_another_api(
    app_factory, tmp_path, monkeypatch
):
    install_fake_plugin(tmp_path, monkeypatch, "future", ["nttlearn>=2.0"])

    with pytest.raises(PluginLoadError, match="needs nttlearn API >=2.0"):
        app_factory({"STRICT_PLUGINS": True}, plugins=["future"])


@pytest.mark.parametrize(
    "requires",
    [
        ["nttlearn>=1.0,<2"],
        ["nttlearn"],  # written before the API had a version: let in
        [],
        [
            'nttlearn>=9; python_version < "3"'
        ],  # a requirement for another Python does not apply here
    ],
)
def test_plugin_in_range_or_naming_no_range_is_imported(
    app_factory, tmp_path, monkeypatch, requires
):
    (tmp_path / "nttlearn_present.py").write_text(
        textwrap.dedent('''
        """A plugin without hooks."""
    ''')
    )
    info = tmp_path / "nttlearn_present-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nttlearn-present\nVersion: 1.0\n"
        + "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    (info / "entry_points.txt").write_text("[nttlearn.plugins]\npresent = nttlearn_present\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "nttlearn_present", raising=False)

    app = app_factory(plugins=["present"])

    with app.app_context():
        assert app.extensions["nttlearn"].status("present") == "enabled"
