"""The peer review plugin's catalogue template matches the code, and every language of the site has every
message translated (no empty or fuzzy entry) with the same placeholders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import nttlearn_peer_review

PACKAGE = Path(nttlearn_peer_review.__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"
LOCALES = ("it", "sv", "es", "fi")


def _keys(catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def test_catalogue_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "peer_review.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(PACKAGE.parent / "babel.cfg"),
         "--no-location", "--sort-output", "-o", str(fresh), str(PACKAGE)],
        check=True, capture_output=True,
    )

    assert _keys(_read(fresh)) == _keys(_read(TRANSLATIONS / "peer_review.pot"))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "peer_review.po")

    untranslated = [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                                           else [m.string]))]

    assert untranslated == []
    assert _keys(catalog) == _keys(_read(TRANSLATIONS / "peer_review.pot"))
    assert [(m.id, errors) for m, errors in catalog.check()] == []
