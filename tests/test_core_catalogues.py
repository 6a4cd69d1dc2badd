"""The core's messages are translated into every partner language (it, sv, es, fi)."""

from __future__ import annotations

import pytest

from nttlearn.testing import catalogue_problems, repo_root


@pytest.mark.parametrize("locale", ["it", "sv", "es", "fi"])
def test_every_core_message_is_translated(locale):
    assert catalogue_problems(repo_root() / "nttlearn" / "translations", "messages", locale) == []
