"""The xAPI plugin's catalogue template matches the code, and every language of the site has every
message translated (no empty or fuzzy entry) with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

import nttlearn_xapi
from nttlearn.testing import catalogue_keys, catalogue_problems, extracted_keys

PACKAGE = Path(nttlearn_xapi.__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"


def test_catalogue_template_is_up_to_date_with_the_code(tmp_path):
    assert extracted_keys(PACKAGE, tmp_path) == catalogue_keys(TRANSLATIONS / "xapi.pot")


@pytest.mark.parametrize("locale", ["it", "sv", "es", "fi"])
def test_every_message_is_translated_with_the_same_placeholders(locale):
    assert catalogue_problems(TRANSLATIONS, "xapi", locale) == []
