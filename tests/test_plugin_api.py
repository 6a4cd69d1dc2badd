"""``nttlearn.api`` is the one door plugins use: every installed plugin imports the core through it
alone, the names plugins used before it still work, and its reference in docs/plugins.md is
written from the module itself."""

from __future__ import annotations

import pytest
from core_helpers import installed_plugin_names

import nttlearn
from nttlearn import api, apidoc
from nttlearn.plugin_contract import core_imports, installed_plugin_roots


@pytest.mark.parametrize("name", sorted(installed_plugin_names()))
def test_installed_plugin_imports_the_core_only_through_nttlearn_api(name):
    root = installed_plugin_roots()[name]

    assert [str(found) for found in core_imports(root)] == []


def test_import_walk_names_each_import_that_goes_around_the_api(tmp_path):
    package = tmp_path / "nttlearn_walked"
    (package / "tests").mkdir(parents=True)
    (package / "views.py").write_text(
        "from nttlearn import db\n"
        "from nttlearn.api import require_login\n"
        "import nttlearn.models\n"
        "from nttlearn.testing import login\n"
        "def later():\n"
        "    from nttlearn.auth import can_manage_course\n"
    )
    (package / "tests" / "test_views.py").write_text("from nttlearn.testing import login\nfrom nttlearn.api import db\n")

    found = [(f.path.name, f.line, f.statement) for f in core_imports(package)]

    assert found == [
        ("views.py", 1, "from nttlearn import db"),
        ("views.py", 3, "import nttlearn.models"),
        ("views.py", 4, "from nttlearn.testing import login"),
        ("views.py", 6, "from nttlearn.auth import can_manage_course"),
    ]


def test_every_name_the_api_exports_exists():
    missing = [name for name in api.__all__ if not hasattr(api, name)]

    assert missing == []


def test_hookimpl_of_the_package_is_the_api_marker():
    assert nttlearn.hookimpl is api.hookimpl
    assert nttlearn.db is api.db


def test_names_from_before_the_api_are_the_same_objects():
    from nttlearn.activities import ActivityType, DefinitionProblem
    from nttlearn.events import Event
    from nttlearn.plugins import Setting
    from nttlearn.reports.panels import ReportPanel

    assert (ActivityType, DefinitionProblem, Event, Setting, ReportPanel) == (
        api.ActivityType, api.DefinitionProblem, api.Event, api.Setting, api.ReportPanel)


def test_api_version_is_semantic_and_is_the_core_distributions_version():
    from importlib import metadata

    from packaging.version import Version

    version = Version(api.__version__)

    assert len(version.release) == 3
    assert metadata.version("nttlearn") == api.__version__, "re-run `make install` after changing __version__"


def test_api_reference_in_the_plugin_guide_is_written_from_the_module():
    document = apidoc.PLUGINS_DOC.read_text(encoding="utf-8")

    assert apidoc.with_reference(document) == document, "run `python -m nttlearn.apidoc` to rewrite it"


def test_api_reference_lists_every_exported_name():
    reference = apidoc.reference()

    assert [name for name in api.__all__ if f"`{name}" not in reference] == []
