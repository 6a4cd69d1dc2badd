"""The assignment plugin keeps the plugin contract: one name everywhere (entry point, branch
label, tables, templates, translation domain), a route-table row for every route, the core
reached only through nttlearn.api."""

from __future__ import annotations

from nttlearn.testing import check_plugin_contract


def test_assignment_keeps_the_plugin_contract(app):
    assert check_plugin_contract("assignment") == []
