"""``check_plugin_contract`` names each rule a plugin breaks (the built-ins' own tests show that
they break none; these show that each check does find what it is for)."""

from __future__ import annotations

import textwrap
from importlib import metadata

from flask import Blueprint

from nttlearn.api import hookimpl, public
from nttlearn.plugin_contract import (
    api_range_problems,
    branch_label_problems,
    route_row_problems,
    table_prefix_problems,
    template_namespace_problems,
    translation_domain_problems,
)
from nttlearn.testing import check_plugin_contract


def _revision(folder, filename, revision, down_revision=None, branch_labels=None, depends_on=None):
    (folder / filename).write_text(
        textwrap.dedent(f"""
        from alembic import op
        import sqlalchemy as sa

        revision = {revision!r}
        down_revision = {down_revision!r}
        branch_labels = {branch_labels!r}
        depends_on = {depends_on!r}


        def upgrade():
            op.create_table("fair_stands", sa.Column("id", sa.Integer(), primary_key=True))
            op.create_table("stands", sa.Column("id", sa.Integer(), primary_key=True))
    """)
    )
    return folder / filename


def test_template_outside_the_plugins_folder_is_named(tmp_path):
    (tmp_path / "fair").mkdir()
    (tmp_path / "fair" / "stands.html").write_text("ok")
    (tmp_path / "index.html").write_text("would shadow the core's")

    assert template_namespace_problems("fair", [tmp_path]) == [
        f"{tmp_path.name}/index.html is not under {tmp_path.name}/fair/"
    ]


def test_catalogue_of_another_domain_is_named(tmp_path):
    (tmp_path / "sv" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fair.pot").write_text("")
    (tmp_path / "sv" / "LC_MESSAGES" / "fair.po").write_text("")
    (tmp_path / "sv" / "LC_MESSAGES" / "messages.po").write_text("")

    assert translation_domain_problems("fair", [tmp_path]) == [
        "sv/LC_MESSAGES/messages.po is not in the domain 'fair'"
    ]


def test_table_created_without_the_plugins_prefix_is_named(tmp_path):
    migration = _revision(
        tmp_path, "fair_0001.py", "fair_0001", branch_labels=("fair",), depends_on="0001_core"
    )

    assert table_prefix_problems("fair", "nttlearn_fair", [migration]) == [
        "table 'stands' is not named fair_…"
    ]


def test_branch_without_the_plugins_label_or_leaving_its_branch_is_named(tmp_path):
    first = _revision(tmp_path, "fair_0001.py", "fair_0001", branch_labels=("fairs",))
    second = _revision(tmp_path, "fair_0002.py", "fair_0002", down_revision="quiz_0001")

    assert branch_label_problems("fair", [first, second]) == [
        "fair_0001.py: branch_labels = ('fair',) is missing (found ('fairs',))",
        "fair_0001.py: depends_on names no core revision (depends_on = '0001_core')",
        "fair_0002.py: down_revision ['quiz_0001'] is not a revision of the plugin's branch",
    ]


def test_a_labelled_branch_built_on_the_core_passes(tmp_path):
    first = _revision(
        tmp_path, "fair_0001.py", "fair_0001", branch_labels=("fair",), depends_on="0001_core"
    )
    second = _revision(tmp_path, "fair_0002.py", "fair_0002", down_revision="fair_0001")

    assert branch_label_problems("fair", [first, second]) == []


class Stands:
    name = "stands"

    @hookimpl
    def nttlearn_register_blueprints(self, app):
        blueprint = Blueprint("stands", __name__, url_prefix="/stands")
        blueprint.add_url_rule("/", "index", public(lambda: "stands"), methods=["GET", "POST"])
        app.register_blueprint(blueprint)


def test_route_without_a_row_is_named(app_factory):
    app = app_factory(plugins=[Stands()])

    assert route_row_problems("stands", app, [("stands.index", "GET", 200)]) == [
        "POST stands.index has no row"
    ]
    assert (
        route_row_problems("stands", app, [("stands.index", "GET"), ("stands.index", "POST")]) == []
    )


def test_plugin_that_is_not_installed_has_no_entry_point(app_factory):
    app = app_factory(plugins=[Stands()])

    with app.app_context():
        problems = check_plugin_contract("stands")

    assert problems == [
        "entry point: no 'nttlearn.plugins' entry point named 'stands': is the plugin installed?"
    ]


def test_distribution_naming_no_api_range_is_told_to(tmp_path, monkeypatch):
    info = tmp_path / "nttlearn_loose-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nttlearn-loose\nVersion: 1.0\nRequires-Dist: nttlearn\n"
    )
    (info / "entry_points.txt").write_text("[nttlearn.plugins]\nloose = nttlearn_loose\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    [ep] = [ep for ep in metadata.entry_points(group="nttlearn.plugins") if ep.name == "loose"]

    assert api_range_problems(ep) == [
        "the distribution names no nttlearn API range: install_requires = nttlearn>=1.0,<2 in setup.cfg"
    ]


def test_branch_with_two_roots_is_named(tmp_path):
    first = _revision(
        tmp_path, "fair_0001.py", "fair_0001", branch_labels=("fair",), depends_on="0001_core"
    )
    other = _revision(
        tmp_path, "fair_0002.py", "fair_0002", branch_labels=("fair",), depends_on="0001_core"
    )

    assert branch_label_problems("fair", [first, other]) == [
        "2 revisions without down_revision: the branch needs exactly one root"
    ]
