"""The xAPI plugin keeps the plugin contract (one name everywhere, the core reached only through
nttlearn.api; it has no routes), and every setting it reads is explained in the admin guide."""

from __future__ import annotations

import pytest

from nttlearn.testing import check_plugin_contract, repo_root
from nttlearn_xapi.settings import PLUGIN, SETTINGS

ADMIN_GUIDE = repo_root() / "docs" / "admin-guide.md"
VARIABLES = [f"NTTLEARN_{PLUGIN.upper()}_{s.name.upper()}" for s in SETTINGS] + [
    "NTTLEARN_XAPI_PASSWORD"
]


def test_xapi_keeps_the_plugin_contract(app):
    assert check_plugin_contract("xapi", route_rows=[]) == []


@pytest.mark.parametrize("variable", VARIABLES)
def test_every_setting_is_in_the_admin_guides_table(variable):
    rows = [
        line
        for line in ADMIN_GUIDE.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]

    assert any(f"`{variable}`" in row for row in rows), (
        f"docs/admin-guide.md: add a table row for {variable}"
    )


def test_the_password_is_not_a_setting_shown_on_the_plugins_page():
    assert "password" not in {s.name for s in SETTINGS}
