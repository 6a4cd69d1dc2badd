"""Every ``NTTLEARN_*`` variable read by nttlearn/config.py is explained in docs/admin-guide.md."""

from __future__ import annotations

import re

import pytest

from nttlearn import config
from nttlearn.testing import repo_root

ADMIN_GUIDE = repo_root() / "docs" / "admin-guide.md"


def _variables() -> list[str]:
    source = (repo_root() / "nttlearn" / "config.py").read_text(encoding="utf-8")
    return sorted(
        {config.ENV_PREFIX + name for name in re.findall(r'_env\("([A-Z0-9_]+)"', source)}
    )


def test_config_reads_variables():
    assert "NTTLEARN_DATABASE_URL" in _variables()


@pytest.mark.parametrize("variable", _variables())
def test_variable_is_in_the_admin_guides_table(variable):
    rows = [
        line
        for line in ADMIN_GUIDE.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]

    assert any(f"`{variable}`" in row for row in rows), (
        f"docs/admin-guide.md: add a table row for {variable}"
    )
