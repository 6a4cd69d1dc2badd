"""``nttlearn.api`` is the one door plugins use: every installed plugin imports the core through it
alone, the names plugins used before it still work, and its reference in docs/plugins.md is
written from the module itself."""

from __future__ import annotations

import pluggy
import pytest
from core_helpers import installed_plugin_names
from flask import Blueprint

import nttlearn
from nttlearn import api, apidoc
from nttlearn.api import db, hookimpl
from nttlearn.plugin_contract import core_imports, installed_plugin_roots
from nttlearn.testing import login


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
    (package / "tests" / "test_views.py").write_text(
        "from nttlearn.testing import login\nfrom nttlearn.api import db\n"
    )

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
        api.ActivityType,
        api.DefinitionProblem,
        api.Event,
        api.Setting,
        api.ReportPanel,
    )


def test_api_version_is_semantic_and_is_the_core_distributions_version():
    from importlib import metadata

    from packaging.version import Version

    version = Version(api.__version__)

    assert len(version.release) == 3
    assert metadata.version("nttlearn") == api.__version__, (
        "re-run `make install` after changing __version__"
    )


def test_api_reference_in_the_plugin_guide_is_written_from_the_module():
    document = apidoc.PLUGINS_DOC.read_text(encoding="utf-8")

    assert apidoc.with_reference(document) == document, (
        "run `python -m nttlearn.apidoc` to rewrite it"
    )


def test_api_reference_lists_every_exported_name():
    reference = apidoc.reference()

    assert [name for name in api.__all__ if f"`{name}" not in reference] == []


class FragmentCard:
    """A plugin whose dashboard card is one of its templates, rendered with render_fragment."""

    name = "fragment_probe"

    def __init__(self, templates) -> None:
        self.templates = templates

    @hookimpl
    def nttlearn_register_blueprints(self, app):
        app.register_blueprint(
            Blueprint("fragment_probe", __name__, template_folder=str(self.templates))
        )

    @hookimpl
    def nttlearn_template_slot(self, slot, context):
        if slot == "dashboard":
            return api.render_fragment("fragment_probe/card.html", name=context["user"].name)
        return None


def test_slot_rendered_with_render_fragment_keeps_its_html_and_escapes_values(
    app_factory, make_user, tmp_path
):
    (tmp_path / "fragment_probe").mkdir()
    (tmp_path / "fragment_probe" / "card.html").write_text(
        '<p class="fragment-probe">Hello {{ name }}</p>'
    )
    app = app_factory(plugins=[FragmentCard(tmp_path)])
    browser = app.test_client()
    with app.app_context():
        login(browser, make_user(name="<script>alert(1)</script>"))

        page = browser.get("/dashboard").get_data(as_text=True)

    assert '<p class="fragment-probe">Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>' in page


probe_hookspec = pluggy.HookspecMarker("nttlearn")


class Shapes:
    """A plugin declaring a hook of its own, and answering it."""

    name = "shapes"

    @hookimpl
    def nttlearn_add_hookspecs(self, pluginmanager):
        pluginmanager.add_hookspecs(ShapeSpecs)

    @hookimpl(optionalhook=True)
    def nttlearn_probe_shapes(self):
        return ["circle"]


class ShapeSpecs:
    @probe_hookspec
    def nttlearn_probe_shapes(self) -> list[str]:
        """Called by whoever wants shapes."""


class MoreShapes:
    name = "more_shapes"

    @hookimpl(optionalhook=True)
    def nttlearn_probe_shapes(self):
        return ["square"]


def test_call_hook_asks_the_enabled_plugins_only(app_factory):
    app = app_factory(plugins=[Shapes(), MoreShapes()])
    with app.app_context():
        assert sorted(api.call_hook("nttlearn_probe_shapes")) == [["circle"], ["square"]]

        app.extensions["nttlearn"].set_enabled("more_shapes", False)
        db.session.commit()

        assert api.call_hook("nttlearn_probe_shapes") == [["circle"]]
